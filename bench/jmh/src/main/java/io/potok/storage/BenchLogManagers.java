package io.potok.storage;

import org.apache.kafka.common.utils.Time;

import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark-only access to package-private storage wiring (this class lives in the benchmark jar, not in
 * potok-storage). It builds a {@link LogManager} whose scheduler drops the asynchronous "fsync the previous segment on
 * roll" task, so that a benchmark measures appends to the page cache with no fsync at all, like its raw
 * {@code FileChannel} baseline. Every other background task (segment deletion in particular) runs normally.
 */
public final class BenchLogManagers {

    private static final String ROLL_FLUSH_TASK_PREFIX = "flush-log-";

    private BenchLogManagers() {
    }

    /**
     * A started log manager on {@code dir} with the cleaner off and periodic checkpoints effectively disabled.
     *
     * @param fsyncOnRoll keep Potok's default background fsync of a segment when it is rolled
     */
    public static LogManager start(Path dir, boolean fsyncOnRoll) throws java.io.IOException {
        LogManagerConfig config = new LogManagerConfig(List.of(dir), 1, 24L * 3600 * 1000, Long.MAX_VALUE,
            24L * 3600 * 1000, false, 15_000L);
        Scheduler background = new BackgroundScheduler(2, "potok-bench-scheduler-");
        Scheduler scheduler = fsyncOnRoll ? background : new Scheduler() {
            @Override
            public void scheduleOnce(String name, Runnable task, long delayMs) {
                if (!name.startsWith(ROLL_FLUSH_TASK_PREFIX)) {
                    background.scheduleOnce(name, task, delayMs);
                }
            }

            @Override
            public void schedulePeriodic(String name, Runnable task, long initialDelayMs, long periodMs) {
                background.schedulePeriodic(name, task, initialDelayMs, periodMs);
            }

            @Override
            public void shutdown() {
                background.shutdown();
            }
        };
        LogManager manager = new LogManager(config, Time.SYSTEM, scheduler);
        manager.startup(tp -> LogConfig.DEFAULT);
        return manager;
    }
}
