package io.potok.storage;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Validates the batches of a produce or replication request before they reach the log, working on the batch bytes
 * directly so that uncompressed batches are checked without creating an object per record.
 *
 * <p>Leader checks (Kafka's LogValidator): magic v2, sane framing, size within max.message.bytes, CRC, record count
 * equal to lastOffsetDelta + 1 and matching the records actually present, record offset deltas 0..n-1, no control
 * batches from clients, a sequence for idempotent batches, and keys on compacted topics. Compressed batches are only
 * decompressed for the key check of compacted topics. The true max timestamp of an uncompressed CreateTime batch is
 * computed on the way; the log fixes the header if the producer got it wrong.
 *
 * <p>Thread-safety: stateless apart from per-call objects; safe to share.
 */
final class LogValidator {

    private LogValidator() {
    }

    /** Batches of one request, in order, as found in the buffer (offsets not yet assigned). */
    record ValidatedBatches(List<BatchHeader> batches, int[] positions, long[] computedMaxTimestamps, int validBytes,
                            int recordCount) {
    }

    static ValidatedBatches validateForLeader(ByteBuffer buf, LogConfig config) {
        CRC32C crc = new CRC32C();
        RecordWalker walker = new RecordWalker();
        List<BatchHeader> batches = new ArrayList<>(1);
        List<Integer> positions = new ArrayList<>(1);
        List<Long> maxTimestamps = new ArrayList<>(1);
        int pos = buf.position();
        int limit = buf.limit();
        int recordCount = 0;
        while (pos < limit) {
            BatchHeader header = frame(buf, pos, limit, config.maxMessageBytes());
            checkCrc(buf, pos, header, crc);
            int count = header.recordCount();
            if (header.lastOffsetDelta() < 0 || count <= 0) {
                throw new InvalidRecordException("Invalid record count " + count + " / last offset delta "
                    + header.lastOffsetDelta() + " in batch at position " + pos);
            }
            if ((long) header.lastOffsetDelta() + 1 != count) {
                throw new InvalidRecordException("Inconsistent batch offset range [0, " + header.lastOffsetDelta()
                    + "] and count of records " + count);
            }
            if (header.isControlBatch()) {
                throw new InvalidRecordException("Clients are not allowed to write control records");
            }
            if (header.hasProducerId() && header.baseSequence() < 0) {
                throw new InvalidRecordException("Invalid sequence number " + header.baseSequence()
                    + " in record batch with producerId " + header.producerId());
            }
            long maxTimestamp = header.maxTimestamp();
            if (!header.isCompressed()) {
                maxTimestamp = walker.walk(buf, pos, header, config.compactEnabled());
            } else if (config.compactEnabled()) {
                requireKeys(buf, pos, header);
            }
            batches.add(header);
            positions.add(pos);
            maxTimestamps.add(maxTimestamp);
            recordCount += count;
            pos += header.sizeInBytes();
        }
        int validBytes = pos - buf.position();
        if (validBytes > config.segmentBytes()) {
            throw new RecordBatchTooLargeException("Message batch size is " + validBytes
                + " bytes which exceeds the maximum configured segment size of " + config.segmentBytes());
        }
        int[] positionArray = positions.stream().mapToInt(Integer::intValue).toArray();
        long[] maxTimestampArray = maxTimestamps.stream().mapToLong(Long::longValue).toArray();
        return new ValidatedBatches(batches, positionArray, maxTimestampArray, validBytes, recordCount);
    }

    /** Replication checks: framing, magic, CRC and offsets increasing from batch to batch. */
    static ValidatedBatches validateForFollower(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        List<BatchHeader> batches = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        int pos = buf.position();
        int limit = buf.limit();
        long lastOffset = -1;
        int recordCount = 0;
        while (pos < limit) {
            BatchHeader header = frame(buf, pos, limit, Integer.MAX_VALUE);
            checkCrc(buf, pos, header, crc);
            if (header.lastOffsetDelta() < 0 || header.baseOffset() <= lastOffset) {
                throw new InvalidRecordException("Batch offsets " + header.baseOffset() + ".." + header.lastOffset()
                    + " do not increase after " + lastOffset);
            }
            lastOffset = header.lastOffset();
            batches.add(header);
            positions.add(pos);
            recordCount += Math.max(0, header.recordCount());
            pos += header.sizeInBytes();
        }
        long[] maxTimestamps = batches.stream().mapToLong(BatchHeader::maxTimestamp).toArray();
        return new ValidatedBatches(batches, positions.stream().mapToInt(Integer::intValue).toArray(), maxTimestamps,
            pos - buf.position(), recordCount);
    }

    private static BatchHeader frame(ByteBuffer buf, int pos, int limit, int maxBatchBytes) {
        int remaining = limit - pos;
        if (remaining < BatchHeader.HEADER_SIZE_UP_TO_MAGIC) {
            throw new CorruptRecordException("Truncated record batch: " + remaining + " trailing bytes at position " + pos);
        }
        byte magic = buf.get(pos + BatchHeader.MAGIC_OFFSET);
        if (magic != BatchHeader.MAGIC_V2) {
            throw new UnsupportedForMessageFormatException("Record batch magic " + magic
                + " is not supported: only v2 batches can be written");
        }
        if (remaining < BatchHeader.RECORD_BATCH_OVERHEAD) {
            throw new CorruptRecordException("Truncated record batch header: " + remaining + " bytes at position " + pos);
        }
        BatchHeader header = BatchHeader.parse(buf, pos);
        int size = header.sizeInBytes();
        if (size < BatchHeader.RECORD_BATCH_OVERHEAD) {
            throw new CorruptRecordException("Record batch size " + size + " is smaller than the minimum "
                + BatchHeader.RECORD_BATCH_OVERHEAD);
        }
        if (size > remaining) {
            throw new CorruptRecordException("Record batch of " + size + " bytes is truncated to " + remaining + " bytes");
        }
        if (size > maxBatchBytes) {
            throw new RecordTooLargeException("The record batch is " + size
                + " bytes, larger than max.message.bytes (" + maxBatchBytes + ")");
        }
        return header;
    }

    private static void checkCrc(ByteBuffer buf, int pos, BatchHeader header, CRC32C crc) {
        long computed = BatchHeader.computeCrc(buf, pos, header.sizeInBytes(), crc);
        if (computed != header.crc()) {
            throw new CorruptRecordException("Record batch is corrupt (stored crc = " + header.crc()
                + ", computed crc = " + computed + ")");
        }
    }

    /** Compressed batches on compacted topics: decompressing is unavoidable to see the keys. */
    private static void requireKeys(ByteBuffer buf, int pos, BatchHeader header) {
        ByteBuffer slice = buf.duplicate().limit(pos + header.sizeInBytes()).position(pos).slice();
        for (RecordBatch batch : MemoryRecords.readableRecords(slice).batches()) {
            for (Record record : batch) {
                if (!record.hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept message without key");
                }
            }
        }
    }

    /**
     * Walks the records of an uncompressed v2 batch by their varint-encoded framing, allocation-free: checks that the
     * records exactly fill the batch, that offset deltas run 0..n-1 and (for compacted topics) that every record has
     * a key; returns the largest record timestamp.
     *
     * <p>Record layout: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, keyLength varint,
     * key, valueLength varint, value, header count varint, headers.
     */
    static final class RecordWalker {
        private int cursor;
        private int end;

        long walk(ByteBuffer buf, int batchPos, BatchHeader header, boolean requireKeys) {
            int batchEnd = batchPos + header.sizeInBytes();
            cursor = batchPos + BatchHeader.RECORD_BATCH_OVERHEAD;
            end = batchEnd;
            int count = header.recordCount();
            long maxDelta = Long.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                int length = readVarint(buf);
                if (length <= 0 || length > batchEnd - cursor) {
                    throw new InvalidRecordException("Invalid record size " + length + " for record " + i);
                }
                int recordEnd = cursor + length;
                end = recordEnd;
                cursor++; // attributes
                long timestampDelta = readVarlong(buf);
                int offsetDelta = readVarint(buf);
                if (offsetDelta != i) {
                    throw new InvalidRecordException("Record " + i + " has offset delta " + offsetDelta);
                }
                int keyLength = readVarint(buf);
                if (keyLength < 0) {
                    if (keyLength != -1) {
                        throw new InvalidRecordException("Invalid key length " + keyLength);
                    }
                    if (requireKeys) {
                        throw new InvalidRecordException("Compacted topic cannot accept message without key");
                    }
                } else {
                    skip(keyLength);
                }
                int valueLength = readVarint(buf);
                if (valueLength < -1) {
                    throw new InvalidRecordException("Invalid value length " + valueLength);
                }
                skip(Math.max(0, valueLength));
                int headerCount = readVarint(buf);
                if (headerCount < 0) {
                    throw new InvalidRecordException("Invalid header count " + headerCount);
                }
                for (int h = 0; h < headerCount; h++) {
                    int headerKeyLength = readVarint(buf);
                    if (headerKeyLength < 0) {
                        throw new InvalidRecordException("Invalid header key length " + headerKeyLength);
                    }
                    skip(headerKeyLength);
                    int headerValueLength = readVarint(buf);
                    if (headerValueLength < -1) {
                        throw new InvalidRecordException("Invalid header value length " + headerValueLength);
                    }
                    skip(Math.max(0, headerValueLength));
                }
                if (cursor != recordEnd) {
                    throw new InvalidRecordException("Invalid record size: expected " + length + " bytes in record " + i
                        + " but its fields take " + (cursor - (recordEnd - length)));
                }
                maxDelta = Math.max(maxDelta, timestampDelta);
                end = batchEnd;
            }
            if (cursor != batchEnd) {
                throw new InvalidRecordException("Record batch has " + (batchEnd - cursor)
                    + " bytes after its last record");
            }
            if (header.timestampType() == TimestampType.LOG_APPEND_TIME || header.baseTimestamp() < 0) {
                return header.maxTimestamp();
            }
            return header.baseTimestamp() + maxDelta;
        }

        private void skip(int bytes) {
            if (bytes > end - cursor) {
                throw new InvalidRecordException("Record field of " + bytes + " bytes overruns its record");
            }
            cursor += bytes;
        }

        private int readVarint(ByteBuffer buf) {
            int value = 0;
            int shift = 0;
            while (true) {
                if (cursor >= end) {
                    throw new InvalidRecordException("Truncated varint in record");
                }
                byte b = buf.get(cursor++);
                value |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
                if (shift > 28) {
                    throw new InvalidRecordException("Varint is too long");
                }
            }
            return (value >>> 1) ^ -(value & 1);
        }

        private long readVarlong(ByteBuffer buf) {
            long value = 0;
            int shift = 0;
            while (true) {
                if (cursor >= end) {
                    throw new InvalidRecordException("Truncated varlong in record");
                }
                byte b = buf.get(cursor++);
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
                if (shift > 63) {
                    throw new InvalidRecordException("Varlong is too long");
                }
            }
            return (value >>> 1) ^ -(value & 1);
        }
    }
}
