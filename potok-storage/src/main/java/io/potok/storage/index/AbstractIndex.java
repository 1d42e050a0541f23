package io.potok.storage.index;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntToLongFunction;

/**
 * A memory-mapped file of fixed-size entries sorted by key, belonging to one log segment.
 *
 * <p>A new index file is preallocated to {@code maxIndexSizeBytes} (rounded down to a whole number of entries) so that
 * appends never grow the file; when the segment stops being active the file is trimmed to its entries with
 * {@link #trimToValidSize()}. An existing file is assumed to be trimmed, i.e. every entry in it is valid; an index
 * left preallocated by a crash is rebuilt by recovery, never trusted.
 *
 * <p>Thread-safety: appends, truncation, resizing and closing take the write lock; lookups take the read lock. The
 * read lock is what makes eager unmapping safe: no reader can touch the mapping after {@link #close()} released it.
 */
public abstract class AbstractIndex implements Closeable {

    /** Binary search first in the last 8 KiB of entries: appenders and tailing readers only touch that warm tail. */
    private static final int WARM_SECTION_BYTES = 8192;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final long baseOffset;
    private final int maxIndexSizeBytes;
    private volatile Path file;
    private MappedByteBuffer mmap;
    private volatile int entries;
    private volatile int maxEntries;
    private boolean closed;

    protected AbstractIndex(Path file, long baseOffset, int maxIndexSizeBytes) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.maxIndexSizeBytes = maxIndexSizeBytes;
        boolean newlyCreated = !Files.exists(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (newlyCreated) {
                raf.setLength(roundDownToEntries(maxIndexSizeBytes));
            }
            long length = raf.length();
            if (length > Integer.MAX_VALUE) {
                throw new CorruptIndexException("Index file " + file + " is larger than 2 GiB: " + length);
            }
            this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            this.entries = newlyCreated ? 0 : (int) (length / entrySize());
            this.maxEntries = mmap.limit() / entrySize();
        }
    }

    protected abstract int entrySize();

    /** Checks that the file looks like an index of this segment; throws so that the caller rebuilds it. */
    public final void sanityCheck() throws CorruptIndexException {
        lockForRead();
        try {
            int length = mmap().limit();
            if (length % entrySize() != 0) {
                throw new CorruptIndexException("Index file " + file + " has length " + length
                    + ", not a multiple of the entry size " + entrySize());
            }
            checkEntries();
        } finally {
            unlockForRead();
        }
    }

    /** Subclass part of {@link #sanityCheck()}; called with the read lock held. */
    protected abstract void checkEntries() throws CorruptIndexException;

    public final long baseOffset() {
        return baseOffset;
    }

    public final Path file() {
        return file;
    }

    public final int entries() {
        return entries;
    }

    public final int maxEntries() {
        return maxEntries;
    }

    public final int maxIndexSizeBytes() {
        return maxIndexSizeBytes;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    public final int sizeInBytes() {
        return entries * entrySize();
    }

    /** Bytes the file currently occupies on disk (preallocated size for an active segment). */
    public final long fileLengthBytes() {
        return (long) maxEntries * entrySize();
    }

    /** Remaps the file to {@code newSizeBytes} (rounded down to whole entries), keeping the entries that still fit. */
    public final void resize(int newSizeBytes) throws IOException {
        lock.writeLock().lock();
        try {
            ensureOpen();
            int rounded = roundDownToEntries(newSizeBytes);
            if (rounded == mmap.limit()) {
                return;
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                MappedByteBuffer old = mmap;
                mmap = null;
                BufferUnmapper.unmap(old);
                raf.setLength(rounded);
                mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, rounded);
                maxEntries = rounded / entrySize();
                entries = Math.min(entries, maxEntries);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Makes the file exactly as long as its entries, so that a reload knows where the entries end. */
    public final void trimToValidSize() throws IOException {
        lock.writeLock().lock();
        try {
            resize(entries * entrySize());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Drops every entry (used before rebuilding the index from the log). Grows the file back to its maximum size. */
    public final void reset() throws IOException {
        lock.writeLock().lock();
        try {
            ensureOpen();
            entries = 0;
            resize(maxIndexSizeBytes);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public final void flush() {
        lock.writeLock().lock();
        try {
            if (!closed && mmap != null) {
                mmap.force();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public final void renameTo(Path target) throws IOException {
        lock.writeLock().lock();
        try {
            if (Files.exists(file)) {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            file = target;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Trims the file and releases the mapping. */
    @Override
    public final void close() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            trimToValidSize();
            closeHandler();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Releases the mapping without touching the file (used when the file is about to be deleted or is unusable). */
    public final void closeHandler() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            MappedByteBuffer old = mmap;
            mmap = null;
            BufferUnmapper.unmap(old);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public final boolean deleteIfExists() throws IOException {
        closeHandler();
        return Files.deleteIfExists(file);
    }

    // ---- helpers for subclasses; callers of these hold the appropriate lock ----

    protected final void lockForRead() {
        lock.readLock().lock();
    }

    protected final void unlockForRead() {
        lock.readLock().unlock();
    }

    protected final void lockForWrite() {
        lock.writeLock().lock();
    }

    protected final void unlockForWrite() {
        lock.writeLock().unlock();
    }

    /** The mapping; only valid while holding the read or write lock. */
    protected final MappedByteBuffer mmap() {
        ensureOpen();
        return mmap;
    }

    protected final void setEntries(int newEntries) {
        entries = newEntries;
    }

    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Index " + file + " is closed");
        }
    }

    /**
     * Slot of the largest entry whose key is {@code <= target}, or -1 if every key is greater. Keys must be
     * non-decreasing. Caller holds the read or write lock.
     */
    protected final int largestLowerBoundSlot(long target, int entryCount, IntToLongFunction keyAt) {
        if (entryCount == 0 || keyAt.applyAsLong(0) > target) {
            return -1;
        }
        int warmEntries = WARM_SECTION_BYTES / entrySize();
        int firstWarm = Math.max(0, entryCount - 1 - warmEntries);
        if (keyAt.applyAsLong(firstWarm) <= target) {
            return binarySearch(target, firstWarm, entryCount - 1, keyAt);
        }
        return binarySearch(target, 0, firstWarm, keyAt);
    }

    /** Slot of the first entry whose key is {@code >= target}, or {@code entryCount} if none. Caller holds a lock. */
    protected final int smallestUpperBoundSlot(long target, int entryCount, IntToLongFunction keyAt) {
        int lo = 0;
        int hi = entryCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt.applyAsLong(mid) < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int binarySearch(long target, int lo, int hi, IntToLongFunction keyAt) {
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (keyAt.applyAsLong(mid) > target) {
                hi = mid - 1;
            } else {
                lo = mid;
            }
        }
        return lo;
    }

    private int roundDownToEntries(int bytes) {
        return Math.max(0, bytes) / entrySize() * entrySize();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(file=" + file + ", entries=" + entries + ", maxEntries=" + maxEntries + ")";
    }
}
