package io.potok.storage.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offset to byte position in a segment's log file ({@code .index}).
 *
 * <p>Entry layout: 4-byte offset relative to the segment's base offset, then the 4-byte position of the batch that
 * starts at that offset. Invariants: relative offsets and positions are strictly increasing, so a lookup is a binary
 * search for the greatest entry {@code <=} the target; the position of an entry is never 0 (the first batch of a
 * segment is found without an entry), which lets {@link #sanityCheck()} spot a zero-filled preallocated tail.
 *
 * <p>Thread-safety: see {@link AbstractIndex}.
 */
public final class OffsetIndex extends AbstractIndex {

    public static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexSizeBytes) throws IOException {
        super(file, baseOffset, maxIndexSizeBytes);
    }

    @Override
    protected int entrySize() {
        return ENTRY_SIZE;
    }

    /**
     * The entry with the greatest offset {@code <= targetOffset}, or {@code (baseOffset, 0)} when there is none: the
     * caller scans forward from that position.
     */
    public OffsetPosition lookup(long targetOffset) {
        lockForRead();
        try {
            MappedByteBuffer buf = mmap();
            int n = entries();
            int slot = largestLowerBoundSlot(targetOffset - baseOffset(), n, s -> relativeOffset(buf, s));
            if (slot < 0) {
                return new OffsetPosition(baseOffset(), 0);
            }
            return new OffsetPosition(baseOffset() + relativeOffset(buf, slot), position(buf, slot));
        } finally {
            unlockForRead();
        }
    }

    /**
     * The entry with the greatest position {@code <= targetPosition}, or {@code (baseOffset, 0)} when there is none.
     * Positions increase with offsets, so the same binary search works on them; a reader uses this to find a batch
     * boundary near a byte limit without reading the batches before it.
     */
    public OffsetPosition lookupByPosition(int targetPosition) {
        lockForRead();
        try {
            MappedByteBuffer buf = mmap();
            int n = entries();
            int slot = largestLowerBoundSlot(targetPosition, n, s -> position(buf, s));
            if (slot < 0) {
                return new OffsetPosition(baseOffset(), 0);
            }
            return new OffsetPosition(baseOffset() + relativeOffset(buf, slot), position(buf, slot));
        } finally {
            unlockForRead();
        }
    }

    public OffsetPosition entry(int slot) {
        lockForRead();
        try {
            if (slot < 0 || slot >= entries()) {
                throw new IndexOutOfBoundsException("Slot " + slot + " of " + entries() + " entries in " + file());
            }
            MappedByteBuffer buf = mmap();
            return new OffsetPosition(baseOffset() + relativeOffset(buf, slot), position(buf, slot));
        } finally {
            unlockForRead();
        }
    }

    /** The last entry, or {@code (baseOffset, 0)} for an empty index. */
    public OffsetPosition lastEntry() {
        lockForRead();
        try {
            int n = entries();
            if (n == 0) {
                return new OffsetPosition(baseOffset(), 0);
            }
            MappedByteBuffer buf = mmap();
            return new OffsetPosition(baseOffset() + relativeOffset(buf, n - 1), position(buf, n - 1));
        } finally {
            unlockForRead();
        }
    }

    public long lastOffset() {
        return lastEntry().offset();
    }

    /**
     * Appends an entry. The offset must be greater than the last entry's and fit in an int relative to the base offset.
     *
     * @throws IllegalStateException if the index is full or the entry would break the ordering invariant
     */
    public void append(long offset, int position) {
        lockForWrite();
        try {
            MappedByteBuffer buf = mmap();
            int n = entries();
            if (n >= maxEntries()) {
                throw new IllegalStateException("Attempt to append to a full index " + file());
            }
            long relative = offset - baseOffset();
            if (relative < 0 || relative > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Offset " + offset + " does not fit in index " + file());
            }
            if (n > 0 && (relative <= relativeOffset(buf, n - 1) || position <= position(buf, n - 1))) {
                throw new IllegalArgumentException("Entry (" + offset + ", " + position + ") is not after the last entry "
                    + (baseOffset() + relativeOffset(buf, n - 1)) + "/" + position(buf, n - 1) + " of " + file());
            }
            buf.putInt(n * ENTRY_SIZE, (int) relative);
            buf.putInt(n * ENTRY_SIZE + 4, position);
            setEntries(n + 1);
        } finally {
            unlockForWrite();
        }
    }

    /** Removes every entry whose offset is {@code >= offset}. */
    public void truncateTo(long offset) {
        lockForWrite();
        try {
            MappedByteBuffer buf = mmap();
            int n = entries();
            setEntries(smallestUpperBoundSlot(offset - baseOffset(), n, s -> relativeOffset(buf, s)));
        } finally {
            unlockForWrite();
        }
    }

    @Override
    protected void checkEntries() throws CorruptIndexException {
        MappedByteBuffer buf = mmap();
        int n = entries();
        if (n == 0) {
            return;
        }
        int lastRelative = relativeOffset(buf, n - 1);
        int lastPosition = position(buf, n - 1);
        if (lastRelative < 0 || lastPosition <= 0) {
            throw new CorruptIndexException("Corrupt offset index " + file() + ": last entry is (" + lastRelative
                + ", " + lastPosition + ")");
        }
        if (n > 1 && (relativeOffset(buf, n - 2) >= lastRelative || position(buf, n - 2) >= lastPosition)) {
            throw new CorruptIndexException("Corrupt offset index " + file() + ": last two entries are not increasing");
        }
    }

    private static int relativeOffset(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE);
    }

    private static int position(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE + 4);
    }
}
