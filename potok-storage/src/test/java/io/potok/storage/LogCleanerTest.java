package io.potok.storage;

import io.potok.storage.checkpoint.OffsetCheckpointFile;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.potok.storage.TestRecords.keyed;
import static org.assertj.core.api.Assertions.assertThat;

class LogCleanerTest {

    @TempDir
    Path root;

    private static final LogConfig COMPACTED = TestLogs.config("cleanup.policy", "compact",
        "internal.segment.bytes", "1024", "delete.retention.ms", "10000", "file.delete.delay.ms", "0");

    private static LogCleaner cleanerFor(TestLogs logs, Log log) {
        return new LogCleaner(logs.time, 1000, 64 * 1024, () -> List.of(log));
    }

    /** Appends {@code count} updates cycling over {@code keys} keys; returns the expected latest value per key. */
    private static Map<String, String> appendUpdates(TestLogs logs, Log log, int count, int keys) {
        Map<String, String> latest = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String key = "key-" + (i % keys);
            String value = "value-" + i;
            log.appendAsLeader(keyed(logs.time.milliseconds(), key, value), 0);
            latest.put(key, value);
        }
        return latest;
    }

    private static Map<Long, String> offsetsToValues(List<Record> records) {
        Map<Long, String> result = new HashMap<>();
        for (Record r : records) {
            result.put(r.offset(), TestRecords.string(r.value()));
        }
        return result;
    }

    @Test
    void keepsTheLatestValuePerKeyAtItsOriginalOffset() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(COMPACTED);
        Map<String, String> latest = appendUpdates(logs, log, 200, 10);
        Map<Long, String> before = offsetsToValues(TestRecords.readAll(log));
        long sizeBefore = log.sizeInBytes();
        long activeBase = log.activeSegment().baseOffset();

        CleanResult result = cleanerFor(logs, log).cleanNow(log).orElseThrow();
        assertThat(result.segmentsCleaned()).isPositive();
        assertThat(result.endOffset()).isEqualTo(activeBase);
        assertThat(log.sizeInBytes()).isLessThan(sizeBefore);

        List<Record> after = TestRecords.readAll(log);
        // Every surviving record kept its offset and value.
        for (Record r : after) {
            assertThat(before.get(r.offset())).isEqualTo(TestRecords.string(r.value()));
        }
        assertThat(TestRecords.latestByKey(after)).isEqualTo(latest);
        // In the cleaned part each key appears once.
        List<String> cleanedKeys = new ArrayList<>();
        for (Record r : after) {
            if (r.offset() < activeBase) {
                cleanedKeys.add(TestRecords.string(r.key()));
            }
        }
        assertThat(cleanedKeys).doesNotHaveDuplicates();
        assertThat(log.logEndOffset()).isEqualTo(200);
        assertThat(log.appendAsLeader(keyed(1, "key-0", "after"), 0).firstOffset()).isEqualTo(200);
    }

    @Test
    void activeSegmentIsNeverCleaned() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("cleanup.policy", "compact"));
        appendUpdates(logs, log, 50, 2);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        CleanResult result = cleanerFor(logs, log).cleanNow(log).orElseThrow();
        assertThat(result.segmentsCleaned()).isZero();
        assertThat(TestRecords.readAll(log)).hasSize(50);
    }

    @Test
    void tombstonesAreRemovedOnlyAfterDeleteRetentionMsFromTheirFirstCleaning() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(COMPACTED);
        appendUpdates(logs, log, 60, 6);
        log.appendAsLeader(keyed(logs.time.milliseconds(), "key-1", null), 0); // tombstone
        for (int i = 0; i < 60; i++) { // other keys push the tombstone into a closed segment
            log.appendAsLeader(keyed(logs.time.milliseconds(), "key-" + (i % 2 == 0 ? 0 : 2), "later-" + i), 0);
        }
        LogCleaner cleaner = cleanerFor(logs, log);

        CleanResult first = cleaner.cleanNow(log).orElseThrow();
        assertThat(first.earliestDeleteHorizonMs()).hasValue(logs.time.milliseconds() + 10_000);
        Map<String, String> afterFirst = TestRecords.latestByKey(TestRecords.readAll(log));
        assertThat(afterFirst).containsKey("key-1");
        assertThat(afterFirst.get("key-1")).isNull();

        logs.time.sleep(9_999);
        cleaner.cleanNow(log);
        assertThat(TestRecords.latestByKey(TestRecords.readAll(log))).containsKey("key-1");

        logs.time.sleep(1);
        CleanResult third = cleaner.cleanNow(log).orElseThrow();
        assertThat(third.earliestDeleteHorizonMs()).isEmpty();
        Map<String, String> finalView = TestRecords.latestByKey(TestRecords.readAll(log));
        assertThat(finalView).doesNotContainKey("key-1").containsKeys("key-0", "key-2", "key-3", "key-4", "key-5");
    }

    @Test
    void minCompactionLagKeepsRecentSegmentsDirty() throws IOException {
        TestLogs logs = new TestLogs(root);
        LogConfig config = COMPACTED.withOverrides(Map.of("min.compaction.lag.ms", "60000"));
        Log log = logs.open(config);
        appendUpdates(logs, log, 100, 2);
        LogCleaner cleaner = cleanerFor(logs, log);
        assertThat(cleaner.cleanNow(log).orElseThrow().segmentsCleaned()).isZero();
        assertThat(TestRecords.readAll(log)).hasSize(100);
        logs.time.sleep(60_001);
        assertThat(cleaner.cleanNow(log).orElseThrow().segmentsCleaned()).isPositive();
        assertThat(TestRecords.readAll(log).size()).isLessThan(100);
    }

    @Test
    void compressedBatchesAreRecompressedWithTheirCodec() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(COMPACTED);
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(keyed(Compression.gzip().build(), logs.time.milliseconds(),
                "a", "a-" + i, "b", "b-" + i, "c" + i, "unique-" + i), 0);
        }
        cleanerFor(logs, log).cleanNow(log);
        FetchDataInfo all = log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true);
        for (RecordBatch batch : all.records().batches()) {
            batch.ensureValid();
            assertThat(batch.compressionType()).isEqualTo(CompressionType.GZIP);
        }
        Map<String, String> view = TestRecords.latestByKey(TestRecords.readAll(log));
        assertThat(view).containsEntry("a", "a-39").containsEntry("b", "b-39").containsEntry("c0", "unique-0");
    }

    @Test
    void smallOffsetMapCleansInSeveralPassesWithTheSameResult() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(COMPACTED);
        Map<String, String> latest = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            String key = "k" + random.nextInt(150);
            log.appendAsLeader(keyed(logs.time.milliseconds(), key, "v" + i), 0);
            latest.put(key, "v" + i);
        }
        LogCleaner cleaner = new LogCleaner(logs.time, 1000, 24 * 50, () -> List.of(log)); // ~45 keys per pass
        long previousEnd = -1;
        for (int pass = 0; pass < 20; pass++) {
            CleanResult result = cleaner.cleanNow(log).orElseThrow();
            assertThat(TestRecords.latestByKey(TestRecords.readAll(log))).isEqualTo(latest);
            if (result.endOffset() == previousEnd) {
                break;
            }
            previousEnd = result.endOffset();
        }
        assertThat(previousEnd).isEqualTo(log.activeSegment().baseOffset());
    }

    @Test
    void backgroundRoundPicksTheFilthiestEligibleLogAndCheckpointsProgress() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log dirty = logs.open(COMPACTED);
        appendUpdates(logs, dirty, 200, 3);
        TestLogs otherLogs = new TestLogs(root.resolve("other"), logs.time);
        Log mostlyClean = Log.load(root.resolve("orders-1"), new org.apache.kafka.common.TopicPartition("orders", 1),
            COMPACTED.withOverrides(Map.of("min.cleanable.dirty.ratio", "0.9")), 0, 0, true, logs.time,
            otherLogs.scheduler, (d, m, e) -> { });
        appendUpdates(logs, mostlyClean, 200, 50);
        LogCleaner cleaner = new LogCleaner(logs.time, 1000, 64 * 1024, () -> List.of(dirty, mostlyClean));
        cleaner.cleanNow(mostlyClean);
        long mostlyCleanProgress = cleaner.firstDirtyOffset(mostlyClean.topicPartition()).orElseThrow();
        appendUpdates(logs, mostlyClean, 30, 50); // dirty again, but well below a ratio of 0.9

        assertThat(cleaner.cleanFilthiestLog()).isTrue();
        assertThat(cleaner.firstDirtyOffset(dirty.topicPartition())).contains(dirty.activeSegment().baseOffset());
        assertThat(cleaner.firstDirtyOffset(mostlyClean.topicPartition())).contains(mostlyCleanProgress);
        Map<org.apache.kafka.common.TopicPartition, Long> checkpoint =
            new OffsetCheckpointFile(root.resolve(LogCleaner.CHECKPOINT_FILE)).read();
        assertThat(checkpoint).containsEntry(dirty.topicPartition(), dirty.activeSegment().baseOffset())
            .containsEntry(mostlyClean.topicPartition(), mostlyCleanProgress);
        assertThat(cleaner.cleanFilthiestLog()).isFalse();
    }

    @Test
    void interruptedSwapIsCompletedAtLoad() throws IOException {
        // Build the same log twice; compact the second and plant its output as a .swap file in the first.
        TestLogs original = new TestLogs(root.resolve("a"));
        Log log = original.open(COMPACTED);
        Map<String, String> latest = appendUpdates(original, log, 150, 5);
        TestLogs twin = new TestLogs(root.resolve("b"));
        Log twinLog = twin.open(COMPACTED);
        appendUpdates(twin, twinLog, 150, 5);
        // The first pass rewrites segment by segment; the second merges the now small segments.
        cleanerFor(twin, twinLog).cleanNow(twinLog);
        cleanerFor(twin, twinLog).cleanNow(twinLog);
        List<LogSegment> cleanedSegments = twinLog.segmentsSnapshot();
        assertThat(cleanedSegments.size()).isLessThan(log.numberOfSegments());
        Path cleanedFile = cleanedSegments.get(0).logFile();
        twinLog.close();
        log.close();
        Files.copy(cleanedFile, original.logDir().resolve(cleanedFile.getFileName() + ".swap"),
            StandardCopyOption.REPLACE_EXISTING);

        Log reopened = original.openAfterCrash(COMPACTED);
        try (var files = Files.list(original.logDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".swap"));
        }
        assertThat(reopened.numberOfSegments()).isEqualTo(cleanedSegments.size());
        assertThat(TestRecords.latestByKey(TestRecords.readAll(reopened))).isEqualTo(latest);
        assertThat(reopened.logEndOffset()).isEqualTo(150);
    }

    @Test
    void idempotentBatchesKeepTheirSequenceRangeWhenRewritten() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(COMPACTED);
        for (int seq = 0; seq < 30; seq += 2) {
            var batch = org.apache.kafka.common.record.internal.MemoryRecords.withIdempotentRecords(Compression.NONE,
                99L, (short) 0, seq,
                new org.apache.kafka.common.record.internal.SimpleRecord(1L, "same".getBytes(), ("v" + seq).getBytes()),
                new org.apache.kafka.common.record.internal.SimpleRecord(1L, ("u" + seq).getBytes(), "x".getBytes()));
            log.appendAsLeader(batch, 0);
        }
        cleanerFor(logs, log).cleanNow(log);
        FetchDataInfo all = log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true);
        for (RecordBatch batch : all.records().batches()) {
            batch.ensureValid();
            assertThat(batch.lastSequence() - batch.baseSequence()).isEqualTo(1);
            assertThat(batch.lastOffset() - batch.baseOffset()).isEqualTo(1);
        }
        log.close();
        Log reopened = logs.openAfterCrash(COMPACTED);
        assertThat(reopened.producerState(99L).orElseThrow().lastSequence()).isEqualTo(29);
    }
}
