package io.potok.broker.group;

import io.potok.broker.concurrent.SerialExecutor;
import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.consumer.PartitionAssignor;
import io.potok.broker.group.consumer.TopicsView;
import io.potok.broker.group.log.GroupLog;
import io.potok.broker.group.log.GroupRecord;
import io.potok.broker.group.offsets.OffsetStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator of the groups that hash to one {@code __consumer_offsets} partition, while this
 * node leads that partition: it loads their state from the partition, serves their requests, and
 * writes every change back to it.
 *
 * <p>Lifecycle: {@link State#LOADING} (requests get COORDINATOR_LOAD_IN_PROGRESS) →
 * {@link State#ACTIVE} → {@link State#CLOSED} (requests get NOT_COORDINATOR; waiting requests
 * are answered with it). A shard is never reopened: a new leadership gets a new shard.
 *
 * <p>Thread-safety: all state is confined to the shard's {@link SerialExecutor}; {@link #call},
 * {@link #load}, {@link #unload} and {@link #runTimers} may be called from any thread and hop onto
 * it. Only {@link #state} is read outside it.
 */
final class CoordinatorShard {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorShard.class);
    private static final String EXPIRY_KEY = "offsets-expiry";

    enum State { LOADING, ACTIVE, CLOSED }

    private final TopicPartition topicPartition;
    private final int leaderEpoch;
    private final GroupConfig config;
    private final Time time;
    private final GroupLog log0;
    private final Executor executor;
    private final GroupTimer timer;
    private final GroupRegistry groups = new GroupRegistry();
    private final OffsetStore offsets = new OffsetStore();
    private final ShardWriter writer;
    final ClassicGroupCoordinator classic;
    final ConsumerGroupCoordinator consumer;
    final OffsetCoordinator offsetCoordinator;
    final GroupAdministration admin;
    private volatile State state = State.LOADING;

    /**
     * @param executor runs this shard's tasks one at a time
     * @param wakeups  how the timer asks to be run: given a delay and this shard's timer task
     */
    CoordinatorShard(TopicPartition topicPartition, int leaderEpoch, GroupLog log, GroupConfig config, Time time,
                     Executor executor, Wakeups wakeups, Supplier<TopicsView> topics, List<PartitionAssignor> assignors) {
        this.topicPartition = topicPartition;
        this.leaderEpoch = leaderEpoch;
        this.config = config;
        this.time = time;
        this.log0 = log;
        this.executor = executor;
        this.timer = new GroupTimer(time, delayMs -> wakeups.wakeAfter(delayMs, this::runTimers));
        this.writer = new ShardWriter(log, r -> replay(r, false), timer, time, config.offsetCommitTimeoutMs());
        this.classic = new ClassicGroupCoordinator(config, groups, writer, timer, time);
        this.consumer = new ConsumerGroupCoordinator(config, groups, writer, timer, time, topics, assignors, classic);
        this.offsetCoordinator = new OffsetCoordinator(config, groups, offsets, writer, time, topics, classic, consumer);
        this.admin = new GroupAdministration(groups, offsets, writer, topics, classic, consumer);
    }

    /** Schedules timer wake-ups; production uses a hashed wheel, tests call {@link #runTimers} themselves. */
    @FunctionalInterface
    interface Wakeups {
        void wakeAfter(long delayMs, Runnable task);
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    State state() {
        return state;
    }

    /**
     * Runs {@code op} on the shard once it is active; the result completes with the op's result,
     * or with COORDINATOR_LOAD_IN_PROGRESS / NOT_COORDINATOR when the shard is not active.
     */
    <T> CompletableFuture<T> call(Function<CoordinatorShard, CompletableFuture<T>> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (state != State.ACTIVE) {
            result.completeExceptionally(notActive());
            return result;
        }
        executor.execute(() -> {
            if (state != State.ACTIVE) {
                result.completeExceptionally(notActive());
                return;
            }
            try {
                op.apply(this).whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private RuntimeException notActive() {
        return state == State.LOADING
                ? new CoordinatorLoadInProgressException("The coordinator of " + topicPartition + " is loading.")
                : new NotCoordinatorException("This node no longer coordinates the groups of " + topicPartition + ".");
    }

    /** Reads the partition into memory, then starts serving. Returns when the load task is queued. */
    void load() {
        executor.execute(() -> {
            if (state != State.LOADING) {
                return;
            }
            long start = time.milliseconds();
            try {
                long records = log0.replay(r -> replay(r, true));
                for (String groupId : offsets.groupIds()) {
                    if (groups.get(groupId) == null) {
                        groups.put(new ClassicGroup(groupId, start)); // offsets without a group: a simple group
                    }
                }
                for (Group g : groups.all()) {
                    if (g instanceof ClassicGroup c) {
                        classic.onLoaded(c);
                    } else {
                        consumer.onLoaded((ConsumerGroup) g);
                    }
                }
                timer.schedule(EXPIRY_KEY, config.offsetsRetentionCheckIntervalMs(), this::expireOffsets);
                state = State.ACTIVE;
                if (records > 0) {
                    log.info("Loaded {} groups and {} offsets of {} ({} records) in {} ms", groups.size(),
                            offsets.size(), topicPartition, records, time.milliseconds() - start);
                }
            } catch (RuntimeException e) {
                log.error("Loading the groups of {} failed; it stays unavailable until leadership changes",
                        topicPartition, e);
                state = State.CLOSED;
            }
        });
    }

    /** Stops serving: waiting requests get NOT_COORDINATOR and the state is dropped. */
    void unload() {
        state = State.CLOSED;
        executor.execute(() -> {
            timer.cancelAll();
            NotCoordinatorException e = new NotCoordinatorException("This node no longer coordinates the groups of "
                    + topicPartition + ".");
            writer.failAll(e);
            for (Group g : List.copyOf(groups.all())) {
                if (g instanceof ClassicGroup c) {
                    classic.onRemoved(c, Errors.NOT_COORDINATOR);
                }
                groups.remove(g.groupId());
            }
            log.debug("Unloaded the groups of {}", topicPartition);
        });
    }

    /** Runs due timers; a no-op unless active. */
    void runTimers() {
        executor.execute(() -> {
            if (state == State.ACTIVE) {
                timer.runExpired();
            }
        });
    }

    private void expireOffsets() {
        try {
            offsetCoordinator.expire();
        } finally {
            timer.schedule(EXPIRY_KEY, config.offsetsRetentionCheckIntervalMs(), this::expireOffsets);
        }
    }

    /** Applies one record of the partition to the shard's state. */
    private void replay(GroupRecord record, boolean loading) {
        if (record instanceof GroupRecord.OffsetCommit r) {
            offsets.replay(r.groupId(), new TopicPartition(r.topic(), r.partition()), r.value());
        } else {
            groups.replay(record, loading);
        }
    }

    // Visible to tests in this package.
    GroupRegistry groups() {
        return groups;
    }

    OffsetStore offsets() {
        return offsets;
    }

    GroupTimer timer() {
        return timer;
    }
}
