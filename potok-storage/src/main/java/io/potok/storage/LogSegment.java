package io.potok.storage;

import io.potok.storage.index.CorruptIndexException;
import io.potok.storage.index.OffsetIndex;
import io.potok.storage.index.OffsetPosition;
import io.potok.storage.index.TimeIndex;
import io.potok.storage.index.TimestampOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * One segment of a partition's log: the {@code .log} file of v2 batches stored byte-for-byte, plus its sparse
 * {@link OffsetIndex} and {@link TimeIndex}, all named by the segment's base offset.
 *
 * <p>Invariants: bytes {@code [0, size())} are whole, valid batches with strictly increasing offsets, all
 * {@code >= baseOffset} and within {@code Integer.MAX_VALUE} of it; index entries only point inside that range;
 * {@code size()} is published (volatile) only after the bytes are written, so a reader never sees a partial batch.
 *
 * <p>Thread-safety: mutations (append, truncate, recover, roll transitions, renames) are serialised by the owning
 * {@link Log}'s lock; reads may run concurrently with them and with each other.
 */
final class LogSegment implements Closeable {

    private static final int SCAN_WINDOW_BYTES = 16 * 1024;
    private static final int RECOVERY_WINDOW_BYTES = 1024 * 1024;

    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private final long rollJitterMs;
    private final Time time;
    private final boolean indexesWereMissing;
    private volatile Path logFile;
    private volatile boolean preallocated;
    private volatile int size;
    private volatile long createdMs;
    /** Largest timestamp and the base offset of the batch where it first appeared, published as one unit. */
    private volatile TimestampOffset maxTimestampAndOffsetSoFar;
    private int bytesSinceLastIndexEntry;
    private long rollingBasedTimestamp = BatchHeader.NO_TIMESTAMP;
    private boolean rollingBasedTimestampLoaded;

    private LogSegment(long baseOffset, Path logFile, FileChannel channel, int size, boolean preallocated,
                       OffsetIndex offsetIndex, TimeIndex timeIndex, boolean indexesWereMissing, int indexIntervalBytes,
                       long rollJitterMs, Time time) {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.size = size;
        this.preallocated = preallocated;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.indexesWereMissing = indexesWereMissing;
        this.indexIntervalBytes = indexIntervalBytes;
        this.rollJitterMs = rollJitterMs;
        this.time = time;
        this.createdMs = time.milliseconds();
        this.maxTimestampAndOffsetSoFar = timeIndex.lastEntry();
    }

