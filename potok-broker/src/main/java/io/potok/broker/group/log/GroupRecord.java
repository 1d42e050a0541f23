package io.potok.broker.group.log;

import io.potok.broker.group.classic.ClassicGroupSnapshot;
import io.potok.broker.group.consumer.Assignment;
import io.potok.broker.group.consumer.CurrentAssignment;
import io.potok.broker.group.consumer.MemberSubscription;
import io.potok.broker.group.offsets.OffsetAndMetadata;

/**
 * One record of {@code __consumer_offsets}: a key naming what it is about and a value, or a null
 * value (tombstone) that deletes it. Compaction keeps the last record per key, so every key
 * identifies one independently replaceable piece of state. Immutable.
 */
public sealed interface GroupRecord {
    String groupId();

    /** The value, or null for a tombstone. */
    Object value();

    default boolean isTombstone() {
        return value() == null;
    }

    /** A committed offset of one partition. */
    record OffsetCommit(String groupId, String topic, int partition, OffsetAndMetadata value) implements GroupRecord {
    }

    /** A classic group's last stored generation. */
    record ClassicGroupMetadata(String groupId, ClassicGroupSnapshot value) implements GroupRecord {
    }

    /** A consumer-protocol group's epoch. */
    record ConsumerGroupMetadata(String groupId, GroupEpoch value) implements GroupRecord {
    }

    /** A consumer-protocol member's subscription. */
    record ConsumerGroupMemberMetadata(String groupId, String memberId, MemberSubscription value)
            implements GroupRecord {
    }

    /** The epoch of a consumer-protocol group's target assignment. */
    record ConsumerGroupTargetAssignmentMetadata(String groupId, Integer value) implements GroupRecord {
    }

    /** One member's part of the target assignment. */
    record ConsumerGroupTargetAssignmentMember(String groupId, String memberId, Assignment value)
            implements GroupRecord {
    }

    /** One member's epoch and current assignment. */
    record ConsumerGroupCurrentMemberAssignment(String groupId, String memberId, CurrentAssignment value)
            implements GroupRecord {
    }

    /** Value of {@link ConsumerGroupMetadata}: the group epoch and the subscribed-topics fingerprint. */
    record GroupEpoch(int epoch, long metadataHash) {
    }
}
