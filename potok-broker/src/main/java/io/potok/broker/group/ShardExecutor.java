package io.potok.broker.group;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one coordinator shard's tasks one at a time, in submission order, on a shared pool, so that
 * the shard's state needs no locks while shards still run in parallel.
 *
 * <p>Thread-safety: {@link #execute} may be called from any thread; tasks never overlap.
 */
final class ShardExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(ShardExecutor.class);

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this

    ShardExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            pool.execute(this::drain);
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
                log.error("Group coordinator task failed", e);
            }
        }
    }
}
