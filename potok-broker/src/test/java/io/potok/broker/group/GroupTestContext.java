package io.potok.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A group coordinator of node 1 leading the single partition of {@code __consumer_offsets}, with
 * a manual clock, an in-memory log, a same-thread executor and timers that fire when the test
 * advances time: every call completes (or parks) before it returns.
 */
final class GroupTestContext {
    static final int NODE_ID = 1;
    static final short V = 9;

    final ManualTime time = new ManualTime();
    final InMemoryGroupLog log;
    final GroupConfig config;
    final Map<String, TopicImage> topics = new HashMap<>();
    GroupCoordinator coordinator;
    MetadataImage image;

    GroupTestContext() {
        this(config(0));
    }

    GroupTestContext(GroupConfig config) {
        this(config, new InMemoryGroupLog());
    }

    GroupTestContext(GroupConfig config, InMemoryGroupLog log) {
        this.config = config;
        this.log = log;
        topics.put(OffsetsTopic.NAME, topic(OffsetsTopic.NAME, Uuid.randomUuid(), 1));
        start();
    }

    /** Kafka's defaults with one offsets partition, the given initial delay and short session limits. */
    static GroupConfig config(int initialDelayMs) {
        return new GroupConfig(1, (short) 1, 1 << 20, 24 * 3600_000L, 60_000L, 5000, 1 << 20, 4096,
                1000, 300_000, initialDelayMs, 100, 1, true, 10_000, 1000, 100, List.of("uniform", "range"));
    }

    /** A new coordinator over the same log, as after a broker restart. */
    GroupTestContext restart() {
        coordinator.close();
        start();
        return this;
    }

    private void start() {
        coordinator = new GroupCoordinator(NODE_ID, config, time, tp -> Optional.of(log), Runnable::run,
                (delayMs, task) -> { });
        publish();
        assertThat(coordinator.shard(0).state()).isEqualTo(CoordinatorShard.State.ACTIVE);
    }

    void createTopic(String name, int partitions) {
        topics.put(name, topic(name, Uuid.randomUuid(), partitions));
        publish();
    }

    Uuid topicId(String name) {
        return topics.get(name).id();
    }

    private void publish() {
        MetadataImage previous = image == null ? MetadataImage.empty("c") : image;
        image = new MetadataImage(previous.offset() + 1, "c",
                Map.of(NODE_ID, new BrokerImage(NODE_ID, "localhost", 9092, Optional.empty(), false)), topics,
                Map.of(), 0);
        coordinator.onImage(previous, image);
    }

