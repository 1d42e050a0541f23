package io.potok.broker.group.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code uniform} assignor: spreads the partitions evenly over the members subscribed to them
 * and keeps every partition where it is when that does not break the balance (sticky).
 *
 * <p>Steps: (1) keep each member's previous partitions that it still subscribes to; (2) give every
 * other partition to the least-loaded subscribed member; (3) while some member has at least two
 * partitions more than another member that could take one of them, move one. With identical
 * subscriptions the result has member sizes differing by at most one.
 */
public final class UniformAssignor implements PartitionAssignor {
    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Assignment> assign(Map<String, Set<Uuid>> subscriptions, Map<Uuid, Integer> partitionCounts,
                                          Map<String, Assignment> previous) {
        Map<String, Map<Uuid, TreeSet<Integer>>> result = new TreeMap<>();
        Map<String, Integer> load = new HashMap<>();
        subscriptions.keySet().forEach(m -> {
            result.put(m, new TreeMap<>());
            load.put(m, 0);
        });
        Map<Uuid, Map<Integer, String>> owner = new HashMap<>();

        // 1. Stickiness.
        for (String member : result.keySet()) {
            Assignment prev = previous.getOrDefault(member, Assignment.EMPTY);
            Set<Uuid> topics = subscriptions.get(member);
            for (Map.Entry<Uuid, Integer> tp : prev.entries()) {
                Integer count = partitionCounts.get(tp.getKey());
                if (count == null || tp.getValue() >= count || !topics.contains(tp.getKey())
                        || owner.computeIfAbsent(tp.getKey(), t -> new HashMap<>()).containsKey(tp.getValue())) {
                    continue;
                }
                give(result, load, owner, member, tp.getKey(), tp.getValue());
            }
        }

        // 2. Unassigned partitions to the least loaded subscriber.
        Map<Uuid, List<String>> subscribers = subscribersByTopic(subscriptions);
        for (Map.Entry<Uuid, Integer> topic : new TreeMap<>(partitionCounts).entrySet()) {
            List<String> candidates = subscribers.getOrDefault(topic.getKey(), List.of());
            if (candidates.isEmpty()) {
                continue;
            }
            for (int p = 0; p < topic.getValue(); p++) {
                if (owner.computeIfAbsent(topic.getKey(), t -> new HashMap<>()).containsKey(p)) {
                    continue;
                }
                String least = null;
                for (String c : candidates) {
                    if (least == null || load.get(c) < load.get(least)) {
                        least = c;
                    }
                }
                give(result, load, owner, least, topic.getKey(), p);
            }
        }

        // 3. Balance: move from the most to the least loaded member that can take a partition.
        int maxMoves = partitionCounts.values().stream().mapToInt(Integer::intValue).sum() * Math.max(1, result.size());
        for (int moves = 0; moves < maxMoves; moves++) {
            if (!moveOne(result, load, subscriptions, owner)) {
                break;
            }
        }

        Map<String, Assignment> out = new TreeMap<>();
        result.forEach((m, a) -> out.put(m, Assignment.of(a)));
        return out;
    }

    private static boolean moveOne(Map<String, Map<Uuid, TreeSet<Integer>>> result, Map<String, Integer> load,
                                   Map<String, Set<Uuid>> subscriptions, Map<Uuid, Map<Integer, String>> owner) {
        List<String> byLoadDesc = new ArrayList<>(result.keySet());
        byLoadDesc.sort((a, b) -> load.get(b) - load.get(a) != 0 ? load.get(b) - load.get(a) : a.compareTo(b));
        for (String donor : byLoadDesc) {
            for (int i = byLoadDesc.size() - 1; i >= 0; i--) {
                String receiver = byLoadDesc.get(i);
                if (load.get(donor) - load.get(receiver) < 2) {
                    break;
                }
                // The donor's last partition the receiver can take.
                List<Uuid> donorTopics = new ArrayList<>(result.get(donor).keySet());
                for (int t = donorTopics.size() - 1; t >= 0; t--) {
                    Uuid topic = donorTopics.get(t);
                    if (!subscriptions.get(receiver).contains(topic)) {
                        continue;
                    }
                    int p = result.get(donor).get(topic).last();
                    take(result, load, donor, topic, p);
                    give(result, load, owner, receiver, topic, p);
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<Uuid, List<String>> subscribersByTopic(Map<String, Set<Uuid>> subscriptions) {
        Map<Uuid, List<String>> byTopic = new HashMap<>();
        new TreeMap<>(subscriptions).forEach((m, topics) ->
                topics.forEach(t -> byTopic.computeIfAbsent(t, x -> new ArrayList<>()).add(m)));
        return byTopic;
    }

    private static void give(Map<String, Map<Uuid, TreeSet<Integer>>> result, Map<String, Integer> load,
                             Map<Uuid, Map<Integer, String>> owner, String member, Uuid topic, int partition) {
        result.get(member).computeIfAbsent(topic, t -> new TreeSet<>()).add(partition);
        load.merge(member, 1, Integer::sum);
        owner.computeIfAbsent(topic, t -> new HashMap<>()).put(partition, member);
    }

    private static void take(Map<String, Map<Uuid, TreeSet<Integer>>> result, Map<String, Integer> load,
                             String member, Uuid topic, int partition) {
        TreeSet<Integer> ps = result.get(member).get(topic);
        ps.remove(partition);
        if (ps.isEmpty()) {
            result.get(member).remove(topic);
        }
        load.merge(member, -1, Integer::sum);
    }
}
