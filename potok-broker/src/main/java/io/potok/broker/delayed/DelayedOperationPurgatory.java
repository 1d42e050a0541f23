package io.potok.broker.delayed;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds parked operations, keyed by the partitions they watch, with their deadlines on a hashed
 * timer wheel (no polling). Checks run on the request pool, never on the timer thread.
 */
public final class DelayedOperationPurgatory implements AutoCloseable {
    private final HashedWheelTimer timer;
    private final Executor executor;
    private final Map<TopicPartition, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();

    public DelayedOperationPurgatory(String name, Executor executor) {
        this.executor = executor;
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("potok-" + name + "-timer", true), 5,
                TimeUnit.MILLISECONDS, 512);
    }

    /** Parks {@code op} unless it can complete at once. */
    public void park(DelayedOperation op) {
        for (TopicPartition tp : op.watched()) {
            watchers.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(op);
        }
        // Data may have arrived between the caller's read and the registration above.
        if (op.tryComplete()) {
            unwatch(op);
            return;
        }
        Timeout timeout = timer.newTimeout(t -> executor.execute(() -> {
            if (op.forceComplete(true)) {
                unwatch(op);
            }
        }), op.delayMs(), TimeUnit.MILLISECONDS);
        if (op.isCompleted()) {
            timeout.cancel();
        }
    }

    /** Re-checks operations watching {@code tp}; call after an append to it. */
    public void checkAndComplete(TopicPartition tp) {
        Set<DelayedOperation> ops = watchers.get(tp);
        if (ops == null || ops.isEmpty()) {
            return;
        }
        for (DelayedOperation op : ops) {
            executor.execute(() -> {
                if (op.tryComplete()) {
                    unwatch(op);
                }
            });
        }
    }

    public int size() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    private void unwatch(DelayedOperation op) {
        for (TopicPartition tp : op.watched()) {
            Set<DelayedOperation> ops = watchers.get(tp);
            if (ops != null) {
                ops.remove(op);
                if (ops.isEmpty()) {
                    watchers.remove(tp, ops);
                }
            }
        }
    }

    @Override
    public void close() {
        timer.stop();
    }
}
