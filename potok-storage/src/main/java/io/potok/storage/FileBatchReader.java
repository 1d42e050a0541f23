package io.potok.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the record batches of a region of a segment file, reading through a window buffer so that scanning many small
 * batches costs few system calls. It only frames batches (header and size); validation is the caller's job.
 *
 * <p>Not thread-safe: one reader per scan. Positional reads leave the channel's position untouched, so readers can run
 * concurrently with appends to the same channel.
 */
final class FileBatchReader {

    static final int DEFAULT_WINDOW_BYTES = 64 * 1024;

    private final FileChannel channel;
    private final long end;
    private final int windowBytes;
    private long position;
    private ByteBuffer window;
    private long windowStart;

    FileBatchReader(FileChannel channel, long start, long end, int windowBytes) {
        this.channel = channel;
        this.position = start;
        this.end = end;
        this.windowBytes = windowBytes;
        this.window = ByteBuffer.allocate(0);
        this.windowStart = start;
    }

    /** File position of the current batch. */
    long position() {
        return position;
    }

    long remaining() {
        return end - position;
    }

    /** The magic byte of the current batch, or -1 if too few bytes remain to hold one. */
    int peekMagic() throws IOException {
        if (!load(position, BatchHeader.HEADER_SIZE_UP_TO_MAGIC)) {
            return -1;
        }
        return window.get((int) (position - windowStart) + BatchHeader.MAGIC_OFFSET);
    }

    /** The header of the current batch, or null if fewer than a header's bytes remain. Not validated. */
    BatchHeader peekHeader() throws IOException {
        if (!load(position, BatchHeader.RECORD_BATCH_OVERHEAD)) {
            return null;
        }
        return BatchHeader.parse(window, (int) (position - windowStart));
    }

    /**
     * The current batch's bytes as a buffer positioned at 0 with limit {@code sizeInBytes}. Valid until the next call
     * on this reader. The caller has checked {@code sizeInBytes <= remaining()}.
     */
    ByteBuffer batchBytes(int sizeInBytes) throws IOException {
        if (!load(position, sizeInBytes)) {
            throw new EOFException("Batch of " + sizeInBytes + " bytes at position " + position + " runs past " + end);
        }
        int at = (int) (position - windowStart);
        return window.duplicate().limit(at + sizeInBytes).position(at).slice();
    }

    void advance(int bytes) {
        position += bytes;
    }

    /** Makes {@code [pos, pos + n)} available in the window; false if it extends beyond the region. */
    private boolean load(long pos, int n) throws IOException {
        if (pos + n > end) {
            return false;
        }
        if (pos >= windowStart && pos + n <= windowStart + window.limit()) {
            return true;
        }
        int capacity = Math.max(n, windowBytes);
        if (window.capacity() < capacity) {
            window = ByteBuffer.allocate(capacity);
        }
        int toRead = (int) Math.min(window.capacity(), end - pos);
        window.clear().limit(toRead);
        readFully(channel, window, pos);
        window.flip();
        windowStart = pos;
        return window.limit() >= n;
    }

    /** Fills {@code buffer} from {@code position}; stops early only at end of file. */
    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, pos);
            if (read < 0) {
                break;
            }
            pos += read;
        }
    }
}
