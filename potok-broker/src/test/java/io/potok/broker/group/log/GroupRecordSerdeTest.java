package io.potok.broker.group.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.broker.group.classic.ClassicGroupSnapshot;
import io.potok.broker.group.consumer.Assignment;
import io.potok.broker.group.consumer.AssignmentEpochs;
import io.potok.broker.group.consumer.CurrentAssignment;
import io.potok.broker.group.consumer.MemberState;
import io.potok.broker.group.consumer.MemberSubscription;
import io.potok.broker.group.offsets.OffsetAndMetadata;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class GroupRecordSerdeTest {
    private static GroupRecord roundTrip(GroupRecord r) {
        byte[] value = GroupRecordSerde.value(r);
        return GroupRecordSerde.read(ByteBuffer.wrap(GroupRecordSerde.key(r)), value == null ? null : ByteBuffer.wrap(value));
    }

    @Test
    void everyRecordTypeRoundTrips() {
        Uuid t = Uuid.randomUuid();
        Assignment a = Assignment.of(Map.of(t, List.of(0, 3)));
        List<GroupRecord> records = List.of(
                new GroupRecord.OffsetCommit("g", "topic", 2, new OffsetAndMetadata(10, 4, "meta", 111, -1)),
                new GroupRecord.OffsetCommit("g", "topic", 2, null),
                new GroupRecord.ConsumerGroupMetadata("g", new GroupRecord.GroupEpoch(5, -77L)),
                new GroupRecord.ConsumerGroupMemberMetadata("g", "m", new MemberSubscription("i", null, "c", "/h",
                        List.of("b", "a"), "x.*", "range", 3000)),
                new GroupRecord.ConsumerGroupTargetAssignmentMetadata("g", 5),
                new GroupRecord.ConsumerGroupTargetAssignmentMember("g", "m", a),
                new GroupRecord.ConsumerGroupCurrentMemberAssignment("g", "m",
                        new CurrentAssignment(5, 4, MemberState.UNREVOKED_PARTITIONS, a, Assignment.EMPTY,
                                new AssignmentEpochs(Map.of(t, Map.of(0, 2, 3, 5))))),
                new GroupRecord.ConsumerGroupCurrentMemberAssignment("g", "m", null));
        for (GroupRecord r : records) {
            assertThat(roundTrip(r)).isEqualTo(r);
        }
    }

    @Test
    void classicSnapshotRoundTripsWithItsBytes() {
        ClassicGroupSnapshot s = new ClassicGroupSnapshot("consumer", 3, "range", "m1", 99L, List.of(
                new ClassicGroupSnapshot.Member("m1", null, "c", "/h", 10, 20, new byte[] {1, 2}, new byte[] {3}),
                new ClassicGroupSnapshot.Member("m2", "static", "c", "/h", 10, 20, new byte[0], new byte[0])));
        GroupRecord.ClassicGroupMetadata back = (GroupRecord.ClassicGroupMetadata) roundTrip(
                new GroupRecord.ClassicGroupMetadata("g", s));
        assertThat(back.value().generationId()).isEqualTo(3);
        assertThat(back.value().protocolType()).isEqualTo("consumer");
        assertThat(back.value().members()).hasSize(2);
        assertThat(back.value().members().get(0).subscription()).containsExactly(1, 2);
        assertThat(back.value().members().get(1).groupInstanceId()).isEqualTo("static");
        ClassicGroupSnapshot simple = new ClassicGroupSnapshot(null, 0, null, null, 1L, List.of());
        assertThat(((GroupRecord.ClassicGroupMetadata) roundTrip(new GroupRecord.ClassicGroupMetadata("g", simple)))
                .value().protocolType()).isNull();
    }

    @Test
    void unknownKeyTypesAreSkippedAndCorruptValuesRefused() {
        assertThat(GroupRecordSerde.read(ByteBuffer.wrap(new byte[] {0, 99, 0, 1, 'g'}), null)).isNull();
        byte[] key = GroupRecordSerde.key(new GroupRecord.ConsumerGroupTargetAssignmentMetadata("g", 1));
        assertThatThrownBy(() -> GroupRecordSerde.read(ByteBuffer.wrap(key), ByteBuffer.wrap(new byte[] {0, 0, 1})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCurrentAssignmentWrittenBeforeAssignmentEpochsReadsAsAssignedAtTheMemberEpoch() {
        Uuid t = Uuid.randomUuid();
        GroupRecord.ConsumerGroupCurrentMemberAssignment r = new GroupRecord.ConsumerGroupCurrentMemberAssignment("g",
                "m", new CurrentAssignment(7, 6, MemberState.UNREVOKED_PARTITIONS,
                Assignment.of(Map.of(t, List.of(0))), Assignment.of(Map.of(t, List.of(1))),
                new AssignmentEpochs(Map.of(t, Map.of(0, 3, 1, 2)))));
        byte[] value = GroupRecordSerde.value(r);
        byte[] older = java.util.Arrays.copyOf(value, value.length - 4 - 2 * 4); // without n and the two epochs
        GroupRecord.ConsumerGroupCurrentMemberAssignment back = (GroupRecord.ConsumerGroupCurrentMemberAssignment)
                GroupRecordSerde.read(ByteBuffer.wrap(GroupRecordSerde.key(r)), ByteBuffer.wrap(older));
        assertThat(back.value().assignmentEpochs()).isEqualTo(new AssignmentEpochs(Map.of(t, Map.of(0, 7, 1, 7))));
        assertThat(back.value().pendingRevocation()).isEqualTo(r.value().pendingRevocation());
    }
}
