package io.potok.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Runs scheduled tasks synchronously when {@link MockTime} reaches their due time. */
final class MockScheduler implements Scheduler {

    private record Task(String name, Runnable task, long dueMs, long periodMs) {
    }

    private final MockTime time;
    private final List<Task> tasks = new ArrayList<>();
    private boolean shutdown;

    MockScheduler(MockTime time) {
        this.time = time;
        time.register(this);
    }

    @Override
    public synchronized void scheduleOnce(String name, Runnable task, long delayMs) {
        if (!shutdown) {
            tasks.add(new Task(name, task, time.milliseconds() + delayMs, -1));
        }
    }

    @Override
    public synchronized void schedulePeriodic(String name, Runnable task, long initialDelayMs, long periodMs) {
        if (!shutdown) {
            tasks.add(new Task(name, task, time.milliseconds() + initialDelayMs, periodMs));
        }
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        tasks.clear();
    }

    synchronized int pendingTasks() {
        return tasks.size();
    }

    /** Runs every task that is due, including tasks scheduled by tasks. */
    void tick() {
        while (true) {
            Task next;
            synchronized (this) {
                long now = time.milliseconds();
                next = tasks.stream().filter(t -> t.dueMs() <= now).min(Comparator.comparingLong(Task::dueMs))
                    .orElse(null);
                if (next == null) {
                    return;
                }
                tasks.remove(next);
                if (next.periodMs() > 0) {
                    tasks.add(new Task(next.name(), next.task(), next.dueMs() + next.periodMs(), next.periodMs()));
                }
            }
            next.task().run();
        }
    }
}
