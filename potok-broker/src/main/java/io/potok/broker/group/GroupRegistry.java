package io.potok.broker.group;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.log.GroupRecord;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The groups of one coordinator shard by id, of either protocol, and the replay of group records
 * into them.
 *
 * <p>Classic groups are persisted as snapshots of their last generation: while loading, each
 * snapshot replaces the group; afterwards the in-memory group is the newer truth (it wrote the
 * snapshot) and only tombstones act. Consumer groups are folds of their records in both cases.
 *
 * <p>Thread-safety: not thread-safe; confined to the shard's executor.
 */
final class GroupRegistry {
    private final Map<String, Group> groups = new HashMap<>();

    Group get(String groupId) {
        return groups.get(groupId);
    }

    /** The classic group with this id, or null (also when the id names a consumer group). */
    ClassicGroup classic(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup g ? g : null;
    }

    /** The consumer group with this id, or null (also when the id names a classic group). */
    ConsumerGroup consumer(String groupId) {
        return groups.get(groupId) instanceof ConsumerGroup g ? g : null;
    }

    void put(Group group) {
        groups.put(group.groupId(), group);
    }

    Group remove(String groupId) {
        return groups.remove(groupId);
    }

    Collection<Group> all() {
        return Collections.unmodifiableCollection(groups.values());
    }

    int size() {
        return groups.size();
    }

    /** Applies a group record (offset records go to the offset store instead). */
    void replay(GroupRecord record, boolean loading) {
        String groupId = record.groupId();
        if (record instanceof GroupRecord.ClassicGroupMetadata r) {
            if (r.isTombstone()) {
                if (groups.get(groupId) instanceof ClassicGroup) {
                    groups.remove(groupId);
                }
            } else if (loading || !(groups.get(groupId) instanceof ClassicGroup)) {
                groups.put(groupId, ClassicGroup.fromSnapshot(groupId, r.value()));
            }
        } else if (record instanceof GroupRecord.ConsumerGroupMetadata r) {
            if (r.isTombstone()) {
                if (groups.get(groupId) instanceof ConsumerGroup g) {
                    g.markDead();
                    groups.remove(groupId);
                }
            } else {
                consumerForReplay(groupId).replayGroupMetadata(r.value().epoch(), r.value().metadataHash());
            }
        } else if (record instanceof GroupRecord.ConsumerGroupMemberMetadata r) {
            ConsumerGroup g = r.isTombstone() ? consumer(groupId) : consumerForReplay(groupId);
            if (g != null) {
                g.replayMemberSubscription(r.memberId(), r.value());
            }
        } else if (record instanceof GroupRecord.ConsumerGroupTargetAssignmentMetadata r) {
            ConsumerGroup g = r.isTombstone() ? consumer(groupId) : consumerForReplay(groupId);
            if (g != null) {
                g.replayTargetAssignmentEpoch(r.isTombstone() ? 0 : r.value());
            }
        } else if (record instanceof GroupRecord.ConsumerGroupTargetAssignmentMember r) {
            ConsumerGroup g = r.isTombstone() ? consumer(groupId) : consumerForReplay(groupId);
            if (g != null) {
                g.replayTargetAssignment(r.memberId(), r.value());
            }
        } else if (record instanceof GroupRecord.ConsumerGroupCurrentMemberAssignment r) {
            ConsumerGroup g = r.isTombstone() ? consumer(groupId) : consumerForReplay(groupId);
            if (g != null) {
                g.replayCurrentAssignment(r.memberId(), r.value());
            }
        }
    }

    /** The consumer group to apply a record to, replacing any other group of that id. */
    private ConsumerGroup consumerForReplay(String groupId) {
        Group existing = groups.get(groupId);
        if (existing instanceof ConsumerGroup g) {
            return g;
        }
        ConsumerGroup created = new ConsumerGroup(groupId);
        groups.put(groupId, created);
        return created;
    }
}
