package io.potok.storage;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/**
 * One compaction pass over one log (Kafka's Cleaner): map every key of the dirty section to its latest offset, then
 * rewrite the closed segments up to the end of that section keeping only records that are the latest for their key.
 *
 * <ul>
 *   <li>Original offsets are kept: a rewritten batch keeps its base and last offset (and producer fields), only
 *       records disappear from it. Untouched batches are copied byte-for-byte; rewritten ones are recompressed with
 *       their original compression type.</li>
 *   <li>Tombstones (null value) follow KIP-534: the first pass that keeps one stamps its batch with a delete horizon
 *       of now + delete.retention.ms; a later pass after the horizon drops it.</li>
 *   <li>Records without a key cannot be compacted and are dropped.</li>
 *   <li>Output is written as {@code .cleaned} files, renamed to {@code .swap} once complete and fsynced, and swapped
 *       in by {@link Log#replaceSegments}, so a crash at any point leaves either the old or the new segments.</li>
 * </ul>
 *
 * <p>Not thread-safe: owns a reusable {@link OffsetMap}; the {@link LogCleaner} runs one pass at a time.
 */
final class Cleaner {

    private final OffsetMap offsetMap;
    private final Time time;

    Cleaner(int dedupeBufferBytes, Time time) {
        this.offsetMap = new OffsetMap(dedupeBufferBytes);
        this.time = time;
    }

    /** Offset below which segments may be cleaned: the active segment and segments younger than the lag are not. */
    static long firstUncleanableOffset(List<LogSegment> segments, long nowMs, long minCompactionLagMs)
        throws IOException {
        long result = segments.get(segments.size() - 1).baseOffset();
        if (minCompactionLagMs > 0) {
            for (LogSegment segment : segments.subList(0, segments.size() - 1)) {
                if (nowMs - segment.largestTimestamp() < minCompactionLagMs) {
                    return Math.min(result, segment.baseOffset());
                }
            }
        }
        return result;
    }

    CleanResult clean(Log log, long checkpointedFirstDirtyOffset) throws IOException {
        long now = time.milliseconds();
        LogConfig config = log.config();
        List<LogSegment> segments = log.segmentsSnapshot();
        long firstUncleanable = firstUncleanableOffset(segments, now, config.minCompactionLagMs());
        long firstDirty = checkpointedFirstDirtyOffset;
        if (firstDirty < log.logStartOffset() || firstDirty > log.activeSegment().baseOffset()) {
            firstDirty = log.logStartOffset();
        }
        long endOffset;
        try {
            endOffset = buildOffsetMap(segments, firstDirty, firstUncleanable);
        } catch (IOException e) {
            if (segments.stream().anyMatch(segment -> !log.isCurrent(segment))) {
                // Segments went away under the scan (retention, truncation): try again on the next pass.
                return new CleanResult(firstDirty, firstDirty, 0, 0, 0, 0, 0, OptionalLong.empty());
            }
            throw e;
        }

        List<LogSegment> toClean = new ArrayList<>();
        for (LogSegment segment : segments.subList(0, segments.size() - 1)) {
            if (segment.baseOffset() < endOffset && segment.baseOffset() < firstUncleanable) {
                toClean.add(segment);
            }
        }
        Stats stats = new Stats();
        for (List<LogSegment> group : groupSegmentsBySize(toClean, segments, config)) {
            cleanSegments(log, group, now, config, stats);
        }
        return new CleanResult(firstDirty, endOffset, stats.segments, stats.recordsRead, stats.recordsRetained,
            stats.bytesRead, stats.bytesWritten,
            stats.earliestHorizon == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(stats.earliestHorizon));
    }

    /**
     * Maps keys of records in {@code [firstDirty, firstUncleanable)}. Returns the end of what was mapped: the first
     * uncleanable offset, or just past the last mapped record when the map filled up.
     */
    private long buildOffsetMap(List<LogSegment> segments, long firstDirty, long firstUncleanable) throws IOException {
        offsetMap.clear();
        for (int i = 0; i < segments.size() - 1; i++) {
            LogSegment segment = segments.get(i);
            long nextBase = segments.get(i + 1).baseOffset();
            if (nextBase <= firstDirty || segment.baseOffset() >= firstUncleanable) {
                continue;
            }
            FileBatchReader reader = segment.batchReader();
            BatchHeader header;
            while ((header = nextBatch(reader, segment)) != null) {
                if (header.lastOffset() >= firstDirty && !header.isControlBatch()) {
                    for (RecordBatch batch : batchesOf(reader, header)) {
                        for (Record record : batch) {
                            if (record.offset() < firstDirty || !record.hasKey()) {
                                continue;
                            }
                            if (offsetMap.isFull()) {
                                return offsetMap.latestOffset() + 1;
                            }
                            offsetMap.put(record.key(), record.offset());
                        }
                    }
                }
                reader.advance(header.sizeInBytes());
            }
        }
        return Math.max(firstDirty, firstUncleanable);
    }

