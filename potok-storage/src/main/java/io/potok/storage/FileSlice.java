package io.potok.storage;

import org.apache.kafka.common.record.internal.MemoryRecords;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A run of whole record batches in a segment file, named by file position instead of copied into memory: the network
 * layer hands it to the kernel ({@code sendfile}) so fetched bytes never enter the Java heap.
 *
 * <p>Lifetime: {@code channel} belongs to the segment and must not be closed by the holder. It stays open while the
 * segment is in the log and for {@code file.delete.delay.ms} after the segment leaves it (retention, compaction swap),
 * far longer than writing one response takes; a slice is meant for exactly that and must not be kept. The bytes of a
 * slice do not change, except that follower truncation can cut the file short under it: a send then finds fewer bytes
 * than promised and fails, and the connection closes (Kafka's {@code FileRecords} behaves the same).
 *
 * @param channel     the segment's log file, or null for {@link #EMPTY}
 * @param position    file position of the first batch
 * @param sizeInBytes bytes of whole batches from {@code position}
 */
public record FileSlice(FileChannel channel, long position, int sizeInBytes) {

    public static final FileSlice EMPTY = new FileSlice(null, 0, 0);

    public boolean isEmpty() {
        return sizeInBytes == 0;
    }

    /** Copies the slice into a heap buffer, for callers that need the bytes themselves (tests, tools). */
    public MemoryRecords toMemoryRecords() throws IOException {
        if (isEmpty()) {
            return MemoryRecords.EMPTY;
        }
        ByteBuffer buffer = ByteBuffer.allocate(sizeInBytes);
        FileBatchReader.readFully(channel, buffer, position);
        if (buffer.hasRemaining()) {
            throw new IOException("Slice [" + position + ", " + (position + sizeInBytes) + ") runs past the end of "
                + "its file (" + channel.size() + " bytes)");
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }
}
