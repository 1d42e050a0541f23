package io.potok.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.potok.storage.TestRecords.values;
import static org.assertj.core.api.Assertions.assertThat;

class LogRollTest {

    @TempDir
    Path root;

    @Test
    void rollsWhenNextBatchWouldExceedSegmentBytes() throws IOException {
        TestLogs logs = new TestLogs(root);
        int batchSize = TestRecords.sized(0, 1, 100).sizeInBytes();
        Log log = logs.open(TestLogs.config("internal.segment.bytes", String.valueOf(batchSize * 3)));
        for (int i = 0; i < 7; i++) {
            log.appendAsLeader(TestRecords.sized(logs.time.milliseconds(), 1, 100), 0);
        }
        assertThat(log.numberOfSegments()).isEqualTo(3);
        assertThat(log.segmentsSnapshot()).extracting(LogSegment::baseOffset).containsExactly(0L, 3L, 6L);
        assertThat(log.segmentsSnapshot().get(0).size()).isEqualTo(batchSize * 3);
        assertThat(Files.exists(logs.logDir().resolve("00000000000000000003.log"))).isTrue();
        assertThat(Files.exists(logs.logDir().resolve("00000000000000000003.index"))).isTrue();
        assertThat(Files.exists(logs.logDir().resolve("00000000000000000003.timeindex"))).isTrue();
        assertThat(TestRecords.readAll(log)).hasSize(7);
    }

    @Test
    void rolledSegmentIndexesAreTrimmedAndActiveOnesPreallocated() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("internal.segment.bytes", "3000", "index.interval.bytes", "1",
            "segment.index.bytes", "4096"));
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestRecords.sized(logs.time.milliseconds() + i, 1, 200), 0);
        }
        LogSegment first = log.segmentsSnapshot().get(0);
        assertThat(Files.size(first.offsetIndex().file())).isEqualTo(first.offsetIndex().entries() * 8L);
        assertThat(first.offsetIndex().entries()).isGreaterThan(0);
        assertThat(Files.size(first.timeIndex().file())).isEqualTo(first.timeIndex().entries() * 12L);
        assertThat(Files.size(log.activeSegment().offsetIndex().file())).isEqualTo(4096);
    }

    @Test
    void rollsWhenSegmentMsHasPassedMeasuredWithInjectedClock() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("segment.ms", "60000"));
        log.appendAsLeader(values(logs.time.milliseconds(), "a"), 0);
        logs.time.sleep(30_000);
        log.appendAsLeader(values(logs.time.milliseconds(), "b"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        logs.time.sleep(30_001);
        log.appendAsLeader(values(logs.time.milliseconds(), "c"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(log.activeSegment().baseOffset()).isEqualTo(2);
    }

    @Test
    void timeRollUsesCreationTimeWhenRecordsHaveNoTimestamp() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("segment.ms", "1000"));
        log.appendAsLeader(values(-1, "a"), 0);
        logs.time.sleep(999);
        log.appendAsLeader(values(-1, "b"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        logs.time.sleep(2);
        log.appendAsLeader(values(-1, "c"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(2);
    }

    @Test
    void jitterShortensTheRollInterval() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("segment.ms", "100000", "segment.jitter.ms", "50000"));
        log.appendAsLeader(values(logs.time.milliseconds(), "a"), 0);
        logs.time.sleep(100_001);
        log.appendAsLeader(values(logs.time.milliseconds(), "b"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(2);
    }

    @Test
    void emptySegmentIsNeverRolledByTime() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("segment.ms", "10"));
        logs.time.sleep(1_000);
        log.appendAsLeader(values(logs.time.milliseconds(), "a"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
    }

    @Test
    void rollsWhenOffsetIndexIsFull() throws IOException {
        TestLogs logs = new TestLogs(root);
        // 4 offset index entries, one for every batch after the first; equal timestamps keep the time index small.
        Log log = logs.open(TestLogs.config("segment.index.bytes", "36", "index.interval.bytes", "1"));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(values(logs.time.milliseconds(), "v" + i), 0);
        }
        assertThat(log.segmentsSnapshot()).extracting(LogSegment::baseOffset).containsExactly(0L, 5L);
        assertThat(log.segmentsSnapshot().get(0).offsetIndex().entries()).isEqualTo(4);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log))).hasSize(10);
    }

    @Test
    void rollsWhenTimeIndexIsFull() throws IOException {
        TestLogs logs = new TestLogs(root);
        // 24 bytes: 3 offset index entries but only 2 time index slots, one of them reserved for the roll.
        Log log = logs.open(TestLogs.config("segment.index.bytes", "24", "index.interval.bytes", "1"));
        for (int i = 0; i < 6; i++) {
            log.appendAsLeader(values(logs.time.milliseconds() + i, "v" + i), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThanOrEqualTo(2);
        assertThat(log.segmentsSnapshot().get(0).offsetIndex().entries()).isLessThan(3);
    }

    @Test
    void rollsWhenRelativeOffsetWouldOverflow() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(LogConfig.DEFAULT);
        log.appendAsFollower(TestRecords.withOffset(0, 1, "a"));
        long far = (long) Integer.MAX_VALUE + 10;
        log.appendAsFollower(TestRecords.withOffset(far, 1, "b"));
        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(log.activeSegment().baseOffset()).isEqualTo(far);
        assertThat(TestRecords.readAll(log)).extracting(r -> r.offset()).containsExactly(0L, far);
    }

    @Test
    void rolledSegmentIsFlushedInTheBackground() throws IOException {
        TestLogs logs = new TestLogs(root);
        int batchSize = TestRecords.sized(0, 1, 100).sizeInBytes();
        Log log = logs.open(TestLogs.config("internal.segment.bytes", String.valueOf(batchSize * 2)));
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(TestRecords.sized(1, 1, 100), 0);
        }
        assertThat(log.recoveryPoint()).isZero();
        logs.time.sleep(0); // runs the flush task scheduled by the roll
        assertThat(log.recoveryPoint()).isEqualTo(2);
    }
}
