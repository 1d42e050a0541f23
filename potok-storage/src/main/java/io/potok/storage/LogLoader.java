package io.potok.storage;

import io.potok.storage.index.CorruptIndexException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * Opens a partition directory and brings it to a consistent state, Kafka-style:
 * <ol>
 *   <li>leftovers of interrupted work are removed ({@code .deleted}, {@code .cleaned}, {@code .tmp}) and interrupted
 *       compaction swaps are completed ({@code .log.swap} replaces the segments it covers);</li>
 *   <li>after an unclean shutdown every segment from the one holding the recovery point on is re-validated batch by
 *       batch; the log is truncated at the first invalid byte and later segments are deleted;</li>
 *   <li>other segments with missing or implausible index files have their indexes rebuilt;</li>
 *   <li>producer state is restored from the newest snapshot and the batches after it.</li>
 * </ol>
 *
 * <p>Thread-safety: one loader per directory at a time; different directories load in parallel.
 */
final class LogLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    private LogLoader() {
    }

    /** The loaded log; segments are ordered by base offset and the last one is ready for appends. */
    record LoadedLog(ConcurrentSkipListMap<Long, LogSegment> segments, long logStartOffset, long recoveryPoint,
                     long logEndOffset) {
    }

    static LoadedLog load(Path dir, TopicPartition tp, LogConfig config, Time time, long recoveryPointCheckpoint,
                          long logStartOffsetCheckpoint, boolean hadCleanShutdown,
                          ProducerStateManager producerState, LongSupplier rollJitterMs) throws IOException {
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        try {
            TreeSet<Long> swapBaseOffsets = removeLeftoversAndFindSwaps(dir);
            List<Long> recovered = new ArrayList<>();
            for (long swapBase : swapBaseOffsets) {
                completeSwap(dir, tp, config, time, swapBase, segments, rollJitterMs);
                recovered.add(swapBase);
            }
            for (long baseOffset : listSegmentBaseOffsets(dir)) {
                if (!segments.containsKey(baseOffset)) {
                    segments.put(baseOffset, LogSegment.open(dir, baseOffset, config, time, "",
                        rollJitterMs.getAsLong()));
                }
            }

            if (!hadCleanShutdown && !segments.isEmpty()) {
                recoverUnflushed(tp, segments, recoveryPointCheckpoint, recovered);
            }
            for (LogSegment segment : segments.values()) {
                if (!recovered.contains(segment.baseOffset())) {
                    rebuildIndexesIfNeeded(tp, segment);
                }
            }

            if (segments.isEmpty()) {
                long base = Math.max(0, logStartOffsetCheckpoint);
                segments.put(base, LogSegment.create(dir, base, config, time, "", config.preallocate(),
                    rollJitterMs.getAsLong()));
            }
            long logEndOffset = segments.lastEntry().getValue().readNextOffset();
            long logStartOffset = Math.max(logStartOffsetCheckpoint, segments.firstKey());
            if (logStartOffset > logEndOffset) {
                // Records up to the log start offset were deleted but the tail they stood on is gone: start afresh.
                LOG.warn("{}: log start offset {} is beyond the log end offset {}; starting an empty log at {}", tp,
                    logStartOffset, logEndOffset, logStartOffset);
                for (LogSegment segment : segments.values()) {
                    segment.deleteIfExists();
                }
                segments.clear();
                segments.put(logStartOffset, LogSegment.create(dir, logStartOffset, config, time, "",
                    config.preallocate(), rollJitterMs.getAsLong()));
                logEndOffset = logStartOffset;
            }
            // After an unclean stop the recovered bytes are valid but not known to be on disk: keep the old recovery
            // point so that another crash re-validates them.
            long recoveryPoint = hadCleanShutdown ? logEndOffset : Math.min(recoveryPointCheckpoint, logEndOffset);
            recoveryPoint = Math.max(recoveryPoint, logStartOffset);

            restoreProducerState(producerState, segments, logStartOffset, logEndOffset);
            segments.lastEntry().getValue().onBecomeActiveSegment();
            return new LoadedLog(segments, logStartOffset, recoveryPoint, logEndOffset);
        } catch (IOException | RuntimeException e) {
            for (LogSegment segment : segments.values()) {
                try {
                    segment.closeHandlers();
                } catch (IOException closeError) {
                    e.addSuppressed(closeError);
                }
            }
            throw e;
        }
    }

    private static TreeSet<Long> removeLeftoversAndFindSwaps(Path dir) throws IOException {
        TreeSet<Long> swaps = new TreeSet<>();
        List<Path> indexFiles = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (name.endsWith(LogFileNames.DELETED_SUFFIX) || name.endsWith(LogFileNames.CLEANED_SUFFIX)
                    || name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(LogFileNames.SWAP_SUFFIX)) {
                    OptionalLong base = LogFileNames.offsetFromFileName(name);
                    if (name.endsWith(LogFileNames.LOG_SUFFIX + LogFileNames.SWAP_SUFFIX) && base.isPresent()) {
                        swaps.add(base.getAsLong());
                    } else {
                        // Index files of a swap are rebuilt from the swapped log file.
                        Files.deleteIfExists(file);
                    }
                } else if (name.endsWith(LogFileNames.INDEX_SUFFIX) || name.endsWith(LogFileNames.TIME_INDEX_SUFFIX)) {
                    indexFiles.add(file);
                }
            }
        }
        for (Path index : indexFiles) {
            OptionalLong base = LogFileNames.offsetFromFileName(index.getFileName().toString());
            if (base.isPresent() && !Files.exists(LogFileNames.logFile(dir, base.getAsLong(), ""))
                && !swaps.contains(base.getAsLong())) {
                Files.deleteIfExists(index);
            }
        }
        return swaps;
    }

    /** A cleaner crashed after its output was complete: replace the segments it covers, then rename it. */
    private static void completeSwap(Path dir, TopicPartition tp, LogConfig config, Time time, long swapBase,
                                     Map<Long, LogSegment> segments, LongSupplier rollJitterMs) throws IOException {
        LogSegment swap = LogSegment.open(dir, swapBase, config, time, LogFileNames.SWAP_SUFFIX,
            rollJitterMs.getAsLong());
        LogSegment.RecoveryResult result = swap.recover(batch -> { });
        long nextOffset = Math.max(result.nextOffset(), swapBase + 1);
        LOG.info("{}: completing interrupted compaction swap of {} covering offsets [{}, {})", tp, swap.logFile(),
            swapBase, nextOffset);
        for (long base : listSegmentBaseOffsets(dir)) {
            if (base >= swapBase && base < nextOffset) {
                Files.deleteIfExists(LogFileNames.logFile(dir, base, ""));
                Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, base, ""));
                Files.deleteIfExists(LogFileNames.timeIndexFile(dir, base, ""));
            }
        }
        swap.changeFileSuffixes(LogFileNames.SWAP_SUFFIX, "");
        segments.put(swapBase, swap);
    }

    private static void recoverUnflushed(TopicPartition tp, ConcurrentSkipListMap<Long, LogSegment> segments,
                                         long recoveryPoint, List<Long> alreadyRecovered) throws IOException {
        Long from = segments.floorKey(recoveryPoint);
        List<LogSegment> unflushed = new ArrayList<>(
            (from == null ? segments : segments.tailMap(from, true)).values());
        LOG.info("{}: unclean shutdown, recovering {} segment(s) from offset {}", tp, unflushed.size(),
            unflushed.isEmpty() ? recoveryPoint : unflushed.get(0).baseOffset());
        for (int i = 0; i < unflushed.size(); i++) {
            LogSegment segment = unflushed.get(i);
            LogSegment.RecoveryResult result = segment.recover(batch -> { });
            alreadyRecovered.add(segment.baseOffset());
            if (result.problem() != null) {
                LOG.warn("{}: invalid data in {} at byte position {} (batch claiming offset {}): {}; "
                        + "truncating {} bytes, the log now ends at offset {}", tp, segment.logFile(),
                    result.validBytes(), result.problemOffset(), result.problem(), result.truncatedBytes(),
                    result.nextOffset());
                for (LogSegment later : unflushed.subList(i + 1, unflushed.size())) {
                    LOG.warn("{}: deleting segment {} that follows the corruption", tp, later.logFile());
                    segments.remove(later.baseOffset());
                    later.deleteIfExists();
                }
                return;
            }
        }
    }

    private static void rebuildIndexesIfNeeded(TopicPartition tp, LogSegment segment) throws IOException {
        String reason = null;
        if (segment.indexesWereMissing()) {
            reason = "missing index files";
        } else {
            try {
                segment.sanityCheckIndexes();
            } catch (CorruptIndexException e) {
                reason = e.getMessage();
            }
        }
        if (reason == null) {
            return;
        }
        LOG.warn("{}: rebuilding indexes of {} ({})", tp, segment.logFile(), reason);
        LogSegment.RecoveryResult result = segment.recover(batch -> { });
        if (result.problem() != null) {
            LOG.warn("{}: invalid data in {} at byte position {} (batch claiming offset {}): {}; truncated {} bytes",
                tp, segment.logFile(), result.validBytes(), result.problemOffset(), result.problem(),
                result.truncatedBytes());
        }
    }

    private static void restoreProducerState(ProducerStateManager producerState,
                                             ConcurrentSkipListMap<Long, LogSegment> segments, long logStartOffset,
                                             long logEndOffset) throws IOException {
        long replayFrom = producerState.truncateAndReload(logStartOffset, logEndOffset);
        if (replayFrom < logEndOffset) {
            Long from = segments.floorKey(replayFrom);
            for (LogSegment segment : (from == null ? segments : segments.tailMap(from, true)).values()) {
                segment.forEachBatchFrom(replayFrom, producerState::update);
            }
        }
        producerState.updateMapEndOffset(logEndOffset);
    }

    private static List<Long> listSegmentBaseOffsets(Path dir) throws IOException {
        List<Long> result = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + LogFileNames.LOG_SUFFIX)) {
            for (Path file : stream) {
                OptionalLong base = LogFileNames.offsetFromFileName(file.getFileName().toString());
                if (base.isPresent()) {
                    result.add(base.getAsLong());
                }
            }
        }
        result.sort(Long::compare);
        return result;
    }
}