    /** Groups consecutive segments whose cleaned output fits one segment and one index. */
    private static List<List<LogSegment>> groupSegmentsBySize(List<LogSegment> toClean, List<LogSegment> all,
                                                              LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < toClean.size()) {
            List<LogSegment> group = new ArrayList<>();
            LogSegment first = toClean.get(i);
            group.add(first);
            long bytes = first.size();
            long indexBytes = first.offsetIndex().sizeInBytes();
            long timeIndexBytes = first.timeIndex().sizeInBytes();
            i++;
            while (i < toClean.size()) {
                LogSegment next = toClean.get(i);
                long lastOffsetOfNext = nextBaseOffset(all, next) - 1;
                if (bytes + next.size() > config.segmentBytes()
                    || indexBytes + next.offsetIndex().sizeInBytes() > config.segmentIndexBytes()
                    || timeIndexBytes + next.timeIndex().sizeInBytes() > config.segmentIndexBytes()
                    || lastOffsetOfNext - first.baseOffset() > Integer.MAX_VALUE) {
                    break;
                }
                group.add(next);
                bytes += next.size();
                indexBytes += next.offsetIndex().sizeInBytes();
                timeIndexBytes += next.timeIndex().sizeInBytes();
                i++;
            }
            groups.add(group);
        }
        return groups;
    }

    private static long nextBaseOffset(List<LogSegment> all, LogSegment segment) {
        int index = all.indexOf(segment);
        return all.get(index + 1).baseOffset();
    }

    private void cleanSegments(Log log, List<LogSegment> group, long now, LogConfig config, Stats stats)
        throws IOException {
        LogSegment cleaned = LogSegment.create(log.dir(), group.get(0).baseOffset(), config, time,
            LogFileNames.CLEANED_SUFFIX, false, 0);
        try {
            cleanInto(cleaned, log, group, now, config, stats);
        } catch (IOException e) {
            deleteQuietly(cleaned, e);
            if (group.stream().anyMatch(segment -> !log.isCurrent(segment))) {
                // Retention or truncation removed part of the group while we read it: skip the group, the next
                // pass works on the new segments.
                return;
            }
            throw e;
        } catch (RuntimeException e) {
            deleteQuietly(cleaned, e);
            throw e;
        }
    }

    private static void deleteQuietly(LogSegment cleaned, Exception cause) {
        try {
            cleaned.deleteIfExists();
        } catch (IOException cleanupError) {
            cause.addSuppressed(cleanupError);
        }
    }

    private void cleanInto(LogSegment cleaned, Log log, List<LogSegment> group, long now, LogConfig config,
                           Stats stats) throws IOException {
        for (LogSegment segment : group) {
            stats.bytesRead += segment.size();
            FileBatchReader reader = segment.batchReader();
            BatchHeader header;
            while ((header = nextBatch(reader, segment)) != null) {
                ByteBuffer retained = filterBatch(reader, header, now, config, stats);
                if (retained != null) {
                    cleaned.append(retained, List.of(BatchHeader.parse(retained, retained.position())));
                    stats.bytesWritten += retained.remaining();
                }
                reader.advance(header.sizeInBytes());
            }
        }
        cleaned.onBecomeInactiveSegment();
        cleaned.flush();
        cleaned.setLastModifiedMs(group.get(group.size() - 1).lastModifiedMs());
        cleaned.changeFileSuffixes(LogFileNames.CLEANED_SUFFIX, LogFileNames.SWAP_SUFFIX);
        if (log.replaceSegments(cleaned, group)) {
            stats.segments += group.size();
        } else {
            cleaned.deleteIfExists();
        }
    }

    /** The batch to write for {@code header}: the original bytes, a rewritten batch, or null to drop it. */
    private ByteBuffer filterBatch(FileBatchReader reader, BatchHeader header, long now, LogConfig config,
                                   Stats stats) throws IOException {
        ByteBuffer original = copy(reader.batchBytes(header.sizeInBytes()));
        if (header.isControlBatch()) {
            return original;
        }
        MutableRecordBatch batch = MemoryRecords.readableRecords(original.duplicate()).batches().iterator().next();
        OptionalLong horizon = batch.deleteHorizonMs();
        boolean horizonPassed = horizon.isPresent() && horizon.getAsLong() <= now;
        List<Record> kept = new ArrayList<>();
        boolean keptTombstones = false;
        int total = 0;
        for (Record record : batch) {
            total++;
            boolean keep = false;
            if (record.hasKey()) {
                long latest = offsetMap.get(record.key());
                keep = latest < 0 || record.offset() >= latest;
                if (keep && !record.hasValue()) {
                    keep = !horizonPassed;
                    keptTombstones |= keep;
                }
            }
            if (keep) {
                kept.add(record);
            }
        }
        stats.recordsRead += total;
        stats.recordsRetained += kept.size();
        boolean needsHorizon = keptTombstones && horizon.isEmpty();
        if (keptTombstones) {
            long effectiveHorizon = needsHorizon ? now + config.deleteRetentionMs() : horizon.getAsLong();
            stats.earliestHorizon = Math.min(stats.earliestHorizon, effectiveHorizon);
        }
        if (kept.size() == total && !needsHorizon) {
            return original;
        }
        if (kept.isEmpty()) {
            return null;
        }
        long deleteHorizon = needsHorizon ? now + config.deleteRetentionMs()
            : horizon.isPresent() ? horizon.getAsLong() : RecordBatch.NO_TIMESTAMP;
        return rebuild(batch, kept, deleteHorizon, original.remaining());
    }

    private static ByteBuffer rebuild(MutableRecordBatch batch, List<Record> kept, long deleteHorizonMs,
                                      int sizeHint) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(Math.max(sizeHint, 256));
        boolean logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(out, RecordBatch.MAGIC_VALUE_V2,
            Compression.of(batch.compressionType()).build(), batch.timestampType(), batch.baseOffset(),
            logAppendTime ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP, batch.producerId(),
            batch.producerEpoch(), batch.baseSequence(), batch.isTransactional(), false,
            batch.partitionLeaderEpoch(), Integer.MAX_VALUE, deleteHorizonMs);
        for (Record record : kept) {
            builder.appendWithOffset(record.offset(), record.timestamp(), record.key(), record.value(),
                record.headers());
        }
        // Keeping the original last offset keeps the batch's sequence range, hence producer state, intact.
        builder.overrideLastOffset(batch.lastOffset());
        return builder.build().buffer();
    }

    private static List<MutableRecordBatch> batchesOf(FileBatchReader reader, BatchHeader header) throws IOException {
        ByteBuffer bytes = copy(reader.batchBytes(header.sizeInBytes()));
        List<MutableRecordBatch> result = new ArrayList<>(1);
        Iterator<MutableRecordBatch> it = MemoryRecords.readableRecords(bytes).batches().iterator();
        while (it.hasNext()) {
            result.add(it.next());
        }
        return result;
    }

    private static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate()).flip();
        return copy;
    }

    /** Next batch header, or null at the end; invalid framing aborts the pass (the log is then left uncleaned). */
    private static BatchHeader nextBatch(FileBatchReader reader, LogSegment segment) throws IOException {
        BatchHeader header = reader.peekHeader();
        if (header == null) {
            if (reader.remaining() > 0) {
                throw new CorruptRecordException("Trailing " + reader.remaining() + " bytes in " + segment.logFile());
            }
            return null;
        }
        if (header.sizeInBytes() < BatchHeader.RECORD_BATCH_OVERHEAD || header.sizeInBytes() > reader.remaining()) {
            throw new CorruptRecordException("Invalid batch size " + header.sizeInBytes() + " at position " + reader.position()
                + " of " + segment.logFile());
        }
        return header;
    }

    private static final class Stats {
        int segments;
        long recordsRead;
        long recordsRetained;
        long bytesRead;
        long bytesWritten;
        long earliestHorizon = Long.MAX_VALUE;
    }
}
