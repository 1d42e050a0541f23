package io.potok.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Scheduler} backed by a small pool of daemon threads. A task that throws is logged and, if periodic, keeps its
 * schedule: one failing retention pass must not stop retention forever.
 *
 * <p>Thread-safe.
 */
final class BackgroundScheduler implements Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundScheduler.class);

    private final ScheduledThreadPoolExecutor executor;

    BackgroundScheduler(int threads, String threadNamePrefix) {
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, threadNamePrefix + counter.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void scheduleOnce(String name, Runnable task, long delayMs) {
        if (executor.isShutdown()) {
            LOG.debug("Scheduler is shut down, not running {}", name);
            return;
        }
        executor.schedule(guarded(name, task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void schedulePeriodic(String name, Runnable task, long initialDelayMs, long periodMs) {
        if (executor.isShutdown()) {
            return;
        }
        executor.scheduleAtFixedRate(guarded(name, task), Math.max(0, initialDelayMs), periodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Background tasks did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("Background task {} failed", name, t);
            }
        };
    }
}