    private static TopicImage topic(String name, Uuid id, int partitions) {
        List<PartitionImage> ps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ps.add(new PartitionImage(p, List.of(NODE_ID), List.of(NODE_ID), NODE_ID, 0, 0));
        }
        return new TopicImage(name, id, ps, Map.of());
    }

    /** Moves the clock and fires due timers. */
    void advance(long ms) {
        time.sleep(ms);
        coordinator.shard(0).runTimers();
    }

    CoordinatorShard shard() {
        return coordinator.shard(0);
    }

    RequestContext ctx(short version) {
        return new RequestContext(version, "client", "/127.0.0.1");
    }

    // ------------------------------------------------------------------ classic helpers

    static byte[] subscription(String... topics) {
        ByteBuffer b = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(topics)));
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static JoinGroupRequestData joinRequest(String group, String memberId, String instanceId, String... protocols) {
        JoinGroupRequestProtocolCollection ps = new JoinGroupRequestProtocolCollection();
        for (String p : protocols) {
            ps.add(new JoinGroupRequestProtocol().setName(p).setMetadata(subscription("t")));
        }
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setProtocolType("consumer").setProtocols(ps).setSessionTimeoutMs(5000).setRebalanceTimeoutMs(10_000);
    }

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData req) {
        return join(req, V);
    }

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData req, short version) {
        return coordinator.joinGroup(ctx(version), req);
    }

    /** KIP-394 dance: the first JoinGroup gets an id, the second joins with it. Returns the pending future. */
    CompletableFuture<JoinGroupResponseData> joinDynamic(String group, String... protocols) {
        JoinGroupResponseData first = done(join(joinRequest(group, "", null, protocols.length == 0
                ? new String[] {"range"} : protocols)));
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        return join(joinRequest(group, first.memberId(), null, protocols.length == 0 ? new String[] {"range"} : protocols));
    }

    CompletableFuture<SyncGroupResponseData> sync(String group, String memberId, int generation,
                                                  Map<String, byte[]> assignments) {
        SyncGroupRequestData req = new SyncGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationId(generation);
        assignments.forEach((m, a) -> req.assignments().add(
                new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(m).setAssignment(a)));
        return coordinator.syncGroup(ctx((short) 5), req);
    }

    Errors heartbeat(String group, String memberId, int generation) {
        return errorOf(coordinator.heartbeat(ctx((short) 4), new HeartbeatRequestData().setGroupId(group)
                .setMemberId(memberId).setGenerationId(generation)).thenApply(r -> Errors.forCode(r.errorCode())));
    }

    // ------------------------------------------------------------------ offsets helpers

    OffsetCommitResponseData commit(String group, String memberId, int generation, String topic, int partition,
                                    long offset, short version) {
        OffsetCommitRequestData req = new OffsetCommitRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation);
        req.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic)
                .setTopicId(version >= 10 && topics.containsKey(topic) ? topicId(topic) : Uuid.ZERO_UUID)
                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                        .setPartitionIndex(partition).setCommittedOffset(offset).setCommittedMetadata("m"))));
        // As the handler does: a group-level failure becomes the error of every partition.
        return done(coordinator.offsetCommit(ctx(version), req).exceptionally(e ->
                org.apache.kafka.common.requests.OffsetCommitRequest.getErrorResponse(req,
                        io.potok.broker.api.ErrorMapping.toError(e))));
    }

    static Errors commitError(OffsetCommitResponseData r) {
        return Errors.forCode(r.topics().get(0).partitions().get(0).errorCode());
    }

    /** Committed offset of one partition (-1 if none), failing on any error. */
    long committed(String group, String topic, int partition) {
        OffsetFetchRequestData.OffsetFetchRequestGroup g = new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId(group).setMemberEpoch(-1).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName(topic).setPartitionIndexes(List.of(partition))));
        OffsetFetchResponseData.OffsetFetchResponseGroup r = done(coordinator.offsetFetch((short) 9, List.of(g), true)).get(0);
        assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE);
        OffsetFetchResponseData.OffsetFetchResponsePartitions p = r.topics().get(0).partitions().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
        return p.committedOffset();
    }

    // ------------------------------------------------------------------ consumer protocol helpers

    ConsumerGroupHeartbeatResponseData consumerHeartbeat(ConsumerGroupHeartbeatRequestData req) {
        return done(coordinator.consumerGroupHeartbeat(ctx((short) 1), req));
    }

    static ConsumerGroupHeartbeatRequestData consumerJoin(String group, String memberId, String... topics) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of(topics)).setTopicPartitions(List.of());
    }

    /** A heartbeat reporting the partitions the member owns (as the client does after reconciling). */
    static ConsumerGroupHeartbeatRequestData consumerBeat(String group, String memberId, int epoch,
                                                          ConsumerGroupHeartbeatResponseData.Assignment owned) {
        ConsumerGroupHeartbeatRequestData req = new ConsumerGroupHeartbeatRequestData().setGroupId(group)
                .setMemberId(memberId).setMemberEpoch(epoch);
        if (owned != null) {
            List<ConsumerGroupHeartbeatRequestData.TopicPartitions> tps = new ArrayList<>();
            owned.topicPartitions().forEach(tp -> tps.add(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                    .setTopicId(tp.topicId()).setPartitions(new ArrayList<>(tp.partitions()))));
            req.setTopicPartitions(tps);
        }
        return req;
    }

    /** Partition numbers of one topic in an assignment. */
    static List<Integer> partitionsOf(ConsumerGroupHeartbeatResponseData.Assignment a, Uuid topicId) {
        if (a == null) {
            return null;
        }
        return a.topicPartitions().stream().filter(tp -> tp.topicId().equals(topicId))
                .flatMap(tp -> tp.partitions().stream()).sorted().toList();
    }

    static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    // ------------------------------------------------------------------ futures

    static <T> T done(CompletableFuture<T> f) {
        assertThat(f).as("completed").isDone();
        try {
            return f.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        }
    }

    /** The Kafka error a future failed with, or NONE. */
    static Errors errorOf(CompletableFuture<?> f) {
        assertThat(f).as("completed").isDone();
        try {
            Object v = f.get();
            return v instanceof Errors e ? e : Errors.NONE;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiException) {
                return Errors.forException(cause);
            }
            throw new AssertionError("unexpected failure", cause);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
