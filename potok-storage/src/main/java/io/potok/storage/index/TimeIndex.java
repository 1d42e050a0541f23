package io.potok.storage.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset for one segment ({@code .timeindex}).
 *
 * <p>Entry layout: 8-byte timestamp, then the 4-byte offset (relative to the segment's base offset) of the batch in
 * which that timestamp first became the segment's maximum. Invariants: timestamps strictly increase, offsets never
 * decrease; hence every batch before an entry's offset has a smaller maximum timestamp, and a search for the first
 * record with timestamp {@code >= t} can start at the entry with the greatest timestamp {@code <= t}.
 *
 * <p>One slot is always kept free: when the segment is rolled its final maximum timestamp is appended so that a reload
 * knows the segment's largest timestamp without scanning it. {@link #isFull()} accounts for that reserved slot.
 *
 * <p>Thread-safety: see {@link AbstractIndex}.
 */
public final class TimeIndex extends AbstractIndex {

    public static final int ENTRY_SIZE = 12;
    /** Kafka's RecordBatch.NO_TIMESTAMP. */
    public static final long NO_TIMESTAMP = -1L;

    public TimeIndex(Path file, long baseOffset, int maxIndexSizeBytes) throws IOException {
        super(file, baseOffset, maxIndexSizeBytes);
    }

    @Override
    protected int entrySize() {
        return ENTRY_SIZE;
    }

    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /** The entry with the greatest timestamp {@code <= targetTimestamp}, or {@code (NO_TIMESTAMP, baseOffset)}. */
    public TimestampOffset lookup(long targetTimestamp) {
        lockForRead();
        try {
            MappedByteBuffer buf = mmap();
            int slot = largestLowerBoundSlot(targetTimestamp, entries(), s -> timestamp(buf, s));
            if (slot < 0) {
                return new TimestampOffset(NO_TIMESTAMP, baseOffset());
            }
            return new TimestampOffset(timestamp(buf, slot), baseOffset() + relativeOffset(buf, slot));
        } finally {
            unlockForRead();
        }
    }

    /** The last entry, or {@code (NO_TIMESTAMP, baseOffset)} for an empty index. */
    public TimestampOffset lastEntry() {
        lockForRead();
        try {
            int n = entries();
            if (n == 0) {
                return new TimestampOffset(NO_TIMESTAMP, baseOffset());
            }
            MappedByteBuffer buf = mmap();
            return new TimestampOffset(timestamp(buf, n - 1), baseOffset() + relativeOffset(buf, n - 1));
        } finally {
            unlockForRead();
        }
    }

    public TimestampOffset entry(int slot) {
        lockForRead();
        try {
            if (slot < 0 || slot >= entries()) {
                throw new IndexOutOfBoundsException("Slot " + slot + " of " + entries() + " entries in " + file());
            }
            MappedByteBuffer buf = mmap();
            return new TimestampOffset(timestamp(buf, slot), baseOffset() + relativeOffset(buf, slot));
        } finally {
            unlockForRead();
        }
    }

    /**
     * Appends {@code (timestamp, offset)} if the timestamp is larger than the last entry's.
     *
     * @param useReservedSlot true only for the final entry written when the segment is rolled or closed
     * @return whether an entry was appended
     */
    public boolean maybeAppend(long timestamp, long offset, boolean useReservedSlot) {
        lockForWrite();
        try {
            MappedByteBuffer buf = mmap();
            int n = entries();
            if (n > 0) {
                long lastOffset = baseOffset() + relativeOffset(buf, n - 1);
                if (offset < lastOffset) {
                    throw new IllegalArgumentException("Offset " + offset + " is before the last time index offset "
                        + lastOffset + " in " + file());
                }
                if (timestamp <= timestamp(buf, n - 1)) {
                    return false;
                }
            }
            if (timestamp == NO_TIMESTAMP) {
                return false;
            }
            if (useReservedSlot ? n >= maxEntries() : isFull()) {
                if (useReservedSlot) {
                    return false;
                }
                throw new IllegalStateException("Attempt to append to a full time index " + file());
            }
            long relative = offset - baseOffset();
            if (relative < 0 || relative > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Offset " + offset + " does not fit in time index " + file());
            }
            buf.putLong(n * ENTRY_SIZE, timestamp);
            buf.putInt(n * ENTRY_SIZE + 8, (int) relative);
            setEntries(n + 1);
            return true;
        } finally {
            unlockForWrite();
        }
    }

    /** Removes every entry whose offset is {@code >= offset}. */
    public void truncateTo(long offset) {
        lockForWrite();
        try {
            MappedByteBuffer buf = mmap();
            setEntries(smallestUpperBoundSlot(offset - baseOffset(), entries(), s -> relativeOffset(buf, s)));
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
        long lastTimestamp = timestamp(buf, n - 1);
        int lastRelative = relativeOffset(buf, n - 1);
        if (lastRelative < 0 || lastTimestamp < 0) {
            throw new CorruptIndexException("Corrupt time index " + file() + ": last entry is (" + lastTimestamp
                + ", " + lastRelative + ")");
        }
        if (n > 1 && (timestamp(buf, n - 2) >= lastTimestamp || relativeOffset(buf, n - 2) > lastRelative)) {
            throw new CorruptIndexException("Corrupt time index " + file() + ": last two entries are not increasing");
        }
    }

    private static long timestamp(MappedByteBuffer buf, int slot) {
        return buf.getLong(slot * ENTRY_SIZE);
    }

    private static int relativeOffset(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE + 8);
    }
}
