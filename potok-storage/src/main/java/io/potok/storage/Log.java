package io.potok.storage;

import io.potok.storage.ProducerStateEntry.BatchMetadata;
import io.potok.storage.checkpoint.AtomicFile;
import io.potok.storage.checkpoint.PartitionMetadataFile;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32C;

/**
 * One partition's log: an ordered set of {@link LogSegment}s, the last of which takes appends.
 *
 * <p>Invariants: {@code logStartOffset <= logEndOffset}; segments are keyed by base offset, non-overlapping and
 * increasing; the log end offset is published (volatile) only after the bytes and indexes for it are written, together
 * with the active segment's byte position, so a concurrent reader never reads past it. The recovery point (offsets
 * below it are fsynced) never exceeds the log end offset.
 *
 * <p>Thread-safety: appends, rolls, truncation, retention, record deletion and segment swaps are serialised by one
 * lock per log; reads, timestamp lookups and size queries do not take it and run concurrently with appends. Segments
 * removed from the log stay readable until their files are deleted {@code file.delete.delay.ms} later, which covers
 * reads that raced with the removal.
 *
 * <p>An I/O error marks the log offline, reports its log directory to the {@link LogDirFailureHandler}, and surfaces as
 * {@link KafkaStorageException}.
 */
public final class Log {

    private static final Logger LOG = LoggerFactory.getLogger(Log.class);
    private static final int MAX_READ_ATTEMPTS = 3;

    private final Object lock = new Object();
    private final TopicPartition topicPartition;
    private final Path dir;
    private final Time time;
    private final Scheduler scheduler;
    private final LogDirFailureHandler failureHandler;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final ProducerStateManager producerState;
    private final io.potok.storage.epoch.LeaderEpochCache epochCache;
    private final Random jitterRandom = new Random();
    private final CRC32C crc = new CRC32C();
    private volatile LogConfig config;
    private volatile EndOffset endOffset;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile long lastFlushedMs;
    private volatile boolean offline;
    private volatile boolean closed;
    private volatile boolean dirNeedsFsync;
    /** From {@code partition.metadata}; null until known (a log made before topic ids were recorded, or a lost file). */
    private volatile Uuid topicId;

    /** The log end offset with where its bytes end, read as one unit by readers. */
    private record EndOffset(long offset, long segmentBaseOffset, int position) {
    }

