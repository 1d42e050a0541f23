package io.potok.storage;

import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A clock that only moves when a test says so; {@link #sleep} advances it and runs due scheduler tasks. */
final class MockTime implements Time {

    private long nowMs;
    private final List<MockScheduler> listeners = new ArrayList<>();

    MockTime() {
        this(1_700_000_000_000L);
    }

    MockTime(long startMs) {
        this.nowMs = startMs;
    }

    void register(MockScheduler scheduler) {
        listeners.add(scheduler);
    }

    @Override
    public synchronized long milliseconds() {
        return nowMs;
    }

    @Override
    public synchronized long nanoseconds() {
        return TimeUnit.MILLISECONDS.toNanos(nowMs);
    }

    @Override
    public void sleep(long ms) {
        synchronized (this) {
            nowMs += ms;
        }
        for (MockScheduler scheduler : listeners) {
            scheduler.tick();
        }
    }
}
