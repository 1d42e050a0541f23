package io.potok.broker.quota;

/**
 * A byte rate bound over a sliding window of samples, as Kafka measures its quotas: the replication quotas
 * ({@code replication.quota.window.num} samples of {@code replication.quota.window.size.seconds}) and the client
 * quotas ({@code quota.window.num} of {@code quota.window.size.seconds}). The rate is the bytes of the samples in the
 * window over the time they cover, at least all but one full sample, so a fresh quota does not call a first burst
 * infinitely fast.
 *
 * <p>Thread-safety: all methods are synchronized; the bound may change at any time (a dynamic broker config).
 */
public final class RateQuota {
    private final long sampleMs;
    private final long[] bytes;
    private final long[] startMs;
    private int current;
    private volatile long boundBytesPerSecond = Long.MAX_VALUE;

    public RateQuota(int samples, long sampleMs) {
        if (samples < 1 || sampleMs < 1) {
            throw new IllegalArgumentException("a quota needs at least 1 sample of at least 1 ms");
        }
        this.sampleMs = sampleMs;
        this.bytes = new long[samples];
        this.startMs = new long[samples];
        java.util.Arrays.fill(startMs, Long.MIN_VALUE);
    }

    public void setBound(long bytesPerSecond) {
        this.boundBytesPerSecond = bytesPerSecond;
    }

    public long bound() {
        return boundBytesPerSecond;
    }

    public synchronized void record(long count, long nowMs) {
        roll(nowMs);
        bytes[current] += count;
    }

    /**
     * True when the bytes recorded in the window exceed the bound. Asked on every follower fetch: without a bound it
     * answers from the volatile bound alone, without taking the lock.
     */
    public boolean isExceeded(long nowMs) {
        long bound = boundBytesPerSecond;
        if (bound == Long.MAX_VALUE) {
            return false;
        }
        return rate(nowMs) > bound;
    }

    /**
     * Records {@code count} and answers how long the client must wait for the rate to come back to the bound
     * (Kafka's {@code QuotaUtils.throttleTime}: the excess over the bound, as a share of the bound, times the window;
     * not capped, as Kafka does not cap byte-rate throttles); 0 within the bound.
     */
    public synchronized long recordAndThrottleMs(long count, long nowMs) {
        record(count, nowMs);
        long bound = boundBytesPerSecond;
        if (bound == Long.MAX_VALUE) {
            return 0;
        }
        double rate = rate(nowMs);
        if (rate <= bound) {
            return 0;
        }
        return (long) Math.min(Integer.MAX_VALUE, (rate - bound) / bound * elapsedMs(nowMs));
    }

    /** True if nothing was recorded for {@code idleMs}. */
    public synchronized boolean idleSince(long nowMs, long idleMs) {
        return startMs[current] == Long.MIN_VALUE || nowMs - startMs[current] > idleMs;
    }

    /** The time the window's samples cover: at least all but one full sample, and at least 1 ms. */
    private long elapsedMs(long nowMs) {
        return Math.max(1, Math.max(nowMs - oldestSampleMs(nowMs), sampleMs * (bytes.length - 1)));
    }

    /** Bytes per second over the window. */
    public synchronized double rate(long nowMs) {
        roll(nowMs);
        long total = 0;
        long windowMs = sampleMs * bytes.length;
        for (int i = 0; i < bytes.length; i++) {
            if (startMs[i] != Long.MIN_VALUE && nowMs - startMs[i] < windowMs) {
                total += bytes[i];
            }
        }
        return total * 1000.0 / elapsedMs(nowMs);
    }

    private long oldestSampleMs(long nowMs) {
        long oldest = nowMs;
        long windowMs = sampleMs * bytes.length;
        for (int i = 0; i < bytes.length; i++) {
            if (startMs[i] != Long.MIN_VALUE && nowMs - startMs[i] < windowMs) {
                oldest = Math.min(oldest, startMs[i]);
            }
        }
        return oldest;
    }

    private void roll(long nowMs) {
        if (startMs[current] != Long.MIN_VALUE && nowMs < startMs[current] + sampleMs) {
            return;
        }
        current = (current + 1) % bytes.length;
        bytes[current] = 0;
        startMs[current] = nowMs - Math.floorMod(nowMs, sampleMs);
    }
}
