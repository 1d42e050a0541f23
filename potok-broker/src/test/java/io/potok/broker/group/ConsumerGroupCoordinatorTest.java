package io.potok.broker.group;

import static io.potok.broker.group.GroupTestContext.bytes;
import static io.potok.broker.group.GroupTestContext.consumerBeat;
import static io.potok.broker.group.GroupTestContext.consumerJoin;
import static io.potok.broker.group.GroupTestContext.done;
import static io.potok.broker.group.GroupTestContext.errorOf;
import static io.potok.broker.group.GroupTestContext.joinRequest;
import static io.potok.broker.group.GroupTestContext.partitionsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.consumer.ConsumerGroupState;
import io.potok.broker.group.consumer.MemberState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsumerGroupCoordinatorTest {
    private final GroupTestContext ctx = new GroupTestContext();
    private Uuid t;

    @BeforeEach
    void topic() {
        ctx.createTopic("t", 6);
        t = ctx.topicId("t");
    }

    private ConsumerGroup group(String id) {
        return ctx.shard().groups().consumer(id);
    }

    private Errors heartbeatError(ConsumerGroupHeartbeatRequestData req) {
        return errorOf(ctx.coordinator.consumerGroupHeartbeat(ctx.ctx((short) 1), req));
    }

    @Test
    void firstMemberGetsEveryPartition() {
        ConsumerGroupHeartbeatResponseData r = ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        assertThat(r.memberId()).isEqualTo("m1");
        assertThat(r.memberEpoch()).isEqualTo(1);
        assertThat(r.heartbeatIntervalMs()).isEqualTo(ctx.config.consumerHeartbeatIntervalMs());
        assertThat(partitionsOf(r.assignment(), t)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(group("g").state()).isEqualTo(ConsumerGroupState.STABLE);
        // A heartbeat that changes nothing carries no assignment.
        ConsumerGroupHeartbeatResponseData again = ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, r.assignment()));
        assertThat(again.memberEpoch()).isEqualTo(1);
        assertThat(again.assignment()).isNull();
    }

    @Test
    void secondMemberWaitsUntilTheFirstRevokesThenEachHasHalf() {
        ConsumerGroupHeartbeatResponseData r1 = ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        ConsumerGroupHeartbeatResponseData r2 = ctx.consumerHeartbeat(consumerJoin("g", "m2", "t"));
        assertThat(r2.memberEpoch()).isEqualTo(2);
        assertThat(partitionsOf(r2.assignment(), t)).isEmpty(); // its partitions are still m1's
        assertThat(group("g").member("m2").current().state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(group("g").state()).isEqualTo(ConsumerGroupState.RECONCILING);

        // m1 learns it must give up three partitions; its epoch stays until it did.
        ConsumerGroupHeartbeatResponseData revoke = ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, null));
        assertThat(revoke.memberEpoch()).isEqualTo(1);
        List<Integer> kept = partitionsOf(revoke.assignment(), t);
        assertThat(kept).hasSize(3);
        assertThat(group("g").member("m1").current().state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);

        ConsumerGroupHeartbeatResponseData done1 = ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, revoke.assignment()));
        assertThat(done1.memberEpoch()).isEqualTo(2);
        ConsumerGroupHeartbeatResponseData done2 = ctx.consumerHeartbeat(consumerBeat("g", "m2", 2, r2.assignment()));
        List<Integer> theirs = partitionsOf(done2.assignment(), t);
        assertThat(theirs).hasSize(3).doesNotContainAnyElementsOf(kept);
        assertThat(group("g").state()).isEqualTo(ConsumerGroupState.STABLE);
        assertThat(r1.memberEpoch()).isEqualTo(1);
    }

    @Test
    void leavingMemberHandsItsPartitionsToTheOthersAtOnce() {
        ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        stabilizeTwo();
        ConsumerGroupHeartbeatResponseData left = ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g").setMemberId("m2").setMemberEpoch(-1));
        assertThat(left.memberEpoch()).isEqualTo(-1);
        ConsumerGroupHeartbeatResponseData m1 = ctx.consumerHeartbeat(consumerBeat("g", "m1", 2, null));
        assertThat(m1.memberEpoch()).isEqualTo(3);
        assertThat(partitionsOf(m1.assignment(), t)).containsExactly(0, 1, 2, 3, 4, 5);
    }

    /** m1 already in; m2 joins and both reconcile to three partitions each at epoch 2. */
    private void stabilizeTwo() {
        ctx.consumerHeartbeat(consumerJoin("g", "m2", "t"));
        ConsumerGroupHeartbeatResponseData revoke = ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, null));
        ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, revoke.assignment()));
        ctx.consumerHeartbeat(consumerBeat("g", "m2", 2, new ConsumerGroupHeartbeatResponseData.Assignment()));
        assertThat(group("g").state()).isEqualTo(ConsumerGroupState.STABLE);
    }

    @Test
    void silentMemberIsFencedAfterTheSessionTimeout() {
        ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        stabilizeTwo();
        for (int i = 0; i < 6; i++) {
            ctx.advance(2000);
            ctx.consumerHeartbeat(consumerBeat("g", "m1", group("g").member("m1").memberEpoch(), null));
        }
        assertThat(group("g").has("m2")).isFalse();
        assertThat(group("g").member("m1").current().assigned().size()).isEqualTo(6);
        assertThat(heartbeatError(consumerBeat("g", "m2", 2, null))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void memberThatDoesNotRevokeWithinTheRebalanceTimeoutIsFenced() {
        ctx.consumerHeartbeat(consumerJoin("g", "m1", "t").setRebalanceTimeoutMs(3000));
        ctx.consumerHeartbeat(consumerJoin("g", "m2", "t"));
        ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, null)); // now UNREVOKED_PARTITIONS
        ctx.advance(3500);
        assertThat(group("g").has("m1")).isFalse();
        ConsumerGroupHeartbeatResponseData m2 = ctx.consumerHeartbeat(consumerBeat("g", "m2", 2, null));
        assertThat(partitionsOf(m2.assignment(), t)).hasSize(6);
    }

    @Test
    void epochsAreFencedAndALostResponseIsTolerated() {
        ConsumerGroupHeartbeatResponseData r1 = ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        assertThat(heartbeatError(consumerBeat("g", "m1", 5, null))).isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        assertThat(heartbeatError(consumerBeat("g", "nobody", 1, null))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeatError(consumerBeat("missing", "m1", 1, null))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        stabilizeTwo();
        // m1 moved from epoch 1 to 2; if that response was lost it still says 1, owning a subset: accepted.
        ConsumerGroupHeartbeatResponseData again = ctx.consumerHeartbeat(consumerBeat("g", "m1", 1,
                new ConsumerGroupHeartbeatResponseData.Assignment()));
        assertThat(again.memberEpoch()).isEqualTo(2);
        assertThat(heartbeatError(consumerBeat("g", "m1", 1, null))).isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        // Rejoining with epoch 0 is always allowed and returns the full assignment.
        ConsumerGroupHeartbeatResponseData rejoin = ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        assertThat(rejoin.memberEpoch()).isEqualTo(2);
        assertThat(partitionsOf(rejoin.assignment(), t)).hasSize(3);
        assertThat(r1.memberEpoch()).isEqualTo(1);
    }

    @Test
    void invalidRequestsAreRefused() {
        assertThat(heartbeatError(consumerJoin("", "m1", "t"))).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(heartbeatError(consumerJoin("g", "", "t"))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(heartbeatError(consumerJoin("g", "m1", "t").setRebalanceTimeoutMs(-1))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(heartbeatError(consumerJoin("g", "m1").setSubscribedTopicNames(null))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(heartbeatError(consumerJoin("g", "m1", "t").setServerAssignor("sticky")))
                .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR);
        assertThat(heartbeatError(consumerJoin("g", "m1").setSubscribedTopicNames(null).setSubscribedTopicRegex("(")))
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
        assertThat(ctx.shard().groups().get("g")).isNull();
    }

    @Test
    void staticMemberLeavesTemporarilyAndComesBackWithItsPartitions() {
        ctx.consumerHeartbeat(consumerJoin("g", "a1", "t").setInstanceId("a"));
        ctx.consumerHeartbeat(consumerJoin("g", "b1", "t").setInstanceId("b"));
        ConsumerGroupHeartbeatResponseData revoke = ctx.consumerHeartbeat(consumerBeat("g", "a1", 1, null));
        ctx.consumerHeartbeat(consumerBeat("g", "a1", 1, revoke.assignment()));
        ctx.consumerHeartbeat(consumerBeat("g", "b1", 2, new ConsumerGroupHeartbeatResponseData.Assignment()));
        List<Integer> aPartitions = partitionsOf(ctx.consumerHeartbeat(consumerJoin("g", "a1", "t").setInstanceId("a"))
                .assignment(), t);
        int epoch = group("g").groupEpoch();

        ConsumerGroupHeartbeatResponseData left = ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g").setMemberId("a1").setMemberEpoch(-2).setInstanceId("a"));
        assertThat(left.memberEpoch()).isEqualTo(-2);
        // While a1 is away another member may not take the instance id... unless it is a1's successor.
        ConsumerGroupHeartbeatResponseData back = ctx.consumerHeartbeat(consumerJoin("g", "a2", "t").setInstanceId("a"));
        assertThat(back.memberEpoch()).isEqualTo(epoch);
        assertThat(partitionsOf(back.assignment(), t)).isEqualTo(aPartitions);
        assertThat(group("g").groupEpoch()).isEqualTo(epoch);
        assertThat(group("g").has("a1")).isFalse();
        assertThat(heartbeatError(consumerJoin("g", "a3", "t").setInstanceId("a"))).isEqualTo(Errors.UNRELEASED_INSTANCE_ID);
    }

    @Test
    void groupSurvivesACoordinatorRestart() {
        ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        stabilizeTwo();
        ConsumerGroup before = group("g");
        int epoch = before.groupEpoch();
        var m1Assigned = before.member("m1").current().assigned();
        ctx.restart();
        ConsumerGroup after = group("g");
        assertThat(after.groupEpoch()).isEqualTo(epoch);
        assertThat(after.assignmentEpoch()).isEqualTo(epoch);
        assertThat(after.state()).isEqualTo(ConsumerGroupState.STABLE);
        assertThat(after.member("m1").current().assigned()).isEqualTo(m1Assigned);
        assertThat(after.ownerOf(t, m1Assigned.entries().get(0).getValue())).isEqualTo("m1");
        ConsumerGroupHeartbeatResponseData r = ctx.consumerHeartbeat(consumerBeat("g", "m1", epoch, null));
        assertThat(r.memberEpoch()).isEqualTo(epoch);
    }

    @Test
    void newPartitionsBumpTheEpochAndAreAssigned() {
        ConsumerGroupHeartbeatResponseData r = ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        ctx.createTopic("t", 8); // same name, a new id: as if re-created with more partitions
        Uuid newId = ctx.topicId("t");
        // The old topic's partitions must be revoked first: the epoch stays until the member says so.
        ConsumerGroupHeartbeatResponseData revoke = ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, r.assignment()));
        assertThat(revoke.memberEpoch()).isEqualTo(1);
        assertThat(revoke.assignment().topicPartitions()).isEmpty();
        assertThat(group("g").groupEpoch()).isEqualTo(2);
        ConsumerGroupHeartbeatResponseData after = ctx.consumerHeartbeat(consumerBeat("g", "m1", 1, revoke.assignment()));
        assertThat(after.memberEpoch()).isEqualTo(2);
        assertThat(partitionsOf(after.assignment(), newId)).hasSize(8);
    }

    @Test
    void regexSubscriptionAndTheRangeAssignor() {
        ctx.createTopic("orders-a", 2);
        ctx.createTopic("orders-b", 2);
        ConsumerGroupHeartbeatRequestData join = consumerJoin("g", "m1").setSubscribedTopicNames(null)
                .setSubscribedTopicRegex("orders-.*").setServerAssignor("range");
        ConsumerGroupHeartbeatResponseData r = ctx.consumerHeartbeat(join);
        assertThat(partitionsOf(r.assignment(), ctx.topicId("orders-a"))).containsExactly(0, 1);
        assertThat(partitionsOf(r.assignment(), ctx.topicId("orders-b"))).containsExactly(0, 1);
        assertThat(ctx.shard().consumer.assignorName(group("g"))).isEqualTo("range");
    }

    @Test
    void oneProtocolPerGroupWhileItHasMembers() {
        JoinGroupResponseData classic = done(ctx.joinDynamic("classic"));
        done(ctx.sync("classic", classic.memberId(), 1, Map.of(classic.memberId(), bytes("a"))));
        assertThat(heartbeatError(consumerJoin("classic", "m1", "t"))).isEqualTo(Errors.GROUP_ID_NOT_FOUND);

        ctx.consumerHeartbeat(consumerJoin("modern", "m1", "t"));
        assertThat(errorOf(ctx.join(joinRequest("modern", "", null, "range"))))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);

        // Empty groups switch protocol; their offsets stay.
        ctx.commit("switch", "", -1, "t", 0, 11, (short) 9);
        ctx.consumerHeartbeat(consumerJoin("switch", "m1", "t"));
        assertThat(group("switch")).isNotNull();
        assertThat(ctx.committed("switch", "t", 0)).isEqualTo(11);
        ctx.consumerHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("switch").setMemberId("m1")
                .setMemberEpoch(-1));
        done(ctx.joinDynamic("switch"));
        assertThat(ctx.shard().groups().classic("switch")).isNotNull();
        ctx.restart();
        assertThat(ctx.shard().groups().get("switch")).isNotNull();
        assertThat(ctx.committed("switch", "t", 0)).isEqualTo(11);
    }

    @Test
    void offsetCommitsOfMembersAreCheckedAgainstTheMemberEpoch() {
        ConsumerGroupHeartbeatResponseData r = ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", r.memberEpoch(), "t", 0, 4, (short) 9)))
                .isEqualTo(Errors.NONE);
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 0, "t", 0, 5, (short) 9)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 1, "t", 0, 5, (short) 8)))
                .isEqualTo(Errors.UNSUPPORTED_VERSION);
        assertThat(GroupTestContext.commitError(ctx.commit("g", "", -1, "t", 0, 5, (short) 9)))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(ctx.committed("g", "t", 0)).isEqualTo(4);
        List<String> events = new ArrayList<>();
        ctx.log.records().forEach(rec -> events.add(rec.getClass().getSimpleName()));
        assertThat(events).contains("ConsumerGroupMetadata", "ConsumerGroupMemberMetadata",
                "ConsumerGroupTargetAssignmentMetadata", "ConsumerGroupTargetAssignmentMember",
                "ConsumerGroupCurrentMemberAssignment", "OffsetCommit");
    }

    @Test
    void aCommitAtAnOlderEpochIsAcceptedForPartitionsHeldSinceThenOnly() {
        ctx.consumerHeartbeat(consumerJoin("g", "m1", "t"));
        stabilizeTwo(); // m1 at epoch 2, holding three of the partitions it has held since epoch 1
        var m1Owns = group("g").member("m1").current().assigned();
        int mine = m1Owns.partitions().get(t).iterator().next();
        int theirs = java.util.stream.IntStream.range(0, 6).filter(p -> !m1Owns.contains(t, p)).findFirst()
                .orElseThrow();
        assertThat(group("g").member("m1").memberEpoch()).isEqualTo(2);

        // The client has not seen the bump to 2 yet: its commit at 1 of a partition it had at 1 goes through (KIP-1251).
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 1, "t", mine, 7, (short) 9)))
                .isEqualTo(Errors.NONE);
        assertThat(ctx.committed("g", "t", mine)).isEqualTo(7);
        // A partition that moved to m2 is not m1's to commit at any older epoch; a newer epoch is refused too.
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 1, "t", theirs, 7, (short) 9)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 3, "t", mine, 8, (short) 9)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH);
        // A partition that does not exist gets its own error, as in Kafka, not the epoch check's.
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 1, "t", 99, 8, (short) 9)))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        // m2 got its partitions at epoch 2: epoch 1 is before it held them (and by name, v9; by id, v10).
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m2", 1, "t", theirs, 9, (short) 10)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m2", 2, "t", theirs, 9, (short) 10)))
                .isEqualTo(Errors.NONE);

        // The assignment epochs are part of the persisted member state.
        ctx.restart();
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 1, "t", mine, 10, (short) 9)))
                .isEqualTo(Errors.NONE);
        assertThat(GroupTestContext.commitError(ctx.commit("g", "m1", 1, "t", theirs, 10, (short) 9)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH);
    }
}
