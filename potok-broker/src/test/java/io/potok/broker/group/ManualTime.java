package io.potok.broker.group;

import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/** A {@link Time} that moves only when a test says so. */
final class ManualTime implements Time {
    private long nowMs = 1_700_000_000_000L;

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000L;
    }

    @Override
    public void sleep(long ms) {
        nowMs += ms;
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        if (!condition.get()) {
            throw new IllegalStateException("ManualTime cannot wait");
        }
    }
}
