package io.potok.storage;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for producer-style batches and readers of log contents. */
final class TestRecords {

    private TestRecords() {
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** One uncompressed batch of values without keys, all with timestamp {@code timestampMs}. */
    static MemoryRecords values(long timestampMs, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(timestampMs, null, bytes(values[i]));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** One batch of key/value pairs ({@code k1, v1, k2, v2...}; a null value is a tombstone). */
    static MemoryRecords keyed(long timestampMs, String... keysAndValues) {
        return keyed(Compression.NONE, timestampMs, keysAndValues);
    }

    static MemoryRecords keyed(Compression compression, long timestampMs, String... keysAndValues) {
        SimpleRecord[] records = new SimpleRecord[keysAndValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(timestampMs, bytes(keysAndValues[2 * i]), bytes(keysAndValues[2 * i + 1]));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    /** A batch of {@code count} records each carrying {@code valueBytes} bytes. */
    static MemoryRecords sized(long timestampMs, int count, int valueBytes) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(timestampMs, null, new byte[valueBytes]);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1000L, null, bytes(values[i]));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    /** Batches with offsets already assigned, as a follower receives them. */
    static MemoryRecords withOffset(long baseOffset, long timestampMs, String... values) {
        ByteBuffer buffer = ByteBuffer.allocate(1024 + values.length * 64);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME,
            baseOffset);
        for (String v : values) {
            builder.append(timestampMs, null, bytes(v));
        }
        return builder.build();
    }

    /** Copies records so that appending (which rewrites headers in place) does not alter the test's original. */
    static MemoryRecords copy(MemoryRecords records) {
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        copy.put(records.buffer()).flip();
        return MemoryRecords.readableRecords(copy);
    }

    /** Every record of the log from its start, in offset order. */
    static List<Record> readAll(Log log) {
        List<Record> result = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            FetchDataInfo info = log.read(next, 1024 * 1024, Long.MAX_VALUE, true);
            if (info.records().sizeInBytes() == 0) {
                break;
            }
            for (RecordBatch batch : info.records().batches()) {
                batch.ensureValid();
                for (Record record : batch) {
                    if (record.offset() >= next) {
                        result.add(record);
                    }
                }
                next = batch.nextOffset();
            }
        }
        return result;
    }

    static List<String> valuesOf(List<Record> records) {
        List<String> values = new ArrayList<>();
        for (Record r : records) {
            values.add(string(r.value()));
        }
        return values;
    }

    /** Latest value per key (insertion ordered by first appearance), as a consumer of a compacted topic sees it. */
    static Map<String, String> latestByKey(List<Record> records) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Record r : records) {
            result.put(string(r.key()), string(r.value()));
        }
        return result;
    }

    static List<RecordBatch> batches(MemoryRecords records) {
        List<RecordBatch> result = new ArrayList<>();
        for (RecordBatch b : records.batches()) {
            result.add(b);
        }
        return result;
    }
}
