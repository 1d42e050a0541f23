package io.potok.broker.group.consumer;

/**
 * Where a consumer-protocol member is in reconciling its assignment with the group's target.
 * The numeric {@link #value} is what {@code __consumer_offsets} stores.
 */
public enum MemberState {
    /** The member owns its target partitions at the target epoch. */
    STABLE((byte) 0),
    /** The member must first give up partitions the target moved elsewhere; its epoch stays. */
    UNREVOKED_PARTITIONS((byte) 1),
    /** The member is at the target epoch but waits for partitions other members still hold. */
    UNRELEASED_PARTITIONS((byte) 2),
    /** The state of a member whose records could not be interpreted. */
    UNKNOWN((byte) 127);

    private final byte value;

    MemberState(byte value) {
        this.value = value;
    }

    public byte value() {
        return value;
    }

    public static MemberState fromValue(byte value) {
        for (MemberState s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
