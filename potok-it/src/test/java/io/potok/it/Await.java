package io.potok.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition in integration tests, the one way every test does it. */
public final class Await {
    private static final long POLL_MS = 100;

    private Await() {
    }

    /**
     * Polls {@code condition} until it holds, failing with "timed out ... waiting for {@code what}" after
     * {@code timeout}. A RuntimeException from the condition counts as "not yet" (a node stopping or starting refuses
     * connections for a moment); the last one is the failure's cause. Assertion errors go through at once.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
                        + what);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
