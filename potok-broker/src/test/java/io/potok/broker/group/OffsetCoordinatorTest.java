package io.potok.broker.group;

import static io.potok.broker.group.GroupTestContext.bytes;
import static io.potok.broker.group.GroupTestContext.commitError;
import static io.potok.broker.group.GroupTestContext.done;
import static io.potok.broker.group.GroupTestContext.errorOf;
import static io.potok.broker.group.GroupTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.broker.group.log.GroupRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OffsetCoordinatorTest {
    private final GroupTestContext ctx = new GroupTestContext();

    @BeforeEach
    void topics() {
        ctx.createTopic("t", 3);
        ctx.createTopic("u", 1);
    }

    private String stableMember(String group) {
        JoinGroupResponseData joined = done(ctx.joinDynamic(group));
        done(ctx.sync(group, joined.memberId(), 1, Map.of(joined.memberId(), bytes("a"))));
        return joined.memberId();
    }

    @Test
    void simpleCommitWithoutMembersIsStoredAndSurvivesARestart() {
        assertThat(commitError(ctx.commit("admin-group", "", -1, "t", 1, 42, (short) 9))).isEqualTo(Errors.NONE);
        assertThat(ctx.committed("admin-group", "t", 1)).isEqualTo(42);
        assertThat(ctx.committed("admin-group", "t", 0)).isEqualTo(-1);
        assertThat(ctx.log.records()).anyMatch(r -> r instanceof GroupRecord.OffsetCommit c && c.value().offset() == 42);
        ctx.restart();
        assertThat(ctx.committed("admin-group", "t", 1)).isEqualTo(42);
        assertThat(ctx.shard().groups().get("admin-group").stateName()).isEqualTo("Empty");
    }

    @Test
    void memberCommitsAreCheckedAgainstTheGeneration() {
        String m = stableMember("g");
        assertThat(commitError(ctx.commit("g", m, 1, "t", 0, 5, (short) 8))).isEqualTo(Errors.NONE);
        assertThat(commitError(ctx.commit("g", m, 2, "t", 0, 6, (short) 8))).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commitError(ctx.commit("g", "stranger", 1, "t", 0, 6, (short) 8))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commitError(ctx.commit("g", "", -1, "t", 0, 6, (short) 8))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(ctx.committed("g", "t", 0)).isEqualTo(5);

        // Between JoinGroup and SyncGroup members may not commit.
        CompletableFuture<JoinGroupResponseData> other = ctx.joinDynamic("g");
        done(ctx.join(joinRequest("g", m, null, "range")));
        done(other);
        assertThat(commitError(ctx.commit("g", m, 2, "t", 0, 7, (short) 8))).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void commitToAnUnknownGroupWithAGenerationIsRefusedByVersion() {
        assertThat(commitError(ctx.commit("nope", "m", 3, "t", 0, 1, (short) 8))).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commitError(ctx.commit("nope", "m", 3, "t", 0, 1, (short) 9))).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(ctx.shard().groups().get("nope")).isNull();
    }

    @Test
    void perPartitionErrorsDoNotStopTheOthers() {
        OffsetCommitRequestData req = new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1)
                .setMemberId("");
        req.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1),
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(2)
                        .setCommittedMetadata("x".repeat(5000)),
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(9).setCommittedOffset(3))));
        req.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("missing").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))));
        OffsetCommitResponseData r = done(ctx.coordinator.offsetCommit(ctx.ctx((short) 9), req));
        assertThat(r.topics().get(0).partitions()).extracting(p -> Errors.forCode(p.errorCode()))
                .containsExactly(Errors.NONE, Errors.OFFSET_METADATA_TOO_LARGE, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(Errors.forCode(r.topics().get(1).partitions().get(0).errorCode()))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(ctx.committed("g", "t", 0)).isEqualTo(1);
        assertThat(ctx.committed("g", "t", 1)).isEqualTo(-1);
    }

    @Test
    void version10NamesTopicsById() {
        assertThat(commitError(ctx.commit("g", "", -1, "t", 2, 9, (short) 10))).isEqualTo(Errors.NONE);
        OffsetCommitRequestData bad = new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1);
        bad.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setTopicId(Uuid.randomUuid())
                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0))));
        assertThat(commitError(done(ctx.coordinator.offsetCommit(ctx.ctx((short) 10), bad))))
                .isEqualTo(Errors.UNKNOWN_TOPIC_ID);

        OffsetFetchRequestData.OffsetFetchRequestGroup g = new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId("g").setMemberEpoch(-1).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setTopicId(ctx.topicId("t")).setPartitionIndexes(List.of(2))));
        OffsetFetchResponseData.OffsetFetchResponseGroup r = done(ctx.coordinator.offsetFetch((short) 10, List.of(g), false)).get(0);
        assertThat(r.topics().get(0).topicId()).isEqualTo(ctx.topicId("t"));
        assertThat(r.topics().get(0).partitions().get(0).committedOffset()).isEqualTo(9);
    }

    @Test
    void fetchAllOffsetsAndSeveralGroupsAtOnce() {
        ctx.commit("a", "", -1, "t", 0, 10, (short) 9);
        ctx.commit("a", "", -1, "u", 0, 11, (short) 9);
        ctx.commit("b", "", -1, "t", 1, 12, (short) 9);
        List<OffsetFetchResponseData.OffsetFetchResponseGroup> groups = done(ctx.coordinator.offsetFetch((short) 9, List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("a").setMemberEpoch(-1).setTopics(null),
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("b").setMemberEpoch(-1).setTopics(null),
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("none").setMemberEpoch(-1).setTopics(null),
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("").setMemberEpoch(-1).setTopics(null)),
                true));
        assertThat(groups.get(0).topics()).extracting(OffsetFetchResponseData.OffsetFetchResponseTopics::name)
                .containsExactly("t", "u");
        assertThat(groups.get(1).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(12);
        assertThat(groups.get(2).topics()).isEmpty();
        assertThat(Errors.forCode(groups.get(3).errorCode())).isEqualTo(Errors.INVALID_GROUP_ID);
    }

    @Test
    void offsetDeleteRefusesTopicsTheGroupReadsAndDeletesTheRest() {
        String m = stableMember("g"); // subscribed to "t" (see GroupTestContext.joinRequest)
        ctx.commit("g", m, 1, "t", 0, 1, (short) 8);
        ctx.commit("g", m, 1, "u", 0, 2, (short) 8);
        OffsetDeleteRequestData req = new OffsetDeleteRequestData().setGroupId("g");
        req.topics().add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("t")
                .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        req.topics().add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("u")
                .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        OffsetDeleteResponseData r = done(ctx.coordinator.offsetDelete(req));
        assertThat(Errors.forCode(r.topics().find("t").partitions().find(0).errorCode()))
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC);
        assertThat(Errors.forCode(r.topics().find("u").partitions().find(0).errorCode())).isEqualTo(Errors.NONE);
        assertThat(ctx.committed("g", "u", 0)).isEqualTo(-1);
        assertThat(ctx.committed("g", "t", 0)).isEqualTo(1);
        ctx.restart();
        assertThat(ctx.committed("g", "u", 0)).isEqualTo(-1);

        assertThat(errorOf(ctx.coordinator.offsetDelete(new OffsetDeleteRequestData().setGroupId("none"))))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void offsetsExpireAfterTheRetentionOnceTheGroupIsEmptyAndTheGroupGoesToo() {
        String m = stableMember("g");
        ctx.commit("g", m, 1, "t", 0, 1, (short) 8);
        ctx.commit("simple", "", -1, "t", 0, 1, (short) 8);
        // A member keeps the group alive well past the retention.
        for (int i = 0; i < 30; i++) {
            ctx.advance(4000);
            assertThat(ctx.heartbeat("g", m, 1)).isEqualTo(Errors.NONE);
        }
        done(ctx.coordinator.leaveGroup("g", List.of(new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity()
                .setMemberId(m))));
        ctx.advance(ctx.config.offsetsRetentionMs() - 30_000); // the simple group's commit is now older than the retention
        assertThat(ctx.shard().groups().get("simple")).isNull();
        assertThat(ctx.committed("g", "t", 0)).isEqualTo(1);
        ctx.advance(60_000); // now past the retention since g became empty
        assertThat(ctx.shard().offsets().hasOffsets("g")).isFalse();
        assertThat(ctx.shard().groups().get("g")).isNull();
        ctx.restart();
        assertThat(ctx.shard().groups().size()).isZero();
        assertThat(ctx.shard().offsets().size()).isZero();
    }

    @Test
    void explicitRetentionOfOldVersionsExpiresTheOffset() {
        OffsetCommitRequestData req = new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1)
                .setRetentionTimeMs(90_000);
        req.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(3))));
        done(ctx.coordinator.offsetCommit(ctx.ctx((short) 2), req));
        ctx.advance(60_000);
        assertThat(ctx.committed("g", "t", 0)).isEqualTo(3);
        ctx.advance(60_000);
        assertThat(ctx.committed("g", "t", 0)).isEqualTo(-1);
    }

    @Test
    void failedWritesMapToCoordinatorErrors() {
        ctx.log.failAppends(new org.apache.kafka.common.errors.NotEnoughReplicasException("isr"));
        assertThat(commitError(ctx.commit("g", "", -1, "t", 0, 1, (short) 9))).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        ctx.log.failAppends(new org.apache.kafka.common.errors.RecordTooLargeException("big"));
        assertThat(commitError(ctx.commit("g", "", -1, "t", 0, 1, (short) 9))).isEqualTo(Errors.INVALID_COMMIT_OFFSET_SIZE);
        ctx.log.failAppends(null);
        assertThat(ctx.shard().groups().get("g")).isNull();
    }

    @Test
    void commitIsAnsweredOnlyOnceTheHighWatermarkPassesIt() {
        ctx.log.holdHighWatermark(true);
        OffsetCommitRequestData req = new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1);
        req.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(3))));
        CompletableFuture<OffsetCommitResponseData> f = ctx.coordinator.offsetCommit(ctx.ctx((short) 9), req);
        assertThat(f).isNotDone();
        ctx.log.holdHighWatermark(false);
        ctx.advance(10);
        assertThat(commitError(done(f))).isEqualTo(Errors.NONE);

        ctx.log.holdHighWatermark(true);
        CompletableFuture<OffsetCommitResponseData> late = ctx.coordinator.offsetCommit(ctx.ctx((short) 9), req);
        ctx.advance(ctx.config.offsetCommitTimeoutMs() + 20);
        assertThat(commitError(done(late))).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
    }
}
