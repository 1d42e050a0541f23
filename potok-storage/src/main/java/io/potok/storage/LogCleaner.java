package io.potok.storage;

import io.potok.storage.checkpoint.OffsetCheckpointFile;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Background compaction of logs whose cleanup.policy contains compact (Kafka's LogCleaner with one cleaner thread).
 *
 * <p>Each round picks the "filthiest" log: the highest ratio of dirty bytes (not yet compacted, closed and older than
 * min.compaction.lag.ms) to total bytes, among logs whose ratio reaches min.cleanable.dirty.ratio, whose dirty data is
 * older than max.compaction.lag.ms, or whose retained tombstones have passed their delete horizon. It then runs a
 * {@link Cleaner} pass and records the new first dirty offset in {@code cleaner-offset-checkpoint} of the log's
 * directory. With nothing to clean the thread waits {@code log.cleaner.backoff.ms}.
 *
 * <p>A log whose data cannot be parsed is marked uncleanable (logged, skipped from then on) instead of stopping the
 * thread; an I/O error takes the log's directory offline.
 *
 * <p>Thread-safety: {@link #cleanNow} and the background thread are serialised by one cleaning lock (which also guards
 * the lazily created {@link Cleaner}); the offset and horizon maps are concurrent.
 */
public final class LogCleaner implements AutoCloseable {

    public static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";
    /** Kafka's log.cleaner.dedupe.buffer.size is 128 MiB shared by its threads; one thread here, 32 MiB. */
    public static final int DEFAULT_DEDUPE_BUFFER_BYTES = 32 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final Time time;
    private final long backoffMs;
    private final Supplier<Collection<Log>> logs;
    private final int dedupeBufferBytes;
    private Cleaner cleaner;
    private final Object cleaningLock = new Object();
    private final Object wakeup = new Object();
    private final Map<TopicPartition, Long> firstDirtyOffsets = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> deleteHorizons = new ConcurrentHashMap<>();
    private final Set<TopicPartition> uncleanable = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread thread;

    /**
     * @param logs supplies the logs to consider each round (the LogManager's current logs)
     */
    public LogCleaner(Time time, long backoffMs, int dedupeBufferBytes, Supplier<Collection<Log>> logs) {
        this.time = time;
        this.backoffMs = backoffMs;
        this.logs = logs;
        this.dedupeBufferBytes = dedupeBufferBytes;
    }

    /** Reads {@code cleaner-offset-checkpoint} of a log directory (before {@link #startup()}). */
    public void loadCheckpoint(Path logDir) throws IOException {
        firstDirtyOffsets.putAll(new OffsetCheckpointFile(logDir.resolve(CHECKPOINT_FILE)).read());
    }

    public synchronized void startup() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "potok-log-cleaner-thread-0");
        thread.setDaemon(true);
        thread.start();
    }

    /** Offset below which the log has been compacted, if it was ever cleaned. */
    public Optional<Long> firstDirtyOffset(TopicPartition tp) {
        return Optional.ofNullable(firstDirtyOffsets.get(tp));
    }

    /**
     * Cleans the log now, whatever its dirty ratio (min.compaction.lag.ms still applies). For tests and operators.
     *
     * @return the pass's result, or empty if the log is not compacted or is offline
     */
    public Optional<CleanResult> cleanNow(Log log) {
        if (!log.config().compactEnabled() || log.isOffline()) {
            return Optional.empty();
        }
        synchronized (cleaningLock) {
            return Optional.of(cleanLog(log));
        }
    }

    /** Runs one round of the background thread: cleans the filthiest eligible log, if any. */
    boolean cleanFilthiestLog() {
        synchronized (cleaningLock) {
            long now = time.milliseconds();
            Log filthiest = null;
            double bestRatio = -1;
            for (Log log : logs.get()) {
                if (!log.config().compactEnabled() || log.isOffline() || uncleanable.contains(log.topicPartition())) {
                    continue;
                }
                try {
                    double ratio = eligibleDirtyRatio(log, now);
                    if (ratio > bestRatio) {
                        bestRatio = ratio;
                        filthiest = log;
                    }
                } catch (IOException e) {
                    LOG.warn("Could not measure dirtiness of {}", log.topicPartition(), e);
                }
            }
            if (filthiest == null) {
                return false;
            }
            try {
                // A pass that swapped nothing (the log changed under it) must not make the thread spin.
                return cleanLog(filthiest).segmentsCleaned() > 0;
            } catch (KafkaStorageException e) {
                LOG.error("Cleaning {} failed: its log directory is offline", filthiest.topicPartition(), e);
            } catch (RuntimeException e) {
                LOG.error("Marking {} uncleanable after a cleaning failure", filthiest.topicPartition(), e);
                uncleanable.add(filthiest.topicPartition());
            }
            return true;
        }
    }

    /** Dirty ratio if the log should be cleaned now, else -1. */
    private double eligibleDirtyRatio(Log log, long now) throws IOException {
        LogConfig config = log.config();
        List<LogSegment> segments = log.segmentsSnapshot();
        long firstUncleanable = Cleaner.firstUncleanableOffset(segments, now, config.minCompactionLagMs());
        long firstDirty = firstDirtyOffsets.getOrDefault(log.topicPartition(), log.logStartOffset());
        if (firstDirty < log.logStartOffset() || firstDirty > log.activeSegment().baseOffset()) {
            firstDirty = log.logStartOffset();
        }
        long cleanBytes = 0;
        long dirtyBytes = 0;
        LogSegment firstDirtySegment = null;
        for (int i = 0; i < segments.size() - 1; i++) {
            LogSegment segment = segments.get(i);
            long nextBase = segments.get(i + 1).baseOffset();
            if (nextBase <= firstDirty) {
                cleanBytes += segment.size();
            } else if (segment.baseOffset() < firstUncleanable) {
                dirtyBytes += segment.size();
                if (firstDirtySegment == null) {
                    firstDirtySegment = segment;
                }
            }
        }
        Long horizon = deleteHorizons.get(log.topicPartition());
        boolean tombstonesExpired = horizon != null && horizon <= now;
        if (dirtyBytes == 0 && !tombstonesExpired) {
            return -1;
        }
        double ratio = (double) dirtyBytes / Math.max(1, cleanBytes + dirtyBytes);
        boolean lagExceeded = false;
        if (firstDirtySegment != null && config.maxCompactionLagMs() < Long.MAX_VALUE) {
            long firstTimestamp = firstDirtySegment.firstBatchTimestamp();
            long dirtySince = firstTimestamp >= 0 ? firstTimestamp : firstDirtySegment.lastModifiedMs();
            lagExceeded = now - dirtySince > config.maxCompactionLagMs();
        }
        if (ratio >= config.minCleanableDirtyRatio() || lagExceeded || tombstonesExpired) {
            // Forced cleanings (lag, tombstones) rank above ratio-based ones.
            return lagExceeded || tombstonesExpired ? 1 + ratio : ratio;
        }
        return -1;
    }

    private CleanResult cleanLog(Log log) {
        TopicPartition tp = log.topicPartition();
        long firstDirty = firstDirtyOffsets.getOrDefault(tp, log.logStartOffset());
        if (cleaner == null) {
            // Allocated on first use: brokers without compacted topics never pay for the offset map.
            cleaner = new Cleaner(dedupeBufferBytes, time);
        }
        CleanResult result;
        try {
            result = cleaner.clean(log, firstDirty);
        } catch (IOException e) {
            if (log.isClosed()) {
                // Deleted (or shut down) while being cleaned: nothing to report.
                LOG.info("Abandoned cleaning of {}: the log was closed", tp);
                return new CleanResult(firstDirty, firstDirty, 0, 0, 0, 0, 0, OptionalLong.empty());
            }
            throw log.cleanerFailure("Error while cleaning " + tp, e);
        }
        firstDirtyOffsets.put(tp, result.endOffset());
        if (result.earliestDeleteHorizonMs().isPresent()) {
            deleteHorizons.put(tp, result.earliestDeleteHorizonMs().getAsLong());
        } else {
            deleteHorizons.remove(tp);
        }
        LOG.info("Cleaned {}: {} segment(s), {} of {} records retained, {} -> {} bytes, dirty section [{}, {})", tp,
            result.segmentsCleaned(), result.recordsRetained(), result.recordsRead(), result.bytesRead(),
            result.bytesWritten(), result.firstDirtyOffset(), result.endOffset());
        Path logDir = log.dir().getParent();
        try {
            writeCheckpoint(logDir);
        } catch (IOException e) {
            throw log.cleanerFailure("Error while writing " + CHECKPOINT_FILE + " in " + logDir, e);
        }
        return result;
    }

    /** Writes the first dirty offsets of the logs currently in {@code logDir}. */
    void writeCheckpoint(Path logDir) throws IOException {
        synchronized (cleaningLock) {
            writeCheckpointLocked(logDir);
        }
    }

    private void writeCheckpointLocked(Path logDir) throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Log log : logs.get()) {
            if (log.dir().getParent().equals(logDir)) {
                Long offset = firstDirtyOffsets.get(log.topicPartition());
                if (offset != null) {
                    offsets.put(log.topicPartition(), offset);
                }
            }
        }
        new OffsetCheckpointFile(logDir.resolve(CHECKPOINT_FILE)).write(offsets);
    }

    /** Forgets a deleted or truncated partition's cleaning progress. */
    public void forget(TopicPartition tp) {
        synchronized (cleaningLock) {
            firstDirtyOffsets.remove(tp);
            deleteHorizons.remove(tp);
            uncleanable.remove(tp);
        }
    }

    private void run() {
        LOG.info("Log cleaner started");
        while (running) {
            boolean cleaned = false;
            try {
                cleaned = cleanFilthiestLog();
            } catch (RuntimeException e) {
                LOG.error("Log cleaner round failed", e);
            }
            if (!cleaned) {
                synchronized (wakeup) {
                    if (running) {
                        try {
                            wakeup.wait(backoffMs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
        LOG.info("Log cleaner stopped");
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        if (t != null) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
