package io.potok.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs test tasks (starting or stopping nodes) at the same time, each on a thread of its own rather than the common
 * pool, which has one thread on a 2-core machine: nodes starting one after another would each wait for a quorum that
 * never forms.
 */
public final class Parallel {
    private Parallel() {
    }

    /** Runs every task and waits for all; the first failure is thrown with the others suppressed in it. */
    public static void run(String threadName, List<Runnable> tasks) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (Runnable task : tasks) {
            futures.add(CompletableFuture.runAsync(task, r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                t.start();
            }));
        }
        RuntimeException failure = null;
        for (CompletableFuture<Void> f : futures) {
            try {
                f.join();
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
