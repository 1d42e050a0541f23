package io.potok.broker.group.consumer;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The member epoch at which each partition a member owns was assigned to it (KIP-1251). A commit that arrives
 * with an epoch older than the member's (the client has not yet seen a bump) still fences zombies when it is
 * accepted only for partitions the member has held since at or before that epoch. Immutable.
 */
public record AssignmentEpochs(Map<Uuid, Map<Integer, Integer>> epochs) {
    public static final AssignmentEpochs EMPTY = new AssignmentEpochs(Map.of());

    public AssignmentEpochs {
        Map<Uuid, Map<Integer, Integer>> copy = new TreeMap<>();
        epochs.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                copy.put(topic, Collections.unmodifiableMap(new TreeMap<>(ps)));
            }
        });
        epochs = Collections.unmodifiableMap(copy);
    }

    /** Every partition of {@code partitions} assigned at {@code epoch}: records written before KIP-1251 read so. */
    public static AssignmentEpochs uniform(Assignment partitions, int epoch) {
        return EMPTY.plus(partitions, epoch);
    }

    /** The epoch {@code partition} was assigned at, or -1 if the member does not own it. */
    public int epochOf(Uuid topicId, int partition) {
        Map<Integer, Integer> ps = epochs.get(topicId);
        Integer epoch = ps == null ? null : ps.get(partition);
        return epoch == null ? -1 : epoch;
    }

    /** These epochs for {@code owned}, and {@code epoch} for any partition of {@code owned} without one. */
    public AssignmentEpochs forOwned(Assignment owned, int epoch) {
        Map<Uuid, Map<Integer, Integer>> m = new TreeMap<>();
        owned.partitions().forEach((topic, ps) -> ps.forEach(p -> {
            int known = epochOf(topic, p);
            m.computeIfAbsent(topic, t -> new TreeMap<>()).put(p, known >= 0 ? known : epoch);
        }));
        return new AssignmentEpochs(m);
    }

    private AssignmentEpochs plus(Assignment partitions, int epoch) {
        Map<Uuid, Map<Integer, Integer>> m = new TreeMap<>();
        epochs.forEach((topic, ps) -> m.put(topic, new TreeMap<>(ps)));
        partitions.partitions().forEach((topic, ps) -> ps.forEach(p ->
                m.computeIfAbsent(topic, t -> new TreeMap<>()).put(p, epoch)));
        return new AssignmentEpochs(m);
    }
}
