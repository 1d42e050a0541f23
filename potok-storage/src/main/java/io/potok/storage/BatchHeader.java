package io.potok.storage;

import org.apache.kafka.common.record.TimestampType;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The fixed 61-byte header of a v2 record batch, parsed from a buffer without touching the records.
 *
 * <p>Layout (byte offsets): baseOffset 0, batchLength 8, partitionLeaderEpoch 12, magic 16, crc 17, attributes 21,
 * lastOffsetDelta 23, baseTimestamp 27, maxTimestamp 35, producerId 43, producerEpoch 51, baseSequence 53,
 * recordCount 57, records 61. The CRC-32C covers attributes to the end of the batch, so baseOffset and
 * partitionLeaderEpoch can be rewritten without recomputing it.
 *
 * <p>Immutable. The static helpers read and write a batch in place and are thread-safe for distinct buffers.
 */
record BatchHeader(long baseOffset, int sizeInBytes, int partitionLeaderEpoch, byte magic, long crc, short attributes,
                   int lastOffsetDelta, long baseTimestamp, long maxTimestamp, long producerId, short producerEpoch,
                   int baseSequence, int recordCount) {

    static final int BASE_OFFSET_OFFSET = 0;
    static final int LENGTH_OFFSET = 8;
    /** Bytes before the batch length's own content: baseOffset + batchLength. */
    static final int LOG_OVERHEAD = 12;
    static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    static final int MAGIC_OFFSET = 16;
    /** Bytes needed to read the magic of a batch of any version. */
    static final int HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1;
    static final int CRC_OFFSET = 17;
    static final int ATTRIBUTES_OFFSET = 21;
    static final int LAST_OFFSET_DELTA_OFFSET = 23;
    static final int BASE_TIMESTAMP_OFFSET = 27;
    static final int MAX_TIMESTAMP_OFFSET = 35;
    static final int PRODUCER_ID_OFFSET = 43;
    static final int PRODUCER_EPOCH_OFFSET = 51;
    static final int BASE_SEQUENCE_OFFSET = 53;
    static final int RECORDS_COUNT_OFFSET = 57;
    static final int RECORD_BATCH_OVERHEAD = 61;

    static final byte MAGIC_V2 = 2;
    static final long NO_TIMESTAMP = -1L;
    static final long NO_PRODUCER_ID = -1L;
    static final short NO_PRODUCER_EPOCH = -1;
    static final int NO_SEQUENCE = -1;
    static final int NO_PARTITION_LEADER_EPOCH = -1;

    private static final int COMPRESSION_CODEC_MASK = 0x07;
    private static final int TIMESTAMP_TYPE_MASK = 0x08;
    private static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    private static final int CONTROL_FLAG_MASK = 0x20;
    private static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    /** Parses the header at absolute index {@code at}; the caller guarantees 61 readable bytes there. */
    static BatchHeader parse(ByteBuffer buf, int at) {
        return new BatchHeader(
            buf.getLong(at + BASE_OFFSET_OFFSET),
            buf.getInt(at + LENGTH_OFFSET) + LOG_OVERHEAD,
            buf.getInt(at + PARTITION_LEADER_EPOCH_OFFSET),
            buf.get(at + MAGIC_OFFSET),
            Integer.toUnsignedLong(buf.getInt(at + CRC_OFFSET)),
            buf.getShort(at + ATTRIBUTES_OFFSET),
            buf.getInt(at + LAST_OFFSET_DELTA_OFFSET),
            buf.getLong(at + BASE_TIMESTAMP_OFFSET),
            buf.getLong(at + MAX_TIMESTAMP_OFFSET),
            buf.getLong(at + PRODUCER_ID_OFFSET),
            buf.getShort(at + PRODUCER_EPOCH_OFFSET),
            buf.getInt(at + BASE_SEQUENCE_OFFSET),
            buf.getInt(at + RECORDS_COUNT_OFFSET));
    }

    long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    long nextOffset() {
        return lastOffset() + 1;
    }

    int compressionId() {
        return attributes & COMPRESSION_CODEC_MASK;
    }

    boolean isCompressed() {
        return compressionId() != 0;
    }

    TimestampType timestampType() {
        return (attributes & TIMESTAMP_TYPE_MASK) == 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME;
    }

    boolean isTransactional() {
        return (attributes & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    boolean isControlBatch() {
        return (attributes & CONTROL_FLAG_MASK) != 0;
    }

    boolean hasDeleteHorizon() {
        return (attributes & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    boolean hasProducerId() {
        return producerId > NO_PRODUCER_ID;
    }

    int lastSequence() {
        return incrementSequence(baseSequence, lastOffsetDelta);
    }

    /** Sequence numbers wrap from Integer.MAX_VALUE to 0. */
    static int incrementSequence(int sequence, int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    /** CRC-32C of the batch at {@code at} as it is stored (attributes to end). */
    static long computeCrc(ByteBuffer buf, int at, int sizeInBytes, CRC32C crc) {
        ByteBuffer view = buf.duplicate();
        view.limit(at + sizeInBytes).position(at + ATTRIBUTES_OFFSET);
        crc.reset();
        crc.update(view);
        return crc.getValue();
    }

    static void writeBaseOffset(ByteBuffer buf, int at, long baseOffset) {
        buf.putLong(at + BASE_OFFSET_OFFSET, baseOffset);
    }

    static void writePartitionLeaderEpoch(ByteBuffer buf, int at, int epoch) {
        buf.putInt(at + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /** Sets the max timestamp and timestamp type, then refreshes the CRC they are covered by. */
    static void writeMaxTimestamp(ByteBuffer buf, int at, int sizeInBytes, TimestampType type, long maxTimestamp,
                                  CRC32C crc) {
        short attributes = buf.getShort(at + ATTRIBUTES_OFFSET);
        attributes = (short) (type == TimestampType.LOG_APPEND_TIME
            ? attributes | TIMESTAMP_TYPE_MASK
            : attributes & ~TIMESTAMP_TYPE_MASK);
        buf.putShort(at + ATTRIBUTES_OFFSET, attributes);
        buf.putLong(at + MAX_TIMESTAMP_OFFSET, maxTimestamp);
        buf.putInt(at + CRC_OFFSET, (int) computeCrc(buf, at, sizeInBytes, crc));
    }
}
