package io.potok.storage;

import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LogTruncationTest {

    @TempDir
    Path root;

    private static final LogConfig CONFIG = TestLogs.config("internal.segment.bytes", "500", "index.interval.bytes",
        "1", "file.delete.delay.ms", "0");

    private static Log filled(TestLogs logs, int batches) throws IOException {
        Log log = logs.open(CONFIG);
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestRecords.values(100 + i, "v" + (2 * i), "v" + (2 * i + 1)), 0);
        }
        return log;
    }

    @Test
    void truncateWithinTheActiveSegment() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = filled(logs, 20);
        int segments = log.numberOfSegments();
        log.truncateTo(38);
        assertThat(log.logEndOffset()).isEqualTo(38);
        assertThat(log.numberOfSegments()).isEqualTo(segments);
        assertThat(TestRecords.readAll(log)).hasSize(38);
        log.appendAsLeader(TestRecords.values(1, "x"), 0);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log))).endsWith("v37", "x");
    }

    @Test
    void truncateAcrossSegmentsRemovesLaterSegmentsAndKeepsIndexesUsable() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = filled(logs, 40);
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        log.truncateTo(12);
        logs.time.sleep(0);
        assertThat(log.logEndOffset()).isEqualTo(12);
        assertThat(log.activeSegment().baseOffset()).isLessThanOrEqualTo(12);
        assertThat(log.offsetForTimestamp(105)).map(TimestampAndOffset::offset).contains(10L);
        assertThat(log.offsetForTimestamp(106)).isEmpty();
        assertThat(log.maxTimestampAndOffset()).map(TimestampAndOffset::timestampMs).contains(105L);
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestRecords.values(200 + i, "n" + i), 0);
        }
        long offset = 0;
        for (Record r : TestRecords.readAll(log)) {
            assertThat(r.offset()).isEqualTo(offset++);
        }
        assertThat(offset).isEqualTo(42);
        log.close();
        Log reopened = logs.openAfterCrash(CONFIG);
        assertThat(reopened.logEndOffset()).isEqualTo(42);
    }

    @Test
    void truncateInTheMiddleOfABatchRemovesTheWholeBatch() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = filled(logs, 5);
        log.truncateTo(7);
        assertThat(log.logEndOffset()).isEqualTo(6);
    }

    @Test
    void truncateBelowTheFirstSegmentStartsAnEmptyLogThere() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(CONFIG);
        log.appendAsFollower(TestRecords.withOffset(100, 1, "a", "b"));
        log.deleteRecordsBefore(101);
        log.truncateTo(50);
        assertThat(log.logStartOffset()).isEqualTo(50);
        assertThat(log.logEndOffset()).isEqualTo(50);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        log.appendAsFollower(TestRecords.withOffset(50, 1, "c"));
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log))).containsExactly("c");
    }

    @Test
    void truncateAtOrBeyondTheEndIsANoOp() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = filled(logs, 3);
        log.truncateTo(6);
        log.truncateTo(100);
        assertThat(log.logEndOffset()).isEqualTo(6);
    }
}
