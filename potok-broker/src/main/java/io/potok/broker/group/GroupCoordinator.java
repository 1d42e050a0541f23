package io.potok.broker.group;

import io.potok.broker.concurrent.SerialExecutor;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.potok.broker.group.consumer.PartitionAssignor;
import io.potok.broker.group.consumer.RangeAssignor;
import io.potok.broker.group.consumer.UniformAssignor;
import io.potok.broker.group.log.GroupLog;
import io.potok.broker.group.log.PartitionGroupLog;
import io.potok.broker.replica.ReplicaManager;
import io.potok.metadata.controller.MetadataListener;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this node: one {@link CoordinatorShard} per {@code __consumer_offsets}
 * partition this node leads, chosen for a group by {@code abs(groupId.hashCode()) % partitions}.
 * Request handlers call the methods here; each call runs on its shard's executor and completes
 * asynchronously, so request threads never wait.
 *
 * <p>Leadership: as a {@link MetadataListener} it loads a partition's groups when this node becomes
 * its leader (or its leader epoch changes) and unloads them when it stops leading it; requests for
 * groups of a partition led elsewhere get NOT_COORDINATOR.
 *
 * <p>Thread-safety: thread-safe. {@link #onImage} runs on the controller thread; the shard map is
 * concurrent and each shard confines its own state.
 */
public final class GroupCoordinator implements MetadataListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final int nodeId;
    private final GroupConfig config;
    private final Time time;
    private final Function<TopicPartition, Optional<GroupLog>> logs;
    private final Executor executor;
    private final CoordinatorShard.Wakeups wakeups;
    private final List<PartitionAssignor> assignors = List.of(new UniformAssignor(), new RangeAssignor());
    private final Map<Integer, CoordinatorShard> shards = new ConcurrentHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile MetadataImage image;

    /**
     * @param logs     the {@code __consumer_offsets} partition to use for a shard, once hosted here
     * @param executor runs shard tasks; each shard serialises its own on it
     * @param wakeups  fires timer wake-ups; the task passed must then run
     */
    GroupCoordinator(int nodeId, GroupConfig config, Time time, Function<TopicPartition, Optional<GroupLog>> logs,
                     Executor executor, CoordinatorShard.Wakeups wakeups) {
        this.nodeId = nodeId;
        this.config = config;
        this.time = time;
        this.logs = logs;
        this.executor = executor;
        this.wakeups = wakeups;
        this.image = MetadataImage.empty("");
    }

    /** The coordinator of a running node: its own small thread pool and a hashed-wheel timer. */
    public static GroupCoordinator create(int nodeId, GroupConfig config, ReplicaManager replicaManager, Time time) {
        AtomicInteger ids = new AtomicInteger();
        ExecutorService pool = new ThreadPoolExecutor(config.coordinatorThreads(), config.coordinatorThreads(),
                60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "potok-group-coordinator-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        HashedWheelTimer wheel = new HashedWheelTimer(new DefaultThreadFactory("potok-group-timer", true), 10,
                TimeUnit.MILLISECONDS, 512);
        GroupCoordinator coordinator = new GroupCoordinator(nodeId, config, time,
                tp -> replicaManager.partition(tp).map(p -> new PartitionGroupLog(p, replicaManager,
                        config.offsetsLoadBufferSize(), time)),
                pool, (delayMs, task) -> wheel.newTimeout(t -> task.run(), delayMs, TimeUnit.MILLISECONDS));
        coordinator.resources.add(wheel::stop);
        coordinator.resources.add(() -> {
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        });
        return coordinator;
    }

    public GroupConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ leadership

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        image = current;
        Optional<TopicImage> topic = current.topic(OffsetsTopic.NAME);
        Map<Integer, Integer> led = new HashMap<>();
        topic.ifPresent(t -> {
            for (PartitionImage p : t.partitions()) {
                if (p.leader() == nodeId) {
                    led.put(p.partition(), p.leaderEpoch());
                }
            }
        });
        for (Integer partition : List.copyOf(shards.keySet())) {
            if (!led.containsKey(partition)) {
                resign(partition);
            }
        }
        int[] loaded = {0};
        led.forEach((partition, epoch) -> {
            CoordinatorShard existing = shards.get(partition);
            if (existing == null || existing.leaderEpoch() != epoch || existing.state() == CoordinatorShard.State.CLOSED) {
                becomeLeader(partition, epoch);
                loaded[0]++;
            }
        });
        if (loaded[0] > 0) {
            log.info("Coordinating the groups of {} more partitions of {} ({} in all)", loaded[0], OffsetsTopic.NAME,
                    shards.size());
        }
    }

    private void becomeLeader(int partition, int leaderEpoch) {
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partition);
        Optional<GroupLog> partitionLog = logs.apply(tp);
        if (partitionLog.isEmpty()) {
            log.warn("This node leads {} but does not host it; its groups stay unavailable", tp);
            return;
        }
        CoordinatorShard previous = shards.remove(partition);
        if (previous != null) {
            previous.unload();
        }
        CoordinatorShard shard = new CoordinatorShard(tp, leaderEpoch, partitionLog.get(), config, time,
                new SerialExecutor(executor, "group coordinator shard"), wakeups, () -> new ImageTopicsView(image), assignors);
        shards.put(partition, shard);
        log.debug("Loading the groups of {} (leader epoch {})", tp, leaderEpoch);
        shard.load();
    }

    private void resign(int partition) {
        CoordinatorShard shard = shards.remove(partition);
        if (shard != null) {
            log.debug("No longer leading {}; unloading its groups", shard.topicPartition());
            shard.unload();
        }
    }

    private CoordinatorShard shardFor(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id must not be empty.");
        }
        int partitions = OffsetsTopic.numPartitions(image, config.offsetsTopicNumPartitions());
        CoordinatorShard shard = shards.get(OffsetsTopic.partitionFor(groupId, partitions));
        if (shard == null) {
            throw new NotCoordinatorException("This node is not the coordinator of group " + groupId + ".");
        }
        return shard;
    }

    private <T> CompletableFuture<T> route(String groupId, Function<CoordinatorShard, CompletableFuture<T>> op) {
        try {
            return shardFor(groupId).call(op);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ------------------------------------------------------------------ classic protocol

    public CompletableFuture<JoinGroupResponseData> joinGroup(RequestContext ctx, JoinGroupRequestData req) {
        return route(req.groupId(), s -> s.classic.join(ctx, req));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(RequestContext ctx, SyncGroupRequestData req) {
        return route(req.groupId(), s -> s.classic.sync(ctx, req));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(RequestContext ctx, HeartbeatRequestData req) {
        return route(req.groupId(), s -> CompletableFuture.completedFuture(s.classic.heartbeat(ctx, req)));
    }

    public CompletableFuture<List<MemberResponse>> leaveGroup(String groupId, List<MemberIdentity> members) {
        return route(groupId, s -> CompletableFuture.completedFuture(s.classic.leave(groupId, members)));
    }

    // ------------------------------------------------------------------ consumer protocol

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            RequestContext ctx, ConsumerGroupHeartbeatRequestData req) {
        return route(req.groupId(), s -> s.consumer.heartbeat(ctx, req));
    }

    public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> consumerGroupDescribe(
            List<String> groupIds, boolean includeAuthorizedOperations) {
        return perGroup(groupIds, (s, id) -> s.admin.consumerGroupDescribe(id, includeAuthorizedOperations),
                (id, e) -> new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(id)
                        .setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage()));
    }

    // ------------------------------------------------------------------ offsets

    public CompletableFuture<OffsetCommitResponseData> offsetCommit(RequestContext ctx, OffsetCommitRequestData req) {
        return route(req.groupId(), s -> s.offsetCoordinator.commit(ctx, req));
    }

    /** One response group per request group, in order; per-group coordinator errors are in each. */
    public CompletableFuture<List<OffsetFetchResponseGroup>> offsetFetch(short version, List<OffsetFetchRequestGroup> requested,
                                                                         boolean requireStable) {
        List<CompletableFuture<OffsetFetchResponseGroup>> futures = new ArrayList<>();
        for (OffsetFetchRequestGroup g : requested) {
            CompletableFuture<OffsetFetchResponseGroup> f = route(g.groupId(),
                    s -> CompletableFuture.completedFuture(s.offsetCoordinator.fetch(version, g, requireStable)));
            futures.add(f.exceptionally(e -> new OffsetFetchResponseGroup().setGroupId(g.groupId())
                    .setErrorCode(Errors.forException(unwrap(e)).code())));
        }
        return all(futures);
    }

    public CompletableFuture<OffsetDeleteResponseData> offsetDelete(OffsetDeleteRequestData req) {
        return route(req.groupId(), s -> s.offsetCoordinator.delete(req));
    }

    // ------------------------------------------------------------------ admin

    /** Groups of every shard this node runs; the error is COORDINATOR_LOAD_IN_PROGRESS while one loads. */
    public CompletableFuture<ListGroupsResult> listGroups(List<String> statesFilter, List<String> typesFilter) {
        List<CompletableFuture<List<ListedGroup>>> futures = new ArrayList<>();
        AtomicReference<Errors> error = new AtomicReference<>(Errors.NONE);
        for (CoordinatorShard shard : shards.values()) {
            if (shard.state() == CoordinatorShard.State.LOADING) {
                error.set(Errors.COORDINATOR_LOAD_IN_PROGRESS);
                continue;
            }
            futures.add(shard.call(s -> CompletableFuture.completedFuture(s.admin.list(statesFilter, typesFilter)))
                    .exceptionally(e -> {
                        if (Errors.forException(unwrap(e)) == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
                            error.set(Errors.COORDINATOR_LOAD_IN_PROGRESS);
                        }
                        return List.of();
                    }));
        }
        return all(futures).thenApply(lists -> {
            List<ListedGroup> groups = new ArrayList<>();
            lists.forEach(groups::addAll);
            groups.sort((a, b) -> a.groupId().compareTo(b.groupId()));
            return new ListGroupsResult(error.get(), groups);
        });
    }

    /** ListGroups' answer. */
    public record ListGroupsResult(Errors error, List<ListedGroup> groups) {
    }

    /**
     * Read-only: the committed offsets of every group of the shards this node runs (loading shards
     * are left out), by group id. Each shard is read on its own executor.
     */
    public CompletableFuture<Map<String, Map<TopicPartition, Long>>> committedOffsets() {
        List<CompletableFuture<Map<String, Map<TopicPartition, Long>>>> futures = new ArrayList<>();
        for (CoordinatorShard shard : shards.values()) {
            if (shard.state() != CoordinatorShard.State.ACTIVE) {
                continue;
            }
            futures.add(shard.call(s -> {
                Map<String, Map<TopicPartition, Long>> groups = new HashMap<>();
                for (String groupId : s.offsets().groupIds()) {
                    Map<TopicPartition, Long> offsets = new HashMap<>();
                    s.offsets().offsets(groupId).forEach((tp, o) -> offsets.put(tp, o.offset()));
                    groups.put(groupId, offsets);
                }
                return CompletableFuture.completedFuture(groups);
            }).exceptionally(e -> Map.of()));
        }
        return all(futures).thenApply(maps -> {
            Map<String, Map<TopicPartition, Long>> merged = new HashMap<>();
            maps.forEach(merged::putAll);
            return merged;
        });
    }

    public CompletableFuture<List<DescribedGroup>> describeGroups(List<String> groupIds, short version,
                                                                  boolean includeAuthorizedOperations) {
        return perGroup(groupIds, (s, id) -> s.admin.describe(id, version, includeAuthorizedOperations),
                (id, e) -> new DescribedGroup().setGroupId(id).setErrorCode(Errors.forException(e).code())
                        .setGroupState("").setProtocolType("").setProtocolData(""));
    }

    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        Map<CoordinatorShard, List<String>> byShard = new HashMap<>();
        List<CompletableFuture<List<DeletableGroupResult>>> futures = new ArrayList<>();
        for (String id : groupIds) {
            try {
                byShard.computeIfAbsent(shardFor(id), s -> new ArrayList<>()).add(id);
            } catch (ApiException e) {
                futures.add(CompletableFuture.completedFuture(List.of(new DeletableGroupResult().setGroupId(id)
                        .setErrorCode(Errors.forException(e).code()))));
            }
        }
        byShard.forEach((shard, ids) -> futures.add(shard.call(s -> s.admin.delete(ids)).exceptionally(e -> {
            List<DeletableGroupResult> failed = new ArrayList<>();
            ids.forEach(id -> failed.add(new DeletableGroupResult().setGroupId(id)
                    .setErrorCode(Errors.forException(unwrap(e)).code())));
            return failed;
        })));
        return all(futures).thenApply(lists -> {
            List<DeletableGroupResult> results = new ArrayList<>();
            lists.forEach(results::addAll);
            return results;
        });
    }

    private <T> CompletableFuture<List<T>> perGroup(List<String> groupIds,
                                                    java.util.function.BiFunction<CoordinatorShard, String, T> op,
                                                    java.util.function.BiFunction<String, Throwable, T> onError) {
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (String id : groupIds) {
            futures.add(route(id, s -> CompletableFuture.completedFuture(op.apply(s, id)))
                    .exceptionally(e -> onError.apply(id, unwrap(e))));
        }
        return all(futures);
    }

    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<T> out = new ArrayList<>(futures.size());
            futures.forEach(f -> out.add(f.join()));
            return out;
        });
    }

    private static Throwable unwrap(Throwable e) {
        return io.potok.broker.api.ErrorMapping.unwrap(e);
    }

    // Visible for tests in this package.
    CoordinatorShard shard(int partition) {
        return shards.get(partition);
    }

    @Override
    public void close() {
        for (Integer partition : List.copyOf(shards.keySet())) {
            resign(partition);
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Error while closing the group coordinator", e);
            }
        }
    }
}
