package io.potok.broker.replica;

import java.util.Arrays;

/**
 * Which replica consumers fetch from (KIP-392), chosen with Kafka's {@code replica.selector.class}.
 * Potok does not load the named class: it recognises Kafka's two selectors by name and implements
 * their rules itself.
 * <ul>
 *   <li>unset: consumers fetch from leaders only; a follower answers them NOT_LEADER_OR_FOLLOWER;</li>
 *   <li>{@code org.apache.kafka.common.replica.LeaderSelector}: leaders never redirect, but followers
 *       serve consumers that fetch from them (Fetch v11+), up to their own high watermark;</li>
 *   <li>{@code org.apache.kafka.common.replica.RackAwareReplicaSelector}: as above, and a leader outside
 *       the consumer's rack ({@code client.rack}) names an in-sync follower in that rack as the
 *       preferred read replica ({@link Partition#preferredReadReplica}).</li>
 * </ul>
 */
public enum ReplicaSelector {
    NONE(""),
    LEADER("org.apache.kafka.common.replica.LeaderSelector"),
    RACK_AWARE("org.apache.kafka.common.replica.RackAwareReplicaSelector");

    private final String className;

    ReplicaSelector(String className) {
        this.className = className;
    }

    public String className() {
        return className;
    }

    /** The selector named by {@code replica.selector.class} (null or empty: none). */
    public static ReplicaSelector forClassName(String name) {
        if (name == null || name.isBlank()) {
            return NONE;
        }
        return Arrays.stream(values()).filter(s -> s.className.equals(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("replica.selector.class " + name + " is not one of "
                        + LEADER.className + ", " + RACK_AWARE.className));
    }

    /** Whether a follower answers a consumer's Fetch (v11+, which carries the client's metadata). */
    public boolean followersServeConsumers() {
        return this != NONE;
    }
}
