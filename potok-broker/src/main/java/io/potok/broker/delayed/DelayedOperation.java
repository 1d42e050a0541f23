package io.potok.broker.delayed;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;

/**
 * A request parked until something happens on one of its partitions or its deadline passes.
 * Completes exactly once: whichever of {@link #tryComplete} or the timeout wins.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();
    private final Set<TopicPartition> watched;
    private final long delayMs;

    protected DelayedOperation(Set<TopicPartition> watched, long delayMs) {
        this.watched = Set.copyOf(watched);
        this.delayMs = delayMs;
    }

    public Set<TopicPartition> watched() {
        return watched;
    }

    public long delayMs() {
        return delayMs;
    }

    /** Checks whether the operation can finish now (for example enough bytes arrived). */
    protected abstract boolean canComplete();

    /** Sends the response; {@code expired} tells whether the deadline forced it. Runs once. */
    protected abstract void onComplete(boolean expired);

    /** Completes if {@link #canComplete()} holds; returns true if this call completed it. */
    public boolean tryComplete() {
        if (isCompleted() || !canComplete()) {
            return false;
        }
        return forceComplete(false);
    }

    boolean forceComplete(boolean expired) {
        if (completed.compareAndSet(false, true)) {
            onComplete(expired);
            return true;
        }
        return false;
    }

    public boolean isCompleted() {
        return completed.get();
    }
}
