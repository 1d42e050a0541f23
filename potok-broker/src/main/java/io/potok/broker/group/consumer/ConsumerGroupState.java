package io.potok.broker.group.consumer;

/**
 * States of a group using the consumer protocol (KIP-848), derived from its epochs and members.
 * {@link #toString()} is the name Kafka reports.
 */
public enum ConsumerGroupState {
    /** No members. */
    EMPTY("Empty"),
    /** The group epoch moved past the target assignment's epoch: a new target is due. */
    ASSIGNING("Assigning"),
    /** The target is current but some members have not reached it. */
    RECONCILING("Reconciling"),
    /** Every member owns its target partitions at the target epoch. */
    STABLE("Stable"),
    /** Deleted, or the coordinator moved. */
    DEAD("Dead");

    private final String kafkaName;

    ConsumerGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
