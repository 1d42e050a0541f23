package io.potok.broker.group.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code range} assignor: for each topic, its subscribers (in member-id order) get consecutive
 * ranges of partitions, the first {@code partitions % subscribers} one partition more. Members with
 * the same subscriptions thus get the same partition numbers of co-partitioned topics. It ignores
 * the previous assignment.
 */
public final class RangeAssignor implements PartitionAssignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Assignment> assign(Map<String, Set<Uuid>> subscriptions, Map<Uuid, Integer> partitionCounts,
                                          Map<String, Assignment> previous) {
        Map<String, Map<Uuid, TreeSet<Integer>>> result = new TreeMap<>();
        subscriptions.keySet().forEach(m -> result.put(m, new TreeMap<>()));
        for (Map.Entry<Uuid, Integer> topic : new TreeMap<>(partitionCounts).entrySet()) {
            List<String> subscribers = new ArrayList<>();
            new TreeMap<>(subscriptions).forEach((m, topics) -> {
                if (topics.contains(topic.getKey())) {
                    subscribers.add(m);
                }
            });
            if (subscribers.isEmpty()) {
                continue;
            }
            int per = topic.getValue() / subscribers.size();
            int extra = topic.getValue() % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int count = per + (i < extra ? 1 : 0);
                for (int k = 0; k < count; k++) {
                    result.get(subscribers.get(i)).computeIfAbsent(topic.getKey(), t -> new TreeSet<>()).add(next++);
                }
            }
        }
        Map<String, Assignment> out = new TreeMap<>();
        result.forEach((m, a) -> out.put(m, Assignment.of(a)));
        return out;
    }
}
