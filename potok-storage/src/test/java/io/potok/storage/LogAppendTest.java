package io.potok.storage;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static io.potok.storage.TestRecords.keyed;
import static io.potok.storage.TestRecords.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogAppendTest {

    @TempDir
    Path root;

    @Test
    void assignsConsecutiveOffsetsAndStoresBatchesAsSent() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(LogConfig.DEFAULT);
        MemoryRecords first = values(1000, "a", "b", "c");
        LogAppendInfo info1 = log.appendAsLeader(first, 7);
        LogAppendInfo info2 = log.appendAsLeader(values(2000, "d"), 7);

        assertThat(info1).isEqualTo(new LogAppendInfo(0, 2, -1, 0, 3, first.sizeInBytes(), false));
        assertThat(info2.firstOffset()).isEqualTo(3);
        assertThat(info2.lastOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(4);

        FetchDataInfo read = log.read(0, 100_000, Long.MAX_VALUE, false);
        List<RecordBatch> batches = TestRecords.batches(read.records());
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0).partitionLeaderEpoch()).isEqualTo(7);
        assertThat(batches.get(0).baseOffset()).isZero();
        // Byte-for-byte: the stored batch is the producer's batch with offset and epoch filled in.
        ByteBuffer stored = read.records().buffer().duplicate();
        stored.limit(first.sizeInBytes());
        assertThat(stored).isEqualTo(first.buffer());
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log))).containsExactly("a", "b", "c", "d");
    }

    @Test
    void compressedBatchesAreStoredWithoutRecompression() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        MemoryRecords gzip = keyed(Compression.gzip().build(), 5, "k1", "v1", "k2", "v2");
        byte[] original = new byte[gzip.sizeInBytes()];
        gzip.buffer().get(original);
        log.appendAsLeader(gzip, 0);
        FetchDataInfo read = log.read(0, 100_000, Long.MAX_VALUE, false);
        byte[] stored = new byte[read.records().sizeInBytes()];
        read.records().buffer().get(stored);
        // Only the base offset (bytes 0-7) and leader epoch (12-15, -1 from the producer) are filled in.
        java.nio.ByteBuffer.wrap(original).putInt(BatchHeader.PARTITION_LEADER_EPOCH_OFFSET, 0);
        assertThat(stored).isEqualTo(original);
        assertThat(TestRecords.latestByKey(TestRecords.readAll(log))).containsEntry("k1", "v1").containsEntry("k2", "v2");
    }

    @Test
    void logAppendTimeStampsTheBatchAndKeepsItValid() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("message.timestamp.type", "LogAppendTime"));
        LogAppendInfo info = log.appendAsLeader(values(5, "x", "y"), 0);
        assertThat(info.logAppendTimeMs()).isEqualTo(logs.time.milliseconds());
        RecordBatch batch = TestRecords.batches(log.read(0, 10_000, Long.MAX_VALUE, false).records()).get(0);
        batch.ensureValid();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(logs.time.milliseconds());
        for (Record r : batch) {
            assertThat(r.timestamp()).isEqualTo(logs.time.milliseconds());
        }
    }

    @Test
    void rejectsLegacyMagic() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
            new SimpleRecord(1L, "v".getBytes()));
        assertThatThrownBy(() -> log.appendAsLeader(v1, 0)).isInstanceOf(UnsupportedForMessageFormatException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void rejectsCorruptBatch() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        MemoryRecords records = values(1, "payload");
        ByteBuffer buf = records.buffer();
        int last = buf.limit() - 2;
        buf.put(last, (byte) (buf.get(last) ^ 0x40));
        assertThatThrownBy(() -> log.appendAsLeader(records, 0)).isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void rejectsTruncatedBatch() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        MemoryRecords records = values(1, "payload");
        ByteBuffer truncated = records.buffer();
        truncated.limit(truncated.limit() - 3);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(truncated.slice()), 0))
            .isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void rejectsBatchLargerThanMaxMessageBytes() throws IOException {
        Log log = new TestLogs(root).open(TestLogs.config("max.message.bytes", "500"));
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.sized(1, 1, 600), 0))
            .isInstanceOf(RecordTooLargeException.class);
        log.appendAsLeader(TestRecords.sized(1, 1, 100), 0);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void rejectsInconsistentRecordCount() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        MemoryRecords records = values(1, "a", "b");
        ByteBuffer buf = records.buffer();
        buf.putInt(BatchHeader.RECORDS_COUNT_OFFSET, 3); // claims 3 records, lastOffsetDelta says 2
        fixCrc(buf);
        assertThatThrownBy(() -> log.appendAsLeader(records, 0)).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("Inconsistent");

        MemoryRecords other = values(1, "a", "b");
        ByteBuffer b2 = other.buffer();
        b2.putInt(BatchHeader.RECORDS_COUNT_OFFSET, 3);
        b2.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, 2); // consistent header, but only 2 records present
        fixCrc(b2);
        assertThatThrownBy(() -> log.appendAsLeader(other, 0)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void compactedTopicRejectsRecordsWithoutKey() throws IOException {
        Log log = new TestLogs(root).open(TestLogs.config("cleanup.policy", "compact"));
        assertThatThrownBy(() -> log.appendAsLeader(values(1, "no-key"), 0))
            .isInstanceOf(InvalidRecordException.class)
            .hasMessage("Compacted topic cannot accept message without key");
        MemoryRecords gzipNoKey = MemoryRecords.withRecords(Compression.gzip().build(),
            new SimpleRecord(1L, null, "v".getBytes()));
        assertThatThrownBy(() -> log.appendAsLeader(gzipNoKey, 0))
            .isInstanceOf(InvalidRecordException.class);
        log.appendAsLeader(keyed(1, "k", "v"), 0);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void wrongMaxTimestampFromProducerIsCorrected() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(100L, null, "a".getBytes()), new SimpleRecord(300L, null, "b".getBytes()));
        ByteBuffer buf = records.buffer();
        buf.putLong(BatchHeader.MAX_TIMESTAMP_OFFSET, 5L);
        fixCrc(buf);
        log.appendAsLeader(records, 0);
        RecordBatch stored = TestRecords.batches(log.read(0, 10_000, Long.MAX_VALUE, false).records()).get(0);
        stored.ensureValid();
        assertThat(stored.maxTimestamp()).isEqualTo(300L);
        assertThat(log.maxTimestampAndOffset()).contains(new TimestampAndOffset(300L, 1, java.util.Optional.of(0)));
    }

    @Test
    void flushMessagesOneFsyncsBeforeReturning() throws IOException {
        Log log = new TestLogs(root).open(TestLogs.config("flush.messages", "1"));
        log.appendAsLeader(values(1, "a"), 0);
        assertThat(log.recoveryPoint()).isEqualTo(1);
        log.appendAsLeader(values(1, "b", "c"), 0);
        assertThat(log.recoveryPoint()).isEqualTo(3);

        Log unflushed = new TestLogs(root.resolve("other")).open(LogConfig.DEFAULT);
        unflushed.appendAsLeader(values(1, "a"), 0);
        assertThat(unflushed.recoveryPoint()).isZero();
        unflushed.flush();
        assertThat(unflushed.recoveryPoint()).isEqualTo(1);
    }

    @Test
    void followerAppendKeepsOffsetsAndRejectsOffsetsBelowEnd() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        log.appendAsFollower(TestRecords.withOffset(0, 1, "a", "b"));
        log.appendAsFollower(TestRecords.withOffset(10, 1, "c"));
        assertThat(log.logEndOffset()).isEqualTo(11);
        assertThatThrownBy(() -> log.appendAsFollower(TestRecords.withOffset(5, 1, "d")))
            .isInstanceOf(UnexpectedAppendOffsetException.class);
        List<Record> records = TestRecords.readAll(log);
        assertThat(records).extracting(Record::offset).containsExactly(0L, 1L, 10L);
    }

    @Test
    void emptyAppendIsANoOp() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        LogAppendInfo info = log.appendAsLeader(MemoryRecords.EMPTY, 0);
        assertThat(info.recordCount()).isZero();
        assertThat(log.logEndOffset()).isZero();
    }

    static void fixCrc(ByteBuffer buf) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        buf.putInt(BatchHeader.CRC_OFFSET, (int) BatchHeader.computeCrc(buf, 0, buf.getInt(8) + 12, crc));
    }
}
