package io.potok.storage;

import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.potok.storage.TestRecords.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogReadTest {

    @TempDir
    Path root;

    private Log logWithBatches(TestLogs logs, LogConfig config, int batches, int recordsPerBatch) {
        try {
            Log log = logs.open(config);
            for (int b = 0; b < batches; b++) {
                String[] vals = new String[recordsPerBatch];
                for (int r = 0; r < recordsPerBatch; r++) {
                    vals[r] = "b" + b + "r" + r;
                }
                log.appendAsLeader(values(1000 + b, vals), 0);
            }
            return log;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readStartsAtTheBatchContainingTheOffset() {
        Log log = logWithBatches(new TestLogs(root), LogConfig.DEFAULT, 5, 3);
        FetchDataInfo info = log.read(7, 100_000, Long.MAX_VALUE, false);
        List<RecordBatch> batches = TestRecords.batches(info.records());
        assertThat(info.fetchOffset()).isEqualTo(7);
        assertThat(batches.get(0).baseOffset()).isEqualTo(6);
        assertThat(batches).extracting(RecordBatch::baseOffset).containsExactly(6L, 9L, 12L);
    }

    @Test
    void readReturnsOneWholeBatchLargerThanMaxBytesWhenMinOneMessage() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(LogConfig.DEFAULT);
        log.appendAsLeader(TestRecords.sized(1, 10, 100), 0);
        log.appendAsLeader(TestRecords.sized(1, 10, 100), 0);
        int firstSize = TestRecords.batches(log.read(0, 100_000, Long.MAX_VALUE, false).records()).get(0).sizeInBytes();

        FetchDataInfo oneBatch = log.read(0, 10, Long.MAX_VALUE, true);
        assertThat(oneBatch.records().sizeInBytes()).isEqualTo(firstSize);
        assertThat(TestRecords.batches(oneBatch.records())).hasSize(1);
        TestRecords.batches(oneBatch.records()).get(0).ensureValid();

        FetchDataInfo nothing = log.read(0, 10, Long.MAX_VALUE, false);
        assertThat(nothing.records().sizeInBytes()).isZero();
    }

    @Test
    void readReturnsOnlyWholeBatchesWithinMaxBytes() {
        Log log = logWithBatches(new TestLogs(root), LogConfig.DEFAULT, 10, 2);
        int batchSize = TestRecords.batches(log.read(0, 100_000, Long.MAX_VALUE, false).records()).get(0).sizeInBytes();
        FetchDataInfo info = log.read(0, batchSize * 3 + batchSize / 2, Long.MAX_VALUE, true);
        assertThat(TestRecords.batches(info.records())).hasSize(3);
        assertThat(info.records().sizeInBytes()).isEqualTo(batchSize * 3);
    }

    @Test
    void readNeverReturnsDataAtOrBeyondMaxOffset() {
        Log log = logWithBatches(new TestLogs(root), LogConfig.DEFAULT, 4, 5);
        FetchDataInfo info = log.read(0, 100_000, 10, true);
        assertThat(TestRecords.batches(info.records())).extracting(RecordBatch::lastOffset).containsExactly(4L, 9L);
        // A high watermark in the middle of a batch excludes the whole batch.
        FetchDataInfo partial = log.read(0, 100_000, 12, true);
        assertThat(TestRecords.batches(partial.records())).extracting(RecordBatch::lastOffset).containsExactly(4L, 9L);
        assertThat(log.read(10, 100_000, 10, true).records().sizeInBytes()).isZero();
    }

    @Test
    void readAtLogEndIsEmptyAndOutsideTheLogIsOutOfRange() {
        Log log = logWithBatches(new TestLogs(root), LogConfig.DEFAULT, 2, 2);
        assertThat(log.read(4, 100, Long.MAX_VALUE, true).records().sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(5, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
        log.deleteRecordsBefore(2);
        assertThatThrownBy(() -> log.read(1, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.read(2, 100_000, Long.MAX_VALUE, true).records().sizeInBytes()).isPositive();
    }

    @Test
    void readsAcrossSegmentsAndThroughTheIndex() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logWithBatches(logs, TestLogs.config("internal.segment.bytes", "2000", "index.interval.bytes", "100"),
            200, 3);
        assertThat(log.numberOfSegments()).isGreaterThan(5);
        for (long offset = 0; offset < 600; offset += 7) {
            FetchDataInfo info = log.read(offset, 1, Long.MAX_VALUE, true);
            RecordBatch batch = TestRecords.batches(info.records()).get(0);
            assertThat(batch.baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(batch.lastOffset()).isGreaterThanOrEqualTo(offset);
        }
        assertThat(TestRecords.readAll(log)).hasSize(600);
    }

    @Test
    void readSkipsOffsetGapsLeftByCompaction() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(LogConfig.DEFAULT);
        log.appendAsFollower(TestRecords.withOffset(0, 1, "a"));
        log.roll();
        log.appendAsFollower(TestRecords.withOffset(20, 1, "b"));
        // Offset 5 lies in a gap: the read continues with the next batch.
        FetchDataInfo info = log.read(5, 10_000, Long.MAX_VALUE, true);
        assertThat(TestRecords.batches(info.records()).get(0).baseOffset()).isEqualTo(20);
    }
}