    private Log(TopicPartition topicPartition, Path dir, LogConfig config, Time time, Scheduler scheduler,
                LogDirFailureHandler failureHandler, ProducerStateManager producerState,
                LogLoader.LoadedLog loaded) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.failureHandler = failureHandler;
        this.producerState = producerState;
        this.segments = loaded.segments();
        this.logStartOffset = loaded.logStartOffset();
        this.recoveryPoint = loaded.recoveryPoint();
        LogSegment active = segments.lastEntry().getValue();
        this.endOffset = new EndOffset(loaded.logEndOffset(), active.baseOffset(), active.size());
        this.lastFlushedMs = time.milliseconds();
        this.epochCache = io.potok.storage.epoch.LeaderEpochCache.load(dir);
        // Recovery may have cut the log short of epochs the checkpoint still lists.
        this.epochCache.truncateFromEnd(loaded.logEndOffset());
    }

    private static Uuid readTopicId(Path dir, TopicPartition topicPartition) {
        try {
            return new PartitionMetadataFile(dir).read().orElse(null);
        } catch (IOException e) {
            LOG.warn("{}: cannot read {}; its topic id is taken as unknown", topicPartition,
                dir.resolve(PartitionMetadataFile.FILE_NAME), e);
            return null;
        }
    }

    /**
     * Opens (and if needed recovers) the log in {@code dir}, creating it when empty.
     *
     * @param recoveryPoint     offsets below this were fsynced (from the recovery-point checkpoint, 0 if unknown)
     * @param logStartOffset    from the log-start-offset checkpoint (0 if unknown)
     * @param hadCleanShutdown  whether the log dir had the clean shutdown marker
     */
    static Log load(Path dir, TopicPartition topicPartition, LogConfig config, long recoveryPoint, long logStartOffset,
                    boolean hadCleanShutdown, Time time, Scheduler scheduler, LogDirFailureHandler failureHandler)
        throws IOException {
        Files.createDirectories(dir);
        ProducerStateManager producerState = new ProducerStateManager(dir);
        Random random = new Random();
        LogLoader.LoadedLog loaded = LogLoader.load(dir, topicPartition, config, time, recoveryPoint, logStartOffset,
            hadCleanShutdown, producerState, () -> rollJitter(config, random));
        Log log = new Log(topicPartition, dir, config, time, scheduler, failureHandler, producerState, loaded);
        log.topicId = readTopicId(dir, topicPartition);
        return log;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    /** The id of the topic this log belongs to, as recorded in its {@code partition.metadata}, if known. */
    public Optional<Uuid> topicId() {
        return Optional.ofNullable(topicId);
    }

    /**
     * Records the id of the topic this log belongs to. The broker calls it whenever it hosts the log for a topic of
     * the metadata; a log that belongs to another topic of the same name must have been deleted before.
     *
     * @throws IllegalStateException if the log already belongs to another topic id
     */
    public void assignTopicId(Uuid id) {
        if (id.equals(topicId)) {
            return;
        }
        synchronized (lock) {
            Uuid current = topicId;
            if (id.equals(current)) {
                return;
            }
            if (current != null) {
                throw new IllegalStateException(topicPartition + " belongs to topic id " + current + ", not " + id);
            }
            checkUsable();
            try {
                new PartitionMetadataFile(dir).write(id);
            } catch (IOException e) {
                throw failure("Error while writing the topic id of " + topicPartition, e);
            }
            topicId = id;
        }
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return endOffset.offset();
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    public long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    public int numberOfSegments() {
        return segments.size();
    }

    public boolean isOffline() {
        return offline;
    }

    public Optional<ProducerStateEntry> producerState(long producerId) {
        return producerState.lastEntry(producerId);
    }

    /** Every idempotent producer this log knows, as of now (DescribeProducers). */
    public List<ProducerStateEntry> activeProducers() {
        return producerState.entries();
    }

    // ------------------------------------------------------------------------------------------------ appends

    /**
     * Validates producer batches and appends them, assigning offsets in place. See the class documentation of
     * {@link LogValidator} for the checks; idempotent producers are checked by {@link ProducerStateManager}.
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        LogConfig cfg = config;
        ByteBuffer buf = records.buffer();
        LogValidator.ValidatedBatches validated = LogValidator.validateForLeader(buf, cfg);
        synchronized (lock) {
            checkUsable();
            if (validated.batches().isEmpty()) {
                return new LogAppendInfo(-1, -1, -1, logStartOffset, 0, 0, false);
            }
            boolean logAppendTime = cfg.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
            Optional<BatchMetadata> duplicate = producerState.checkLeaderAppend(validated.batches());
            if (duplicate.isPresent()) {
                BatchMetadata original = duplicate.get();
                return new LogAppendInfo(original.firstOffset(), original.lastOffset(),
                    logAppendTime ? original.timestampMs() : -1, logStartOffset,
                    (int) (original.lastOffset() - original.firstOffset() + 1), 0, true);
            }
            long now = time.milliseconds();
            long nextOffset = endOffset.offset();
            long firstOffset = nextOffset;
            long maxTimestamp = BatchHeader.NO_TIMESTAMP;
            List<BatchHeader> assigned = new ArrayList<>(validated.batches().size());
            for (int i = 0; i < validated.batches().size(); i++) {
                BatchHeader original = validated.batches().get(i);
                int at = validated.positions()[i];
                BatchHeader.writeBaseOffset(buf, at, nextOffset);
                BatchHeader.writePartitionLeaderEpoch(buf, at, leaderEpoch);
                if (logAppendTime) {
                    BatchHeader.writeMaxTimestamp(buf, at, original.sizeInBytes(), TimestampType.LOG_APPEND_TIME, now,
                        crc);
                } else if (original.timestampType() != TimestampType.CREATE_TIME
                    || validated.computedMaxTimestamps()[i] != original.maxTimestamp()) {
                    BatchHeader.writeMaxTimestamp(buf, at, original.sizeInBytes(), TimestampType.CREATE_TIME,
                        validated.computedMaxTimestamps()[i], crc);
                }
                BatchHeader header = BatchHeader.parse(buf, at);
                assigned.add(header);
                maxTimestamp = Math.max(maxTimestamp, header.maxTimestamp());
                nextOffset = header.nextOffset();
            }
            int start = validated.positions()[0];
            ByteBuffer data = buf.duplicate().limit(start + validated.validBytes()).position(start);
            epochCache.assign(leaderEpoch, firstOffset);
            appendToActiveSegment(data, assigned, firstOffset, nextOffset - 1, maxTimestamp, validated.validBytes(),
                now);
            producerState.update(assigned);
            maybeFlushAfterAppend(cfg);
            return new LogAppendInfo(firstOffset, nextOffset - 1, logAppendTime ? now : -1, logStartOffset,
                validated.recordCount(), validated.validBytes(), false);
        }
    }

    /**
     * Appends batches that already carry offsets (replication). The first batch must start after the current log end
     * offset; producer state is updated without checks.
     */
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        ByteBuffer buf = records.buffer();
        LogValidator.ValidatedBatches validated = LogValidator.validateForFollower(buf);
        synchronized (lock) {
            checkUsable();
            if (validated.batches().isEmpty()) {
                return new LogAppendInfo(-1, -1, -1, logStartOffset, 0, 0, false);
            }
            List<BatchHeader> batches = validated.batches();
            long firstOffset = batches.get(0).baseOffset();
            long lastOffset = batches.get(batches.size() - 1).lastOffset();
            long leo = endOffset.offset();
            if (firstOffset < leo) {
                throw new UnexpectedAppendOffsetException("First offset " + firstOffset + " of the follower append to "
                    + topicPartition + " is below the log end offset " + leo, firstOffset, leo);
            }
            long maxTimestamp = BatchHeader.NO_TIMESTAMP;
            for (BatchHeader batch : batches) {
                maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            }
            int start = validated.positions()[0];
            ByteBuffer data = buf.duplicate().limit(start + validated.validBytes()).position(start);
            for (BatchHeader batch : batches) {
                epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
            appendToActiveSegment(data, batches, firstOffset, lastOffset, maxTimestamp, validated.validBytes(),
                time.milliseconds());
            producerState.update(batches);
            maybeFlushAfterAppend(config);
            return new LogAppendInfo(firstOffset, lastOffset, -1, logStartOffset, validated.recordCount(),
                validated.validBytes(), false);
        }
    }

    private void appendToActiveSegment(ByteBuffer data, List<BatchHeader> batches, long firstOffset, long lastOffset,
                                       long maxTimestamp, int sizeInBytes, long nowMs) {
        try {
            LogSegment segment = maybeRoll(sizeInBytes, maxTimestamp, firstOffset, lastOffset, nowMs);
            segment.append(data, batches);
            endOffset = new EndOffset(lastOffset + 1, segment.baseOffset(), segment.size());
        } catch (IOException e) {
            throw failure("Error while appending to " + topicPartition + " in " + dir, e);
        }
    }

    private void maybeFlushAfterAppend(LogConfig cfg) {
        if (endOffset.offset() - recoveryPoint >= cfg.flushMessages()) {
            flush();
        }
    }

    private LogSegment maybeRoll(int messagesSize, long maxTimestampInMessages, long firstOffset,
                                 long maxOffsetInMessages, long nowMs) throws IOException {
        LogSegment active = activeSegment();
        LogConfig cfg = config;
        if (active.shouldRoll(cfg.maxSegmentMs(), cfg.segmentBytes(), maxTimestampInMessages, maxOffsetInMessages,
            messagesSize, nowMs)) {
            return roll(firstOffset);
        }
        return active;
    }

    /** Rolls to a new active segment starting at the log end offset (for tests and operators). */
    void roll() {
        synchronized (lock) {
            checkUsable();
            try {
                roll(endOffset.offset());
            } catch (IOException e) {
                throw failure("Error while rolling " + topicPartition, e);
            }
        }
    }

    /**
     * Makes a new segment at {@code newBaseOffset} the active one. The previous segment gets its final time index
     * entry and trimmed indexes now, and is fsynced in the background.
     */
    private LogSegment roll(long newBaseOffset) throws IOException {
        LogSegment active = activeSegment();
        long base = Math.max(newBaseOffset, endOffset.offset());
        if (active.size() == 0) {
            if (active.baseOffset() == base) {
                return active;
            }
            // An empty segment cannot hold the next offsets (follower offset jump): replace it.
            segments.remove(active.baseOffset());
            active.deleteIfExists();
        } else {
            active.onBecomeInactiveSegment();
        }
        LogConfig cfg = config;
        LogSegment fresh = LogSegment.create(dir, base, cfg, time, "", cfg.preallocate(), rollJitter(cfg, jitterRandom));
        segments.put(base, fresh);
        dirNeedsFsync = true;
        producerState.updateMapEndOffset(base);
        producerState.takeSnapshot(false);
        endOffset = new EndOffset(endOffset.offset(), base, 0);
        LOG.debug("{}: rolled new segment at offset {}", topicPartition, base);
        if (active.size() > 0) {
            scheduler.scheduleOnce("flush-log-" + topicPartition, () -> flushUpTo(base), 0);
        }
        return fresh;
    }

    private static long rollJitter(LogConfig config, Random random) {
        long jitter = config.segmentJitterMs();
        if (jitter == 0) {
            return 0;
        }
        return Math.floorMod(random.nextLong(), Math.min(jitter, config.segmentMs()));
    }

    // ------------------------------------------------------------------------------------------------ reads

    /**
     * Reads whole batches starting at the batch containing {@code startOffset}.
     *
     * @throws OffsetOutOfRangeException if {@code startOffset} is below the log start offset or beyond the end
     */
    public FetchDataInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        FetchDataInfo empty = new FetchDataInfo(startOffset, MemoryRecords.EMPTY);
        return readFromSegments(startOffset, maxOffsetExclusive, empty, (segment, maxPosition, segmentEndOffset,
                upperBound) -> segment.read(startOffset, maxBytes, maxPosition, upperBound, minOneMessage));
    }

    /**
     * Same batches as {@link #read}, returned as a {@link FileSlice} of one segment file rather than copied into the
     * heap: the fetch path sends it with {@code sendfile}. A read never spans two segments (nor does {@link #read}).
     *
     * @throws OffsetOutOfRangeException if {@code startOffset} is below the log start offset or beyond the end
     */
    public FileSlice readSlice(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        return readFromSegments(startOffset, maxOffsetExclusive, FileSlice.EMPTY, (segment, maxPosition,
                segmentEndOffset, upperBound) -> segment.readSlice(startOffset, maxBytes, maxPosition, segmentEndOffset,
                upperBound, minOneMessage));
    }

    /** One segment's part of a read: null when the segment holds nothing from the start offset on. */
    @FunctionalInterface
    private interface SegmentRead<T> {
        T read(LogSegment segment, long maxPosition, long segmentEndOffset, long upperBound) throws IOException;
    }

    /**
     * The walk {@link #read} and {@link #readSlice} share: checks {@code startOffset} against the log's bounds, then
     * asks the segments from the one containing it on, up to the end offset read at the start (so a concurrent append
     * is either wholly in or out), until one returns something. A segment that the cleaner or retention replaced
     * under the read is looked up again.
     */
    private <T> T readFromSegments(long startOffset, long maxOffsetExclusive, T empty, SegmentRead<T> segmentRead) {
        for (int attempt = 1; ; attempt++) {
            checkUsable();
            EndOffset end = endOffset;
            long startBoundary = logStartOffset;
            if (startOffset == end.offset()) {
                return empty;
            }
            if (startOffset < startBoundary || startOffset > end.offset()) {
                throw new OffsetOutOfRangeException("Received request for offset " + startOffset + " for partition "
                    + topicPartition + ", but we only have log segments in the range " + startBoundary + " to "
                    + end.offset() + ".");
            }
            long upperBound = Math.min(maxOffsetExclusive, end.offset());
            if (startOffset >= upperBound) {
                return empty;
            }
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
            LogSegment segment = null;
            try {
                while (entry != null && entry.getKey() <= end.segmentBaseOffset()) {
                    segment = entry.getValue();
                    boolean active = segment.baseOffset() == end.segmentBaseOffset();
                    long maxPosition = active ? end.position() : segment.size();
                    Long next = active ? null : segments.higherKey(segment.baseOffset());
                    long segmentEndOffset = active ? end.offset() : next == null ? Long.MAX_VALUE : next;
                    T result = segmentRead.read(segment, maxPosition, segmentEndOffset, upperBound);
                    if (result != null) {
                        return result;
                    }
                    entry = segments.higherEntry(segment.baseOffset());
                }
                return empty;
            } catch (IOException | IllegalStateException e) {
                // IllegalStateException: the segment's index was closed by a concurrent deletion.
                if (segment != null && !isCurrent(segment) && attempt < MAX_READ_ATTEMPTS) {
                    // The segment was deleted or replaced by the cleaner while we read it: look again.
                    LOG.debug("{}: retrying read of offset {} after segment {} went away", topicPartition, startOffset,
                        segment.baseOffset(), e);
                    continue;
                }
                if (e instanceof IllegalStateException closedIndex) {
                    throw closedIndex;
                }
                throw readFailure("Error while reading offset " + startOffset + " of " + topicPartition, (IOException) e);
            }
        }
    }

    /** First offset whose record timestamp is {@code >= timestampMs}, located through the time indexes. */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestampMs) {
        checkUsable();
        long start = logStartOffset;
        for (LogSegment segment : segments.values()) {
            if (segment.maxTimestampSoFar() >= timestampMs) {
                try {
                    Optional<TimestampAndOffset> found = segment.findOffsetByTimestamp(timestampMs, start);
                    if (found.isPresent()) {
                        return found;
                    }
                } catch (IOException e) {
                    if (!isCurrent(segment)) {
                        continue; // deleted by retention meanwhile: its records are gone anyway
                    }
                    throw readFailure("Error while searching " + topicPartition + " by timestamp", e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The record with the largest timestamp (ListOffsets MAX_TIMESTAMP); empty for an empty log, and
     * {@code (-1, -1)} when no record carries a timestamp.
     */
    public Optional<TimestampAndOffset> maxTimestampAndOffset() {
        checkUsable();
        if (logStartOffset >= logEndOffset()) {
            return Optional.empty();
        }
        LogSegment best = null;
        for (LogSegment segment : segments.values()) {
            if (best == null || segment.maxTimestampSoFar() > best.maxTimestampSoFar()) {
                best = segment;
            }
        }
        if (best == null || best.maxTimestampSoFar() < 0) {
            return Optional.of(new TimestampAndOffset(BatchHeader.NO_TIMESTAMP, -1, Optional.empty()));
        }
        try {
            return best.maxTimestampRecord();
        } catch (IOException e) {
            throw readFailure("Error while reading the max timestamp of " + topicPartition, e);
        }
    }

    // ------------------------------------------------------------------------------------------------ deletion

    /**
     * DeleteRecords: advances the log start offset to {@code min(offset, logEndOffset)} and asynchronously deletes the
     * segments now entirely below it.
     *
     * @return the new log start offset
     */
    public long deleteRecordsBefore(long offset) {
        if (offset < 0) {
            throw new OffsetOutOfRangeException("Cannot delete records before negative offset " + offset + " in "
                + topicPartition);
        }
        synchronized (lock) {
            checkUsable();
            long target = Math.min(offset, endOffset.offset());
            if (target > logStartOffset) {
                LOG.info("{}: log start offset advanced from {} to {} by DeleteRecords", topicPartition,
                    logStartOffset, target);
                logStartOffset = target;
            }
            deleteSegments((segment, next) -> next.baseOffset() <= logStartOffset, "log start offset breached");
            return logStartOffset;
        }
    }

    /**
     * Applies retention: segments wholly below the log start offset are always deleted; with cleanup.policy
     * containing delete, so are the oldest segments past retention.bytes and those whose largest timestamp is older
     * than retention.ms. The active segment is never deleted.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() {
        synchronized (lock) {
            if (offline || closed) {
                return 0;
            }
            LogConfig cfg = config;
            int deleted = deleteSegments((segment, next) -> next.baseOffset() <= logStartOffset,
                "log start offset breached");
            if (!cfg.deleteEnabled()) {
                return deleted;
            }
            if (cfg.retentionBytes() >= 0) {
                long[] excess = {sizeInBytes() - cfg.retentionBytes()};
                deleted += deleteSegments((segment, next) -> {
                    if (excess[0] - segment.size() >= 0) {
                        excess[0] -= segment.size();
                        return true;
                    }
                    return false;
                }, "retention.bytes " + cfg.retentionBytes() + " breached");
            }
            if (cfg.retentionMs() >= 0) {
                long now = time.milliseconds();
                deleted += deleteSegments((segment, next) -> now - segment.largestTimestamp() > cfg.retentionMs(),
                    "retention.ms " + cfg.retentionMs() + " breached");
            }
            return deleted;
        }
    }

    @FunctionalInterface
    private interface DeletionPredicate {
        boolean test(LogSegment segment, LogSegment next) throws IOException;
    }

    /** Deletes the longest prefix of closed segments matching the predicate. Caller holds the lock. */
    private int deleteSegments(DeletionPredicate predicate, String reason) {
        try {
            List<LogSegment> deletable = new ArrayList<>();
            List<LogSegment> all = new ArrayList<>(segments.values());
            for (int i = 0; i < all.size() - 1; i++) {
                if (!predicate.test(all.get(i), all.get(i + 1))) {
                    break;
                }
                deletable.add(all.get(i));
            }
            if (deletable.isEmpty()) {
                return 0;
            }
            for (LogSegment segment : deletable) {
                segments.remove(segment.baseOffset());
            }
            long newStart = segments.firstKey();
            if (newStart > logStartOffset) {
                logStartOffset = newStart;
            }
            LOG.info("{}: deleting {} segment(s) ({}), log start offset is now {}", topicPartition, deletable.size(),
                reason, logStartOffset);
            asyncDeleteSegments(deletable);
            producerState.deleteSnapshotsBefore(segments.firstKey());
            return deletable.size();
        } catch (IOException e) {
            throw failure("Error while deleting segments of " + topicPartition, e);
        }
    }

    /** Renames the files to {@code .deleted} now and deletes them after file.delete.delay.ms. */
    private void asyncDeleteSegments(List<LogSegment> toDelete) throws IOException {
        for (LogSegment segment : toDelete) {
            segment.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);
        }
        scheduler.scheduleOnce("delete-segments-" + topicPartition, () -> {
            for (LogSegment segment : toDelete) {
                try {
                    segment.deleteIfExists();
                } catch (IOException e) {
                    throw failure("Error while deleting " + segment.logFile(), e);
                }
            }
        }, config.fileDeleteDelayMs());
    }

    /**
     * Removes everything from {@code targetOffset} on (replication). Truncating mid-batch removes that whole batch.
     */
    public void truncateTo(long targetOffset) {
        if (targetOffset < 0) {
            throw new IllegalArgumentException("Cannot truncate " + topicPartition + " to negative offset " + targetOffset);
        }
        synchronized (lock) {
            checkUsable();
            if (targetOffset >= endOffset.offset()) {
                return;
            }
            try {
                if (targetOffset < segments.firstKey()) {
                    truncateFullyAndStartAt(targetOffset);
                    return;
                }
                List<LogSegment> removed = new ArrayList<>(segments.tailMap(targetOffset, false).values());
                for (LogSegment segment : removed) {
                    segments.remove(segment.baseOffset());
                }
                if (!removed.isEmpty()) {
                    asyncDeleteSegments(removed);
                }
                LogSegment active = activeSegment();
                long removedBatchBase = active.truncateTo(targetOffset);
                active.onBecomeActiveSegment();
                // Like Kafka the log then ends at the target, even inside an offset gap; only a batch cut in the
                // middle (never done by replication, which truncates at batch boundaries) ends it earlier.
                long newEnd = removedBatchBase >= 0 && removedBatchBase < targetOffset ? removedBatchBase : targetOffset;
                endOffset = new EndOffset(newEnd, active.baseOffset(), active.size());
                recoveryPoint = Math.min(recoveryPoint, newEnd);
                logStartOffset = Math.min(logStartOffset, newEnd);
                long replayFrom = producerState.truncateAndReload(logStartOffset, newEnd);
                Long from = segments.floorKey(replayFrom);
                for (LogSegment segment : (from == null ? segments : segments.tailMap(from, true)).values()) {
                    segment.forEachBatchFrom(replayFrom, producerState::update);
                }
                producerState.updateMapEndOffset(newEnd);
                epochCache.truncateFromEnd(newEnd);
                LOG.info("{}: truncated to offset {}", topicPartition, newEnd);
            } catch (IOException e) {
                throw failure("Error while truncating " + topicPartition + " to " + targetOffset, e);
            }
        }
    }

    private void truncateFullyAndStartAt(long newOffset) throws IOException {
        List<LogSegment> removed = new ArrayList<>(segments.values());
        segments.clear();
        LogConfig cfg = config;
        LogSegment fresh = LogSegment.create(dir, newOffset, cfg, time, "", cfg.preallocate(),
            rollJitter(cfg, jitterRandom));
        segments.put(newOffset, fresh);
        asyncDeleteSegments(removed);
        dirNeedsFsync = true;
        endOffset = new EndOffset(newOffset, newOffset, 0);
        logStartOffset = newOffset;
        recoveryPoint = newOffset;
        producerState.truncateAndReload(newOffset, newOffset);
        producerState.deleteSnapshotsBefore(Long.MAX_VALUE);
        epochCache.clear();
        LOG.info("{}: truncated fully, log now starts at offset {}", topicPartition, newOffset);
    }

    /**
     * Replication: drops the whole log and starts it empty at {@code newOffset} (a follower that fell
     * below the leader's log start offset).
     */
    public void truncateFullyAndRestartAt(long newOffset) {
        synchronized (lock) {
            checkUsable();
            try {
                truncateFullyAndStartAt(newOffset);
            } catch (IOException e) {
                throw failure("Error while restarting " + topicPartition + " at " + newOffset, e);
            }
        }
    }

    /**
     * A new leader records that its epoch starts at the current log end offset, before it appends
     * anything (Kafka's {@code maybeAssignEpochStartOffset}): followers that diverged then learn
     * where the leader's history ends even if the leader has not written yet.
     */
    public void assignEpochStartOffset(int leaderEpoch) {
        synchronized (lock) {
            checkUsable();
            epochCache.assign(leaderEpoch, endOffset.offset());
        }
    }

    /** The latest leader epoch that wrote to this log, or -1. */
    public int latestEpoch() {
        return epochCache.latestEpoch();
    }

    /** Where {@code epoch} ends in this log (OffsetsForLeaderEpoch). */
    public io.potok.storage.epoch.EpochEndOffset endOffsetForEpoch(int epoch) {
        return epochCache.endOffsetFor(epoch, endOffset.offset());
    }

    // ------------------------------------------------------------------------------------------------ flush

    /** Fsyncs everything appended so far and advances the recovery point. */
    public void flush() {
        checkUsable();
        flushUpTo(endOffset.offset());
    }

    /** Fsyncs if flush.ms has passed since the last flush (called by the flush scheduler). */
    void flushIfDue(long nowMs) {
        if (nowMs - lastFlushedMs >= config.flushMs()) {
            flush();
        }
    }

    long lastFlushedMs() {
        return lastFlushedMs;
    }

    /**
     * Fsyncs the segments holding offsets in {@code [recoveryPoint, offset)}. The fsync itself runs without the log
     * lock so that appends continue meanwhile; only the recovery point update is locked.
     */
    private void flushUpTo(long offset) {
        long from = recoveryPoint;
        if (offset <= from || offline || closed) {
            return;
        }
        Long firstBase = segments.floorKey(from);
        Collection<LogSegment> toFlush = firstBase == null ? segments.headMap(offset, false).values()
            : segments.subMap(firstBase, true, offset, false).values();
        for (LogSegment segment : toFlush) {
            try {
                segment.flush();
            } catch (IOException e) {
                if (!isCurrent(segment)) {
                    // Deleted or replaced meanwhile: its data is either gone on purpose or in its replacement.
                    LOG.debug("{}: segment {} went away during flush", topicPartition, segment.baseOffset(), e);
                    continue;
                }
                throw failure("Error while flushing " + segment.logFile(), e);
            }
        }
        if (dirNeedsFsync) {
            dirNeedsFsync = false;
            try {
                AtomicFile.fsyncDirectory(dir);
            } catch (IOException e) {
                throw failure("Error while flushing directory " + dir, e);
            }
        }
        synchronized (lock) {
            if (offset > recoveryPoint) {
                recoveryPoint = Math.min(offset, endOffset.offset());
            }
            lastFlushedMs = time.milliseconds();
        }
    }

    // ------------------------------------------------------------------------------------------------ cleaner support

    LogSegment activeSegment() {
        return segments.lastEntry().getValue();
    }

    /** The segments at this moment, oldest first (the last one is active). */
    List<LogSegment> segmentsSnapshot() {
        return new ArrayList<>(segments.values());
    }

    boolean isCurrent(LogSegment segment) {
        return segments.get(segment.baseOffset()) == segment;
    }

    /**
     * Swaps a cleaned segment (files suffixed {@code .swap}) in for the segments it was made from, unless the log
     * changed meanwhile (closed, truncated, or one of them deleted by retention).
     *
     * <p>Crash safety: old segments are renamed to {@code .deleted} before the swap file loses its suffix; a crash in
     * between leaves a {@code .swap} that {@link LogLoader} completes.
     *
     * @return whether the swap happened
     */
    boolean replaceSegments(LogSegment cleaned, List<LogSegment> oldSegments) {
        synchronized (lock) {
            if (offline || closed) {
                return false;
            }
            for (LogSegment old : oldSegments) {
                if (!isCurrent(old) || old == activeSegment()) {
                    return false;
                }
            }
            try {
                for (LogSegment old : oldSegments) {
                    segments.remove(old.baseOffset());
                    old.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);
                }
                cleaned.changeFileSuffixes(LogFileNames.SWAP_SUFFIX, "");
                segments.put(cleaned.baseOffset(), cleaned);
                scheduler.scheduleOnce("delete-cleaned-segments-" + topicPartition, () -> {
                    for (LogSegment old : oldSegments) {
                        try {
                            old.deleteIfExists();
                        } catch (IOException e) {
                            throw failure("Error while deleting " + old.logFile(), e);
                        }
                    }
                }, config.fileDeleteDelayMs());
                return true;
            } catch (IOException e) {
                throw failure("Error while swapping cleaned segment into " + topicPartition, e);
            }
        }
    }

    /** Reports an I/O error of the cleaner on this log's directory. */
    KafkaStorageException cleanerFailure(String message, IOException e) {
        return failure(message, e);
    }

    Time time() {
        return time;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Flushes, snapshots producer state and closes all segments (trimming the active one's indexes). */
    void close() {
        synchronized (lock) {
            if (closed || offline) {
                return;
            }
            flush();
            // Set before the handles go: a read racing with shutdown must not take the directory offline.
            closed = true;
            try {
                producerState.takeSnapshot(true);
                for (LogSegment segment : segments.values()) {
                    segment.close();
                }
            } catch (IOException e) {
                throw failure("Error while closing " + topicPartition, e);
            }
        }
    }

    /** Takes the log offline without writing anything (its directory failed). */
    void markOffline() {
        offline = true;
    }

    /**
     * Releases file handles without writing: the log's directory is offline or about to be deleted. Errors are
     * logged rather than thrown because the files are being abandoned either way.
     */
    void closeHandlers() {
        synchronized (lock) {
            closed = true;
            for (LogSegment segment : segments.values()) {
                try {
                    segment.closeHandlers();
                } catch (IOException e) {
                    LOG.warn("{}: error while releasing handles of {}", topicPartition, segment.logFile(), e);
                }
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** A read that failed because the log was closed under it is not a disk failure. */
    private KafkaStorageException readFailure(String message, IOException cause) {
        if (closed) {
            return new KafkaStorageException(message + ": the log was closed", cause);
        }
        return failure(message, cause);
    }

    private void checkUsable() {
        if (offline) {
            throw new KafkaStorageException("The log directory of " + topicPartition + " (" + dir.getParent()
                + ") is offline");
        }
        if (closed) {
            throw new KafkaStorageException("The log of " + topicPartition + " is closed");
        }
    }

    private KafkaStorageException failure(String message, IOException cause) {
        boolean firstFailure = !offline;
        offline = true;
        if (firstFailure) {
            LOG.error("{}: {}; taking the log offline", topicPartition, message, cause);
            failureHandler.onLogDirFailure(dir.getParent(), message, cause);
        }
        return new KafkaStorageException(message, cause);
    }

    @Override
    public String toString() {
        return "Log(" + topicPartition + ", dir=" + dir + ", logStartOffset=" + logStartOffset + ", logEndOffset="
            + logEndOffset() + ")";
    }
}
