package io.potok.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogRetentionTest {

    @TempDir
    Path root;

    private static final int BATCH_BYTES = TestRecords.sized(0, 1, 100).sizeInBytes();

    /** Appends one 100-byte record per batch, three batches per segment, timestamps from the mock clock. */
    private static void appendSegments(TestLogs logs, Log log, int batches, long stepMs) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestRecords.sized(logs.time.milliseconds(), 1, 100), 0);
            logs.time.sleep(stepMs);
        }
    }

    private static LogConfig config(String... extra) {
        String[] base = {"internal.segment.bytes", String.valueOf(BATCH_BYTES * 3), "file.delete.delay.ms", "1000"};
        String[] all = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return TestLogs.config(all);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void retentionMsDeletesSegmentsWhoseNewestRecordIsTooOld() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config("retention.ms", "10000"));
        appendSegments(logs, log, 9, 1000); // segments [0-2] [3-5] [6-8], timestamps t0..t0+8s
        assertThat(log.numberOfSegments()).isEqualTo(3); // segments roll lazily, at the next append
        assertThat(log.deleteOldSegments()).isZero();

        logs.time.sleep(3_000); // now = t0 + 12s: segment [0-2] (newest t0+2s) is 10s old, not older
        assertThat(log.deleteOldSegments()).isZero();
        logs.time.sleep(1); // now strictly older than retention
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(3);

        logs.time.sleep(100_000);
        // Everything is expired but the active segment is never deleted.
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(6);
        assertThat(TestRecords.readAll(log)).hasSize(3);
    }

    @Test
    void retentionBytesDeletesOldestSegmentsWhileTheRestStaysAboveTheLimit() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config("retention.bytes", String.valueOf(BATCH_BYTES * 5)));
        appendSegments(logs, log, 10, 0); // segments of 3,3,3 batches + active with 1
        assertThat(log.sizeInBytes()).isEqualTo(BATCH_BYTES * 10L);
        // Deleting the first segment leaves 7 batches >= 5; deleting the second too would leave 4 < 5.
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.sizeInBytes()).isEqualTo(BATCH_BYTES * 7L);
        assertThat(log.logStartOffset()).isEqualTo(3);
        assertThat(log.deleteOldSegments()).isZero();
    }

    @Test
    void deletionIsAsynchronousThroughDeletedSuffix() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config("retention.bytes", "0"));
        appendSegments(logs, log, 4, 0);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(files(logs.logDir())).contains(
            "00000000000000000000.log.deleted", "00000000000000000000.index.deleted",
            "00000000000000000000.timeindex.deleted")
            .doesNotContain("00000000000000000000.log");
        logs.time.sleep(999);
        assertThat(files(logs.logDir())).contains("00000000000000000000.log.deleted");
        logs.time.sleep(1);
        assertThat(files(logs.logDir())).noneMatch(f -> f.endsWith(".deleted"))
            .contains("00000000000000000003.log");
    }

    @Test
    void readerOfADeletedSegmentFinishesBeforeFilesGo() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config("retention.bytes", "0"));
        appendSegments(logs, log, 4, 0);
        LogSegment doomed = log.segmentsSnapshot().get(0);
        log.deleteOldSegments();
        // The segment object (as held by a reader that raced with retention) still reads its renamed file.
        assertThat(doomed.read(0, 10_000, doomed.size(), Long.MAX_VALUE, true).records().sizeInBytes()).isPositive();
    }

    @Test
    void compactOnlyPolicyKeepsExpiredSegments() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config("retention.ms", "1", "retention.bytes", "0", "cleanup.policy", "compact"));
        for (int i = 0; i < 7; i++) {
            log.appendAsLeader(TestRecords.keyed(logs.time.milliseconds(), "k" + i, "v".repeat(90)), 0);
        }
        logs.time.sleep(10_000);
        assertThat(log.deleteOldSegments()).isZero();
    }

    @Test
    void unlimitedRetentionKeepsEverything() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config("retention.ms", "-1", "retention.bytes", "-1"));
        appendSegments(logs, log, 9, 1000);
        logs.time.sleep(Long.MAX_VALUE / 4);
        assertThat(log.deleteOldSegments()).isZero();
    }

    @Test
    void deleteRecordsAdvancesLogStartOffsetAndDropsWholeSegmentsBelowIt() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config());
        appendSegments(logs, log, 9, 0); // segments [0-2] [3-5] [6-8]
        assertThat(log.deleteRecordsBefore(4)).isEqualTo(4);
        assertThat(log.logStartOffset()).isEqualTo(4);
        assertThat(log.segmentsSnapshot()).extracting(LogSegment::baseOffset).containsExactly(3L, 6L);
        assertThat(files(logs.logDir())).contains("00000000000000000000.log.deleted");
        assertThat(TestRecords.readAll(log)).extracting(r -> r.offset()).containsExactly(4L, 5L, 6L, 7L, 8L);

        assertThat(log.deleteRecordsBefore(2)).isEqualTo(4); // never moves backwards
        assertThat(log.deleteRecordsBefore(1000)).isEqualTo(9); // capped at the log end offset
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(TestRecords.readAll(log)).isEmpty();
        assertThatThrownBy(() -> log.deleteRecordsBefore(-1))
            .isInstanceOf(org.apache.kafka.common.errors.OffsetOutOfRangeException.class);

        log.appendAsLeader(TestRecords.values(1, "after"), 0);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log))).containsExactly("after");
    }

    @Test
    void logStartOffsetSurvivesReopenThroughTheCheckpointValue() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(config());
        appendSegments(logs, log, 5, 0);
        log.deleteRecordsBefore(4);
        long start = log.logStartOffset();
        log.close();
        Log reopened = Log.load(logs.logDir(), TestLogs.TP, config(), 0, start, true, logs.time, logs.scheduler,
            (d, m, e) -> { });
        assertThat(reopened.logStartOffset()).isEqualTo(4);
        assertThat(TestRecords.readAll(reopened)).extracting(r -> r.offset()).containsExactly(4L);
    }
}
