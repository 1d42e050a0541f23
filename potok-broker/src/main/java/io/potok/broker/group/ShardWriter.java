package io.potok.broker.group;

import io.potok.broker.group.log.GroupLog;
import io.potok.broker.group.log.GroupRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;

/**
 * Writes a shard's state changes: appends the records to {@code __consumer_offsets}, applies them
 * to the shard's state (the same replay that loading uses), and hands back a future that completes
 * once the high watermark passes them, which is when the caller may answer the client. If the
 * append fails nothing is applied and the exception propagates to the caller.
 *
 * <p>With a single in-sync replica the high watermark moves on append, so futures complete at
 * once; with followers they complete when replication catches up, or fail after
 * {@code offsets.commit.timeout.ms}.
 *
 * <p>Thread-safety: not thread-safe; confined to the shard's executor.
 */
final class ShardWriter {
    private static final String CHECK_KEY = "commit-check";
    private static final long CHECK_INTERVAL_MS = 10;

    private record Pending(CompletableFuture<Void> future, long deadlineMs) {
    }

    private final GroupLog log;
    private final Consumer<GroupRecord> replayer;
    private final GroupTimer timer;
    private final Time time;
    private final int commitTimeoutMs;
    private final TreeMap<Long, List<Pending>> pending = new TreeMap<>();

    ShardWriter(GroupLog log, Consumer<GroupRecord> replayer, GroupTimer timer, Time time, int commitTimeoutMs) {
        this.log = log;
        this.replayer = replayer;
        this.timer = timer;
        this.time = time;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    /** Appends and applies {@code records}; the future completes when they are committed. */
    CompletableFuture<Void> write(List<GroupRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long lastOffset = log.append(records);
        records.forEach(replayer);
        if (log.highWatermark() > lastOffset) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        pending.computeIfAbsent(lastOffset, o -> new ArrayList<>())
                .add(new Pending(future, time.milliseconds() + commitTimeoutMs));
        if (!timer.isScheduled(CHECK_KEY)) {
            timer.schedule(CHECK_KEY, CHECK_INTERVAL_MS, this::checkCommitted);
        }
        return future;
    }

    /** Completes the writes the high watermark has passed and fails those that waited too long. */
    void checkCommitted() {
        long hw = log.highWatermark();
        long now = time.milliseconds();
        Iterator<Map.Entry<Long, List<Pending>>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, List<Pending>> e = it.next();
            if (e.getKey() < hw) {
                e.getValue().forEach(p -> p.future.complete(null));
                it.remove();
                continue;
            }
            e.getValue().removeIf(p -> {
                if (p.deadlineMs <= now) {
                    p.future.completeExceptionally(new TimeoutException("The write to __consumer_offsets at offset "
                            + e.getKey() + " was not replicated within " + commitTimeoutMs + " ms"));
                    return true;
                }
                return false;
            });
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        if (!pending.isEmpty()) {
            timer.schedule(CHECK_KEY, CHECK_INTERVAL_MS, this::checkCommitted);
        }
    }

    /** Fails every waiting write (the shard is being unloaded). */
    void failAll(ApiException e) {
        pending.values().forEach(list -> list.forEach(p -> p.future.completeExceptionally(e)));
        pending.clear();
    }
}
