package io.potok.broker.group;

import static io.potok.broker.group.GroupTestContext.bytes;
import static io.potok.broker.group.GroupTestContext.done;
import static io.potok.broker.group.GroupTestContext.errorOf;
import static io.potok.broker.group.GroupTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.classic.ClassicGroupState;
import io.potok.broker.group.log.GroupRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ClassicGroupCoordinatorTest {
    private final GroupTestContext ctx = new GroupTestContext();

    private ClassicGroup group(String id) {
        return ctx.shard().groups().classic(id);
    }

    /** One member through join and sync; returns its member id. */
    private String stableSingleMember(String groupId) {
        JoinGroupResponseData joined = done(ctx.joinDynamic(groupId));
        done(ctx.sync(groupId, joined.memberId(), joined.generationId(), Map.of(joined.memberId(), bytes("a1"))));
        return joined.memberId();
    }

    @Test
    void memberIdRequiredThenFirstGenerationWithTheMemberAsLeader() {
        JoinGroupResponseData first = done(ctx.join(joinRequest("g", "", null, "range")));
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.EMPTY);

        JoinGroupResponseData joined = done(ctx.join(joinRequest("g", first.memberId(), null, "range")));
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(first.memberId());
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.protocolType()).isEqualTo("consumer");
        assertThat(joined.members()).hasSize(1);
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.COMPLETING_REBALANCE);

        SyncGroupResponseData synced = done(ctx.sync("g", first.memberId(), 1, Map.of(first.memberId(), bytes("a1"))));
        assertThat(synced.assignment()).isEqualTo(bytes("a1"));
        assertThat(synced.protocolName()).isEqualTo("range");
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(ctx.log.records()).anyMatch(r -> r instanceof GroupRecord.ClassicGroupMetadata m
                && m.value().generationId() == 1 && m.value().members().size() == 1);
    }

    @Test
    void oldVersionsJoinWithoutTheMemberIdRoundTrip() {
        JoinGroupResponseData joined = done(ctx.join(joinRequest("g", "", null, "range"), (short) 3));
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(ClassicResponses.joinForVersion(joined, (short) 3).protocolType()).isNull();
    }

    @Test
    void secondMemberTriggersRebalanceAndTheLeaderAssignmentIsDistributed() {
        String m1 = stableSingleMember("g");
        CompletableFuture<JoinGroupResponseData> m2Join = ctx.joinDynamic("g");
        assertThat(m2Join).isNotDone();
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(ctx.heartbeat("g", m1, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        CompletableFuture<JoinGroupResponseData> m1Join = ctx.join(joinRequest("g", m1, null, "range"));
        JoinGroupResponseData r1 = done(m1Join);
        JoinGroupResponseData r2 = done(m2Join);
        assertThat(r1.generationId()).isEqualTo(2).isEqualTo(r2.generationId());
        assertThat(r1.leader()).isEqualTo(m1).isEqualTo(r2.leader());
        assertThat(r1.members()).hasSize(2);
        assertThat(r2.members()).isEmpty();

        CompletableFuture<SyncGroupResponseData> followerSync = ctx.sync("g", r2.memberId(), 2, Map.of());
        assertThat(followerSync).isNotDone();
        assertThat(ctx.heartbeat("g", r2.memberId(), 2)).isEqualTo(Errors.NONE);
        SyncGroupResponseData leaderSync = done(ctx.sync("g", m1, 2,
                Map.of(m1, bytes("p0"), r2.memberId(), bytes("p1"))));
        assertThat(leaderSync.assignment()).isEqualTo(bytes("p0"));
        assertThat(done(followerSync).assignment()).isEqualTo(bytes("p1"));
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
        // A late SyncGroup in Stable gets the stored assignment.
        assertThat(done(ctx.sync("g", r2.memberId(), 2, Map.of())).assignment()).isEqualTo(bytes("p1"));
    }

    @Test
    void protocolIsTheOneEveryMemberSupportsWithMostVotes() {
        JoinGroupResponseData a = done(ctx.join(joinRequest("g", "", null, "cooperative-sticky", "range")));
        CompletableFuture<JoinGroupResponseData> first = ctx.join(joinRequest("g", a.memberId(), null,
                "cooperative-sticky", "range"));
        String m1 = done(first).memberId();
        done(ctx.sync("g", m1, 1, Map.of()));
        CompletableFuture<JoinGroupResponseData> m2 = ctx.joinDynamic("g", "range");
        JoinGroupResponseData r1 = done(ctx.join(joinRequest("g", m1, null, "cooperative-sticky", "range")));
        assertThat(r1.protocolName()).isEqualTo("range");
        assertThat(done(m2).protocolName()).isEqualTo("range");
    }

    @Test
    void inconsistentProtocolsAreRefusedAndLeaveTheGroupIntact() {
        String m1 = stableSingleMember("g");
        JoinGroupRequestData otherType = joinRequest("g", "", null, "range").setProtocolType("connect");
        assertThat(errorOf(ctx.join(otherType))).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(errorOf(ctx.join(joinRequest("g", "", null, "roundrobin"))))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(errorOf(ctx.join(joinRequest("fresh", "", null).setProtocolType(""))))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(ctx.shard().groups().get("fresh")).isNull();
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(ctx.heartbeat("g", m1, 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void malformedRequestsGetKafkaErrorsAndLeaveTheGroupIntact() {
        String m1 = stableSingleMember("g");
        assertThat(ctx.heartbeat("g", "nobody", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(ctx.heartbeat("g", m1, 7)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(ctx.heartbeat("", m1, 1)).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(ctx.heartbeat("missing", m1, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(errorOf(ctx.sync("g", m1, 0, Map.of()))).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(errorOf(ctx.sync("g", "nobody", 1, Map.of()))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(errorOf(ctx.join(joinRequest("g", "nobody", null, "range")))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(errorOf(ctx.join(joinRequest("g", "", null, "range").setSessionTimeoutMs(10))))
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(group("g").generationId()).isEqualTo(1);
        assertThat(ctx.heartbeat("g", m1, 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void expiredSessionRemovesTheMemberAndTheOthersRebalance() {
        String m1 = stableSingleMember("g");
        CompletableFuture<JoinGroupResponseData> m2Join = ctx.joinDynamic("g");
        JoinGroupResponseData r1 = done(ctx.join(joinRequest("g", m1, null, "range")));
        String m2 = done(m2Join).memberId();
        done(ctx.sync("g", m1, 2, Map.of(m1, bytes("a"), m2, bytes("b"))));
        assertThat(r1.generationId()).isEqualTo(2);

        for (int i = 0; i < 2; i++) {
            ctx.advance(2000);
            assertThat(ctx.heartbeat("g", m1, 2)).isEqualTo(Errors.NONE);
        }
        ctx.advance(2000);
        // m2 stayed silent for 6 s > its 5 s session.
        assertThat(group("g").has(m2)).isFalse();
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(ctx.heartbeat("g", m1, 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData r = done(ctx.join(joinRequest("g", m1, null, "range")));
        assertThat(r.generationId()).isEqualTo(3);
        assertThat(r.members()).hasSize(1);
    }

    @Test
    void membersThatDoNotRejoinWithinTheRebalanceTimeoutAreDropped() {
        String m1 = stableSingleMember("g");
        CompletableFuture<JoinGroupResponseData> m2Join = ctx.joinDynamic("g");
        // m1 keeps heartbeating but never rejoins.
        for (int i = 0; i < 5; i++) {
            ctx.advance(2000);
            ctx.heartbeat("g", m1, 1);
        }
        JoinGroupResponseData r2 = done(m2Join);
        assertThat(r2.generationId()).isEqualTo(2);
        assertThat(r2.leader()).isEqualTo(r2.memberId());
        assertThat(group("g").has(m1)).isFalse();
        assertThat(ctx.heartbeat("g", m1, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void membersThatDoNotSyncInTimeAreDropped() {
        String m1 = stableSingleMember("g");
        CompletableFuture<JoinGroupResponseData> m2Join = ctx.joinDynamic("g");
        done(ctx.join(joinRequest("g", m1, null, "range")));
        String m2 = done(m2Join).memberId();
        // Nobody sends SyncGroup; the leader heartbeats (allowed in CompletingRebalance).
        for (int i = 0; i < 6; i++) {
            ctx.advance(2000);
            ctx.heartbeat("g", m1, 2);
            ctx.heartbeat("g", m2, 2);
        }
        assertThat(group("g").isEmpty()).isTrue();
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.EMPTY);
    }

    @Test
    void initialRebalanceDelayWaitsForMoreMembers() {
        GroupTestContext delayed = new GroupTestContext(GroupTestContext.config(3000));
        CompletableFuture<JoinGroupResponseData> a = delayed.joinDynamic("g");
        delayed.advance(2000);
        CompletableFuture<JoinGroupResponseData> b = delayed.joinDynamic("g");
        delayed.advance(1000);
        assertThat(a).isNotDone(); // a member joined during the delay: it is extended
        delayed.advance(3000);
        assertThat(done(a).generationId()).isEqualTo(1);
        assertThat(done(b).generationId()).isEqualTo(1);
        assertThat(done(a).members().size() + done(b).members().size()).isEqualTo(2);
    }

    @Test
    void leaveGroupRemovesMembersAndRebalances() {
        String m1 = stableSingleMember("g");
        List<MemberResponse> left = done(ctx.coordinator.leaveGroup("g", List.of(
                new MemberIdentity().setMemberId(m1), new MemberIdentity().setMemberId("nobody"))));
        assertThat(left).extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.EMPTY);
        assertThat(group("g").generationId()).isEqualTo(2);
        assertThat(errorOf(ctx.coordinator.leaveGroup("missing", List.of(new MemberIdentity().setMemberId("x")))))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void staticMemberRejoinsWithoutRebalanceAndTheOldIdIsFenced() {
        JoinGroupResponseData a = done(ctx.join(joinRequest("g", "", "instance-a", "range")));
        assertThat(a.memberId()).startsWith("instance-a-");
        done(ctx.sync("g", a.memberId(), 1, Map.of(a.memberId(), bytes("A"))));
        CompletableFuture<JoinGroupResponseData> bJoin = ctx.join(joinRequest("g", "", "instance-b", "range"));
        done(ctx.join(joinRequest("g", a.memberId(), "instance-a", "range")));
        String b = done(bJoin).memberId();
        done(ctx.sync("g", a.memberId(), 2, Map.of(a.memberId(), bytes("A"), b, bytes("B"))));

        // instance-b restarts: unknown member id, same instance id.
        JoinGroupResponseData rejoined = done(ctx.join(joinRequest("g", "", "instance-b", "range")));
        assertThat(Errors.forCode(rejoined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoined.generationId()).isEqualTo(2);
        assertThat(rejoined.memberId()).isNotEqualTo(b).startsWith("instance-b-");
        assertThat(rejoined.members()).isEmpty();
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(done(ctx.sync("g", rejoined.memberId(), 2, Map.of())).assignment()).isEqualTo(bytes("B"));
        assertThat(ctx.heartbeat("g", a.memberId(), 2)).isEqualTo(Errors.NONE);
        assertThat(ctx.heartbeat("g", b, 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        // The static leader rejoins: v9 tells it to skip the assignment.
        JoinGroupResponseData leader = done(ctx.join(joinRequest("g", "", "instance-a", "range")));
        assertThat(leader.skipAssignment()).isTrue();
        assertThat(leader.members()).hasSize(2);
        assertThat(group("g").generationId()).isEqualTo(2);
    }

    @Test
    void staticMembersLeaveByInstanceIdInABatch() {
        JoinGroupResponseData a = done(ctx.join(joinRequest("g", "", "ia", "range")));
        done(ctx.sync("g", a.memberId(), 1, Map.of()));
        List<MemberResponse> left = done(ctx.coordinator.leaveGroup("g", List.of(
                new MemberIdentity().setMemberId("wrong").setGroupInstanceId("ia"),
                new MemberIdentity().setGroupInstanceId("unknown-instance"),
                new MemberIdentity().setMemberId("").setGroupInstanceId("ia"))));
        assertThat(left).extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.FENCED_INSTANCE_ID, Errors.UNKNOWN_MEMBER_ID, Errors.NONE);
        assertThat(group("g").isEmpty()).isTrue();
    }

    @Test
    void stableGroupSurvivesARestartOfTheCoordinator() {
        String m1 = stableSingleMember("g");
        ctx.restart();
        ClassicGroup reloaded = group("g");
        assertThat(reloaded.state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(reloaded.generationId()).isEqualTo(1);
        assertThat(reloaded.protocolName()).isEqualTo("range");
        assertThat(ctx.heartbeat("g", m1, 1)).isEqualTo(Errors.NONE);
        assertThat(done(ctx.sync("g", m1, 1, Map.of())).assignment()).isEqualTo(bytes("a1"));
        // Without heartbeats the reloaded member expires like any other.
        ctx.advance(6000);
        assertThat(group("g").isEmpty()).isTrue();
    }

    @Test
    void failedAssignmentWriteFailsTheSyncAndRebalances() {
        JoinGroupResponseData joined = done(ctx.joinDynamic("g"));
        ctx.log.failAppends(new org.apache.kafka.common.errors.NotLeaderOrFollowerException("moved"));
        assertThat(Errors.forCode(done(ctx.sync("g", joined.memberId(), 1, Map.of())).errorCode()))
                .isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(group("g").state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
    }

    @Test
    void groupMaxSizeIsEnforced() {
        GroupConfig small = new GroupConfig(1, (short) 1, 1 << 20, 3600_000L, 60_000L, 5000, 1 << 20, 4096,
                1000, 300_000, 0, 1, 1, true, 10_000, 1000, 100, List.of("uniform"));
        GroupTestContext c = new GroupTestContext(small);
        done(c.joinDynamic("g"));
        assertThat(errorOf(c.join(joinRequest("g", "", null, "range")))).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
    }
}