    /** Creates a new, empty segment; any stale files with the same names are replaced. */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, Time time, String suffix,
                             boolean preallocate, long rollJitterMs) throws IOException {
        Path log = LogFileNames.logFile(dir, baseOffset, suffix);
        Path index = LogFileNames.offsetIndexFile(dir, baseOffset, suffix);
        Path timeIndexFile = LogFileNames.timeIndexFile(dir, baseOffset, suffix);
        Files.deleteIfExists(index);
        Files.deleteIfExists(timeIndexFile);
        FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            if (preallocate) {
                // Reserving the whole segment up front keeps it contiguous on disk; trimmed when the segment closes.
                channel.write(ByteBuffer.allocate(1), config.segmentBytes() - 1L);
            }
            OffsetIndex offsetIndex = new OffsetIndex(index, baseOffset, config.segmentIndexBytes());
            TimeIndex ti = new TimeIndex(timeIndexFile, baseOffset, config.segmentIndexBytes());
            return new LogSegment(baseOffset, log, channel, 0, preallocate, offsetIndex, ti, false,
                config.indexIntervalBytes(), rollJitterMs, time);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Opens an existing segment. Index files that are missing are created empty and reported by
     * {@link #indexesWereMissing()}; the caller then rebuilds them with {@link #recover}.
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, Time time, String suffix, long rollJitterMs)
        throws IOException {
        Path log = LogFileNames.logFile(dir, baseOffset, suffix);
        Path index = LogFileNames.offsetIndexFile(dir, baseOffset, suffix);
        Path timeIndexFile = LogFileNames.timeIndexFile(dir, baseOffset, suffix);
        boolean missing = !Files.exists(index) || !Files.exists(timeIndexFile);
        if (missing) {
            Files.deleteIfExists(index);
            Files.deleteIfExists(timeIndexFile);
        }
        FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long fileSize = channel.size();
            if (fileSize > Integer.MAX_VALUE) {
                throw new IOException("Segment " + log + " is larger than 2 GiB: " + fileSize);
            }
            OffsetIndex offsetIndex = new OffsetIndex(index, baseOffset, config.segmentIndexBytes());
            TimeIndex ti;
            try {
                ti = new TimeIndex(timeIndexFile, baseOffset, config.segmentIndexBytes());
            } catch (IOException | RuntimeException e) {
                offsetIndex.closeHandler();
                throw e;
            }
            return new LogSegment(baseOffset, log, channel, (int) fileSize, false, offsetIndex, ti, missing,
                config.indexIntervalBytes(), rollJitterMs, time);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Bytes of whole batches in the log file. */
    int size() {
        return size;
    }

    Path logFile() {
        return logFile;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    boolean indexesWereMissing() {
        return indexesWereMissing;
    }

    long maxTimestampSoFar() {
        return maxTimestampAndOffsetSoFar.timestamp();
    }

    /** Largest record timestamp, or the file's modification time if no batch carries a timestamp (as Kafka). */
    long largestTimestamp() throws IOException {
        long ts = maxTimestampSoFar();
        return ts >= 0 ? ts : lastModifiedMs();
    }

    long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(logFile).toMillis();
    }

    void setLastModifiedMs(long ms) throws IOException {
        Files.setLastModifiedTime(logFile, FileTime.fromMillis(ms));
    }

    boolean canConvertToRelativeOffset(long offset) {
        long relative = offset - baseOffset;
        return relative >= 0 && relative <= Integer.MAX_VALUE;
    }

    /** Kafka's roll conditions: size, age (segment.ms minus this segment's jitter), full index, offset overflow. */
    boolean shouldRoll(long maxSegmentMs, int maxSegmentBytes, long maxTimestampInMessages, long maxOffsetInMessages,
                       int messagesSize, long nowMs) throws IOException {
        int currentSize = size;
        boolean reachedRollMs = currentSize > 0
            && timeWaitedForRoll(nowMs, maxTimestampInMessages) > maxSegmentMs - rollJitterMs;
        return (long) currentSize + messagesSize > maxSegmentBytes
            || reachedRollMs
            || (currentSize > 0 && (offsetIndex.isFull() || timeIndex.isFull()))
            || !canConvertToRelativeOffset(maxOffsetInMessages);
    }

    /**
     * Age of the segment for segment.ms: measured in record time from the first batch's timestamp when it has one, so
     * that replicas roll at the same records; else in wall-clock time since the segment was created or loaded.
     */
    long timeWaitedForRoll(long nowMs, long messageTimestamp) throws IOException {
        loadFirstBatchTimestamp();
        if (rollingBasedTimestamp >= 0 && messageTimestamp >= 0) {
            return messageTimestamp - rollingBasedTimestamp;
        }
        return nowMs - createdMs;
    }

    /** Max timestamp of the first batch, or NO_TIMESTAMP; reads the file, safe without the log lock. */
    long firstBatchTimestamp() throws IOException {
        int currentSize = size;
        if (currentSize == 0) {
            return BatchHeader.NO_TIMESTAMP;
        }
        BatchHeader first = new FileBatchReader(channel, 0, currentSize, BatchHeader.RECORD_BATCH_OVERHEAD).peekHeader();
        return first == null ? BatchHeader.NO_TIMESTAMP : first.maxTimestamp();
    }

    private void loadFirstBatchTimestamp() throws IOException {
        if (rollingBasedTimestampLoaded || size == 0) {
            return;
        }
        BatchHeader first = new FileBatchReader(channel, 0, size, BatchHeader.RECORD_BATCH_OVERHEAD).peekHeader();
        rollingBasedTimestamp = first == null ? BatchHeader.NO_TIMESTAMP : first.maxTimestamp();
        rollingBasedTimestampLoaded = true;
    }

    /**
     * Appends whole, validated batches whose offsets are already assigned. {@code batches} describes the batches in
     * {@code records} in order.
     */
    void append(ByteBuffer records, List<BatchHeader> batches) throws IOException {
        int start = size;
        ByteBuffer toWrite = records.duplicate();
        long pos = start;
        while (toWrite.hasRemaining()) {
            pos += channel.write(toWrite, pos);
        }
        if (start == 0 && !batches.isEmpty() && !rollingBasedTimestampLoaded) {
            rollingBasedTimestamp = batches.get(0).maxTimestamp();
            rollingBasedTimestampLoaded = true;
        }
        int position = start;
        for (BatchHeader batch : batches) {
            indexBatch(batch, position);
            position += batch.sizeInBytes();
        }
        size = (int) pos;
    }

    private void indexBatch(BatchHeader batch, int position) {
        TimestampOffset max = maxTimestampAndOffsetSoFar;
        if (batch.maxTimestamp() > max.timestamp()) {
            max = new TimestampOffset(batch.maxTimestamp(), batch.baseOffset());
            maxTimestampAndOffsetSoFar = max;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            // A full index only happens for segments written by the cleaner or after a config change; a sparser
            // index is still correct, it just costs a longer scan.
            if (!offsetIndex.isFull()) {
                offsetIndex.append(batch.baseOffset(), position);
            }
            if (!timeIndex.isFull()) {
                timeIndex.maybeAppend(max.timestamp(), max.offset(), false);
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batch.sizeInBytes();
    }

    /** Where the first batch with {@code lastOffset >= offset} starts, or null if none below {@code maxPosition}. */
    BatchPosition translateOffset(long offset, long maxPosition) throws IOException {
        OffsetPosition mapping = offsetIndex.lookup(offset);
        FileBatchReader reader = new FileBatchReader(channel, mapping.position(), maxPosition, SCAN_WINDOW_BYTES);
        while (true) {
            BatchHeader header = reader.peekHeader();
            if (header == null || header.sizeInBytes() < BatchHeader.RECORD_BATCH_OVERHEAD
                || header.sizeInBytes() > reader.remaining()) {
                return null;
            }
            if (header.lastOffset() >= offset) {
                return new BatchPosition(header, (int) reader.position());
            }
            reader.advance(header.sizeInBytes());
        }
    }

    /**
     * Reads whole batches from the one containing {@code startOffset}: up to {@code maxBytes} (but the whole first
     * batch if {@code minOneMessage}), only below {@code maxPosition} and only batches entirely below
     * {@code maxOffsetExclusive}. Returns null when this segment has no batch at or after {@code startOffset}.
     */
    FetchDataInfo read(long startOffset, int maxBytes, long maxPosition, long maxOffsetExclusive,
                       boolean minOneMessage) throws IOException {
        BatchPosition start = translateOffset(startOffset, maxPosition);
        if (start == null) {
            return null;
        }
        if (start.header().lastOffset() >= maxOffsetExclusive) {
            return new FetchDataInfo(startOffset, MemoryRecords.EMPTY);
        }
        int firstSize = start.header().sizeInBytes();
        int toRead;
        if (firstSize > maxBytes) {
            if (!minOneMessage) {
                return new FetchDataInfo(startOffset, MemoryRecords.EMPTY);
            }
            toRead = firstSize;
        } else {
            toRead = (int) Math.min(maxPosition - start.position(), maxBytes);
        }
        ByteBuffer buffer = ByteBuffer.allocate(toRead);
        FileBatchReader.readFully(channel, buffer, start.position());
        buffer.flip();
        int accepted = 0;
        while (buffer.limit() - accepted >= BatchHeader.RECORD_BATCH_OVERHEAD) {
            int batchSize = buffer.getInt(accepted + BatchHeader.LENGTH_OFFSET) + BatchHeader.LOG_OVERHEAD;
            if (batchSize < BatchHeader.RECORD_BATCH_OVERHEAD || batchSize > buffer.limit() - accepted) {
                break;
            }
            long lastOffset = buffer.getLong(accepted + BatchHeader.BASE_OFFSET_OFFSET)
                + buffer.getInt(accepted + BatchHeader.LAST_OFFSET_DELTA_OFFSET);
            if (lastOffset >= maxOffsetExclusive) {
                break;
            }
            accepted += batchSize;
        }
        if (accepted == 0) {
            return new FetchDataInfo(startOffset, MemoryRecords.EMPTY);
        }
        buffer.limit(accepted);
        return new FetchDataInfo(startOffset, MemoryRecords.readableRecords(buffer.slice()));
    }

    /**
     * Like {@link #read} but returns the batches as a {@link FileSlice} of this segment's file instead of copying them:
     * only batch headers near the start and the end of the range are read. {@code segmentEndOffset} is the offset after
     * the last batch below {@code maxPosition} (or any larger value); when {@code maxOffsetExclusive} is below it, the
     * range also stops before the first batch that reaches {@code maxOffsetExclusive}. Returns null when this segment
     * has no batch at or after {@code startOffset}.
     */
    FileSlice readSlice(long startOffset, int maxBytes, long maxPosition, long segmentEndOffset,
                        long maxOffsetExclusive, boolean minOneMessage) throws IOException {
        BatchPosition start = translateOffset(startOffset, maxPosition);
        if (start == null) {
            return null;
        }
        if (start.header().lastOffset() >= maxOffsetExclusive) {
            return FileSlice.EMPTY;
        }
        long limit = maxPosition;
        if (maxOffsetExclusive < segmentEndOffset) {
            // The high watermark is inside this segment: stop at the batch that reaches it.
            BatchPosition bound = translateOffset(maxOffsetExclusive, maxPosition);
            if (bound != null) {
                limit = bound.position();
            }
        }
        long from = start.position();
        int firstSize = start.header().sizeInBytes();
        long end;
        if (firstSize > maxBytes) {
            if (!minOneMessage) {
                return FileSlice.EMPTY;
            }
            end = from + firstSize;
        } else if (from + maxBytes >= limit) {
            end = limit;
        } else {
            end = lastBatchBoundary(from, from + maxBytes);
        }
        return new FileSlice(channel, from, (int) (end - from));
    }

    /**
     * The largest batch boundary {@code <= target}, walking batch headers (one small positional read each) from the
     * index entry nearest below {@code target}, or from {@code from}, a boundary, if that is later. The batch at
     * {@code from} is known to end at or before {@code target}.
     */
    private long lastBatchBoundary(long from, long target) throws IOException {
        long walkFrom = Math.max(from, offsetIndex.lookupByPosition((int) target).position());
        FileBatchReader reader = new FileBatchReader(channel, walkFrom, target, BatchHeader.RECORD_BATCH_OVERHEAD);
        BatchHeader header;
        while ((header = reader.peekHeader()) != null && header.sizeInBytes() >= BatchHeader.RECORD_BATCH_OVERHEAD
            && header.sizeInBytes() <= reader.remaining()) {
            reader.advance(header.sizeInBytes());
        }
        return reader.position();
    }

    /** First record at or after {@code startingOffset} whose timestamp is {@code >= timestampMs}, via the time index. */
    Optional<TimestampAndOffset> findOffsetByTimestamp(long timestampMs, long startingOffset) throws IOException {
        TimestampOffset fromTimeIndex = timeIndex.lookup(timestampMs);
        OffsetPosition start = offsetIndex.lookup(Math.max(fromTimeIndex.offset(), startingOffset));
        FileBatchReader reader = new FileBatchReader(channel, start.position(), size, SCAN_WINDOW_BYTES);
        BatchHeader header;
        while ((header = reader.peekHeader()) != null) {
            if (header.sizeInBytes() < BatchHeader.RECORD_BATCH_OVERHEAD || header.sizeInBytes() > reader.remaining()) {
                break;
            }
            if (header.maxTimestamp() >= timestampMs && header.lastOffset() >= startingOffset) {
                Optional<TimestampAndOffset> found = firstRecordAtOrAfter(reader, header, timestampMs, startingOffset);
                if (found.isPresent()) {
                    return found;
                }
            }
            reader.advance(header.sizeInBytes());
        }
        return Optional.empty();
    }

    /** The record holding this segment's largest timestamp, if any batch has a timestamp. */
    Optional<TimestampAndOffset> maxTimestampRecord() throws IOException {
        TimestampOffset max = maxTimestampAndOffsetSoFar;
        long maxTs = max.timestamp();
        if (maxTs < 0) {
            return Optional.empty();
        }
        BatchPosition position = translateOffset(max.offset(), size);
        if (position == null) {
            return Optional.empty();
        }
        FileBatchReader reader = new FileBatchReader(channel, position.position(), size, SCAN_WINDOW_BYTES);
        Optional<TimestampAndOffset> found = firstRecordAtOrAfter(reader, position.header(), maxTs, -1);
        return found.isPresent() ? found
            : Optional.of(new TimestampAndOffset(maxTs, position.header().baseOffset(), epochOf(position.header())));
    }

    private static Optional<TimestampAndOffset> firstRecordAtOrAfter(FileBatchReader reader, BatchHeader header,
                                                                     long timestampMs, long startingOffset)
        throws IOException {
        ByteBuffer copy = ByteBuffer.allocate(header.sizeInBytes());
        copy.put(reader.batchBytes(header.sizeInBytes())).flip();
        for (RecordBatch batch : MemoryRecords.readableRecords(copy).batches()) {
            for (Record record : batch) {
                if (record.timestamp() >= timestampMs && record.offset() >= startingOffset) {
                    return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(), epochOf(header)));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> epochOf(BatchHeader header) {
        return header.partitionLeaderEpoch() >= 0 ? Optional.of(header.partitionLeaderEpoch()) : Optional.empty();
    }

    /** The offset after the last batch, or the base offset when the segment is empty. */
    long readNextOffset() throws IOException {
        OffsetPosition last = offsetIndex.lastEntry();
        FileBatchReader reader = new FileBatchReader(channel, last.position(), size, SCAN_WINDOW_BYTES);
        long next = baseOffset;
        BatchHeader header;
        while ((header = reader.peekHeader()) != null && header.sizeInBytes() >= BatchHeader.RECORD_BATCH_OVERHEAD
            && header.sizeInBytes() <= reader.remaining()) {
            next = header.nextOffset();
            reader.advance(header.sizeInBytes());
        }
        return next;
    }

    /** Calls {@code consumer} with the header of every batch whose last offset is {@code >= fromOffset}. */
    void forEachBatchFrom(long fromOffset, Consumer<BatchHeader> consumer) throws IOException {
        OffsetPosition start = offsetIndex.lookup(fromOffset);
        FileBatchReader reader = new FileBatchReader(channel, start.position(), size, SCAN_WINDOW_BYTES);
        BatchHeader header;
        while ((header = reader.peekHeader()) != null && header.sizeInBytes() >= BatchHeader.RECORD_BATCH_OVERHEAD
            && header.sizeInBytes() <= reader.remaining()) {
            if (header.lastOffset() >= fromOffset) {
                consumer.accept(header);
            }
            reader.advance(header.sizeInBytes());
        }
    }

    /** A reader over every batch of the segment, for the cleaner. */
    FileBatchReader batchReader() {
        return new FileBatchReader(channel, 0, size, RECOVERY_WINDOW_BYTES);
    }

    /**
     * Re-validates every batch (framing, magic, CRC, increasing offsets), rebuilds both indexes and truncates the file
     * at the first invalid byte.
     *
     * @param onValidBatch called for each valid batch, in order
     */
    RecoveryResult recover(Consumer<BatchHeader> onValidBatch) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestampAndOffsetSoFar = new TimestampOffset(BatchHeader.NO_TIMESTAMP, baseOffset);
        bytesSinceLastIndexEntry = 0;
        rollingBasedTimestampLoaded = false;
        long fileSize = channel.size();
        FileBatchReader reader = new FileBatchReader(channel, 0, fileSize, RECOVERY_WINDOW_BYTES);
        CRC32C crc = new CRC32C();
        long lastOffset = baseOffset - 1;
        int validBytes = 0;
        String problem = null;
        long problemOffset = -1;
        while (reader.remaining() > 0) {
            int magic = reader.peekMagic();
            if (magic < 0) {
                problem = "truncated batch header (" + reader.remaining() + " bytes left)";
                break;
            }
            if (magic != BatchHeader.MAGIC_V2) {
                problem = "unsupported magic " + magic;
                break;
            }
            BatchHeader header = reader.peekHeader();
            if (header == null) {
                problem = "truncated batch header (" + reader.remaining() + " bytes left)";
                break;
            }
            problemOffset = header.baseOffset();
            int batchSize = header.sizeInBytes();
            if (batchSize < BatchHeader.RECORD_BATCH_OVERHEAD) {
                problem = "invalid batch size " + batchSize;
                break;
            }
            if (batchSize > reader.remaining()) {
                problem = "truncated batch: size " + batchSize + " but only " + reader.remaining() + " bytes left";
                break;
            }
            if (header.baseOffset() <= lastOffset || header.lastOffsetDelta() < 0
                || !canConvertToRelativeOffset(header.lastOffset())) {
                problem = "offsets " + header.baseOffset() + ".." + header.lastOffset() + " do not follow " + lastOffset;
                break;
            }
            long computed = BatchHeader.computeCrc(reader.batchBytes(batchSize), 0, batchSize, crc);
            if (computed != header.crc()) {
                problem = "CRC mismatch (stored " + header.crc() + ", computed " + computed + ")";
                break;
            }
            indexBatch(header, validBytes);
            onValidBatch.accept(header);
            validBytes += batchSize;
            lastOffset = header.lastOffset();
            reader.advance(batchSize);
        }
        int truncated = (int) (fileSize - validBytes);
        if (truncated > 0) {
            channel.truncate(validBytes);
        }
        size = validBytes;
        preallocated = false;
        appendFinalTimeIndexEntry();
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        return new RecoveryResult(validBytes, truncated, problem, problem == null ? -1 : problemOffset,
            lastOffset + 1);
    }

    /**
     * Removes the batch containing {@code offset} (or the first batch after it) and everything after that.
     *
     * @return the base offset of the first removed batch, or -1 if nothing was removed
     */
    long truncateTo(long offset) throws IOException {
        BatchPosition from = translateOffset(offset, size);
        if (from == null) {
            return -1;
        }
        long cut = from.header().baseOffset();
        offsetIndex.truncateTo(cut);
        timeIndex.truncateTo(cut);
        channel.truncate(from.position());
        size = from.position();
        bytesSinceLastIndexEntry = 0;
        if (size == 0) {
            rollingBasedTimestampLoaded = false;
            createdMs = time.milliseconds();
        }
        recomputeMaxTimestamp();
        return cut;
    }

    /** Entries before the last time index entry's batch have smaller maxima, so only the tail needs scanning. */
    private void recomputeMaxTimestamp() throws IOException {
        TimestampOffset last = timeIndex.lastEntry();
        long max = last.timestamp();
        long offsetOfMax = last.offset();
        OffsetPosition start = offsetIndex.lookup(last.offset());
        FileBatchReader reader = new FileBatchReader(channel, start.position(), size, SCAN_WINDOW_BYTES);
        BatchHeader header;
        while ((header = reader.peekHeader()) != null && header.sizeInBytes() >= BatchHeader.RECORD_BATCH_OVERHEAD
            && header.sizeInBytes() <= reader.remaining()) {
            if (header.maxTimestamp() > max) {
                max = header.maxTimestamp();
                offsetOfMax = header.baseOffset();
            }
            reader.advance(header.sizeInBytes());
        }
        maxTimestampAndOffsetSoFar = new TimestampOffset(max, offsetOfMax);
    }

    /** Checks both index files and that the offset index points inside the log file. */
    void sanityCheckIndexes() throws CorruptIndexException {
        offsetIndex.sanityCheck();
        timeIndex.sanityCheck();
        OffsetPosition last = offsetIndex.lastEntry();
        if (last.position() > size - BatchHeader.RECORD_BATCH_OVERHEAD && offsetIndex.entries() > 0) {
            throw new CorruptIndexException("Offset index " + offsetIndex.file() + " points at position "
                + last.position() + " but " + logFile + " holds only " + size + " bytes");
        }
    }

    /** Called when a newer segment takes over appends: records the final max timestamp and trims the files. */
    void onBecomeInactiveSegment() throws IOException {
        appendFinalTimeIndexEntry();
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        trimPreallocated();
    }

    /** Records the segment's largest timestamp so that a reload knows it without scanning the log. */
    private void appendFinalTimeIndexEntry() {
        TimestampOffset max = maxTimestampAndOffsetSoFar;
        timeIndex.maybeAppend(max.timestamp(), max.offset(), true);
    }

    /** Called when this segment starts taking appends: the indexes get room to grow. */
    void onBecomeActiveSegment() throws IOException {
        offsetIndex.resize(offsetIndex.maxIndexSizeBytes());
        timeIndex.resize(timeIndex.maxIndexSizeBytes());
    }

    private void trimPreallocated() throws IOException {
        if (preallocated) {
            channel.truncate(size);
            preallocated = false;
        }
    }

    void flush() throws IOException {
        channel.force(true);
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Renames all three files; the log file last, because its name is what recovery looks at. */
    void changeFileSuffixes(String oldSuffix, String newSuffix) throws IOException {
        Path dir = logFile.getParent();
        offsetIndex.renameTo(LogFileNames.offsetIndexFile(dir, baseOffset, newSuffix));
        timeIndex.renameTo(LogFileNames.timeIndexFile(dir, baseOffset, newSuffix));
        Path target = LogFileNames.logFile(dir, baseOffset, newSuffix);
        if (!logFile.getFileName().toString().endsWith(LogFileNames.LOG_SUFFIX + oldSuffix)) {
            throw new IllegalStateException("Segment file " + logFile + " does not end with " + oldSuffix);
        }
        Files.move(logFile, target, StandardCopyOption.ATOMIC_MOVE);
        logFile = target;
    }

    /** Closes the file handles and deletes the files. */
    void deleteIfExists() throws IOException {
        closeHandlers();
        Files.deleteIfExists(logFile);
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
    }

    /** Writes the final time index entry, trims the files and releases all handles. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        appendFinalTimeIndexEntry();
        offsetIndex.close();
        timeIndex.close();
        trimPreallocated();
        channel.close();
    }

    /** Releases handles without writing anything (the files are being deleted or the disk failed). */
    void closeHandlers() throws IOException {
        offsetIndex.closeHandler();
        timeIndex.closeHandler();
        channel.close();
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size + ", file=" + logFile + ")";
    }

    /** A batch and the byte position where it starts. */
    record BatchPosition(BatchHeader header, int position) {
    }

    /**
     * Outcome of {@link #recover}.
     *
     * @param problem       why recovery stopped early, or null if the whole file was valid
     * @param problemOffset base offset claimed by the first invalid batch, or -1
     */
    record RecoveryResult(int validBytes, int truncatedBytes, String problem, long problemOffset, long nextOffset) {
    }
}
