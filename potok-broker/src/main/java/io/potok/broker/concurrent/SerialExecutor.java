package io.potok.broker.concurrent;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. A connection uses one so that
 * its pipelined produce requests reach the log in the order they were sent; a group coordinator
 * shard uses one so that its state needs no locks. Different instances still run in parallel.
 *
 * <p>Thread-safety: {@link #execute} may be called from any thread; tasks never overlap. A task
 * that throws is logged and does not stop the ones after it.
 */
public final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final String name;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this

    /** {@code name} says whose tasks these are, in the log line of a failed task. */
    public SerialExecutor(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            pool.execute(this::drain);
        }
    }

    /**
     * Runs {@code task} on the calling thread when nothing of this executor is queued or running (the order of tasks
     * is kept either way), else queues it.
     */
    public void executeHereIfIdle(Runnable task) {
        synchronized (this) {
            if (running) {
                tasks.add(task);
                return;
            }
            running = true;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("A task of {} failed", name, e);
        }
        synchronized (this) {
            if (tasks.isEmpty()) {
                running = false;
            } else {
                pool.execute(this::drain);
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                log.error("A task of {} failed", name, e);
            }
        }
    }
}
