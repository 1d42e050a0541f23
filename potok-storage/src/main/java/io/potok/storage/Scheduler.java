package io.potok.storage;

/**
 * Runs storage background work: delayed file deletion, asynchronous flushes and periodic retention/checkpoint tasks.
 * Injected so that tests can run tasks deterministically against a mock clock.
 *
 * <p>Implementations are thread-safe.
 */
interface Scheduler {

    /** Runs {@code task} once after {@code delayMs}. */
    void scheduleOnce(String name, Runnable task, long delayMs);

    /** Runs {@code task} every {@code periodMs} after {@code initialDelayMs}. */
    void schedulePeriodic(String name, Runnable task, long initialDelayMs, long periodMs);

    /** Stops accepting tasks and waits for running ones; pending delayed tasks are dropped. */
    void shutdown();
}
