package io.potok.broker.group;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.log.GroupRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/** The tombstones that delete a group's records or offsets from {@code __consumer_offsets}. */
final class GroupTombstones {
    private GroupTombstones() {
    }

    static List<GroupRecord> forOffsets(String groupId, Collection<TopicPartition> partitions) {
        List<GroupRecord> records = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            records.add(new GroupRecord.OffsetCommit(groupId, tp.topic(), tp.partition(), null));
        }
        return records;
    }

    /** Tombstones for the group's own records (not its offsets). */
    static List<GroupRecord> forGroup(Group group) {
        if (group instanceof ConsumerGroup g) {
            return ConsumerGroupCoordinator.deletionRecords(g);
        }
        if (group instanceof ClassicGroup g) {
            return List.of(new GroupRecord.ClassicGroupMetadata(g.groupId(), null));
        }
        throw new IllegalArgumentException("Unknown group type " + group);
    }
}
