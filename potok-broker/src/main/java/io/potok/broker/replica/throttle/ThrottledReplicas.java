package io.potok.broker.replica.throttle;

import java.util.HashSet;
import java.util.Set;

/**
 * The value of a topic's {@code leader.replication.throttled.replicas} or {@code follower.replication.throttled.replicas}:
 * {@code *} for every replica, else a list of {@code partition:brokerId} pairs (what kafka-reassign-partitions
 * --throttle writes). Entries that do not parse are ignored, as Kafka's validation would have refused them.
 */
public final class ThrottledReplicas {
    public static final ThrottledReplicas NONE = new ThrottledReplicas(false, Set.of());

    private final boolean all;
    private final Set<Long> pairs;

    private ThrottledReplicas(boolean all, Set<Long> pairs) {
        this.all = all;
        this.pairs = pairs;
    }

    public static ThrottledReplicas parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        Set<Long> pairs = new HashSet<>();
        for (String entry : value.split(",")) {
            String e = entry.trim();
            if (e.equals("*")) {
                return new ThrottledReplicas(true, Set.of());
            }
            int colon = e.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            try {
                pairs.add(key(Integer.parseInt(e.substring(0, colon).trim()),
                        Integer.parseInt(e.substring(colon + 1).trim())));
            } catch (NumberFormatException ignored) {
                // not a pair of numbers
            }
        }
        return pairs.isEmpty() ? NONE : new ThrottledReplicas(false, Set.copyOf(pairs));
    }

    public boolean contains(int partition, int brokerId) {
        return all || pairs.contains(key(partition, brokerId));
    }

    public boolean isEmpty() {
        return !all && pairs.isEmpty();
    }

    private static long key(int partition, int brokerId) {
        return ((long) partition << 32) | (brokerId & 0xFFFFFFFFL);
    }
}
