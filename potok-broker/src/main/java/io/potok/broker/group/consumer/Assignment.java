package io.potok.broker.group.consumer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.apache.kafka.common.Uuid;

/**
 * A set of partitions by topic id, as the consumer protocol exchanges them. Immutable; topics
 * without partitions are dropped, so equal sets are equal objects.
 */
public record Assignment(Map<Uuid, Set<Integer>> partitions) {
    public static final Assignment EMPTY = new Assignment(Map.of());

    public Assignment {
        Map<Uuid, Set<Integer>> copy = new TreeMap<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                copy.put(topic, Collections.unmodifiableSet(new TreeSet<>(ps)));
            }
        });
        partitions = Collections.unmodifiableMap(copy);
    }

    public static Assignment of(Map<Uuid, ? extends Collection<Integer>> partitions) {
        Map<Uuid, Set<Integer>> m = new TreeMap<>();
        partitions.forEach((t, ps) -> m.put(t, new TreeSet<>(ps)));
        return new Assignment(m);
    }

    public boolean isEmpty() {
        return partitions.isEmpty();
    }

    public int size() {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }

    public boolean contains(Uuid topicId, int partition) {
        Set<Integer> ps = partitions.get(topicId);
        return ps != null && ps.contains(partition);
    }

    /** True if any partition of this set is also in {@code other}. */
    public boolean intersects(Assignment other) {
        for (Map.Entry<Uuid, Set<Integer>> e : partitions.entrySet()) {
            for (int p : e.getValue()) {
                if (other.contains(e.getKey(), p)) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean isSubsetOf(Assignment other) {
        return filter((t, p) -> !other.contains(t, p)).isEmpty();
    }

    /** The partitions for which {@code keep} holds. */
    public Assignment filter(BiPredicate<Uuid, Integer> keep) {
        Map<Uuid, Set<Integer>> m = new TreeMap<>();
        partitions.forEach((t, ps) -> ps.forEach(p -> {
            if (keep.test(t, p)) {
                m.computeIfAbsent(t, x -> new TreeSet<>()).add(p);
            }
        }));
        return new Assignment(m);
    }

    public Assignment minus(Assignment other) {
        return filter((t, p) -> !other.contains(t, p));
    }

    public Assignment intersect(Assignment other) {
        return filter(other::contains);
    }

    public Assignment union(Assignment other) {
        Map<Uuid, Set<Integer>> m = new TreeMap<>();
        partitions.forEach((t, ps) -> m.computeIfAbsent(t, x -> new TreeSet<>()).addAll(ps));
        other.partitions.forEach((t, ps) -> m.computeIfAbsent(t, x -> new TreeSet<>()).addAll(ps));
        return new Assignment(m);
    }

    /** Every (topic id, partition) pair, in order. */
    public List<Map.Entry<Uuid, Integer>> entries() {
        List<Map.Entry<Uuid, Integer>> list = new ArrayList<>();
        partitions.forEach((t, ps) -> ps.forEach(p -> list.add(Map.entry(t, p))));
        return list;
    }
}
