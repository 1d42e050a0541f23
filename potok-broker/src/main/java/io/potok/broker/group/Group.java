package io.potok.broker.group;

/**
 * What the coordinator needs to know about any group, whichever rebalance protocol it runs.
 * Implemented by {@link io.potok.broker.group.classic.ClassicGroup} and
 * {@link io.potok.broker.group.consumer.ConsumerGroup}; a group id names at most one group at a time.
 */
public interface Group {
    /** The rebalance protocol of a group; {@link #toString()} is Kafka's name (ListGroups v5 types). */
    enum Type {
        CLASSIC("classic"),
        CONSUMER("consumer");

        private final String kafkaName;

        Type(String kafkaName) {
            this.kafkaName = kafkaName;
        }

        @Override
        public String toString() {
            return kafkaName;
        }
    }

    String groupId();

    Type type();

    /** The state as Kafka names it ("Stable", "Empty", ...). */
    String stateName();

    /** "consumer" for consumer groups, the classic group's protocol type, or "" when it has none. */
    String describedProtocolType();

    /** True when the group has no members (offsets may remain). */
    boolean isEmpty();

    /** True if offsets of {@code topic} are in use by the group's members. */
    boolean isSubscribedTo(String topic);
}
