package io.potok.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Fixed-memory map from record key to the latest offset seen for it, used by the cleaner (Kafka's SkimpyOffsetMap).
 * Keys are stored as 16-byte MD5 digests in an open-addressing table with linear probing, so memory is bounded by the
 * configured buffer however large the keys are; a digest collision (odds around 2^-64 per pair at realistic sizes)
 * would at worst keep an obsolete record.
 *
 * <p>Invariant: at most {@link #capacity()} entries (90% of the slots) so probes stay short. Not thread-safe: owned by
 * one cleaning pass at a time.
 */
final class OffsetMap {

    private static final int HASH_SIZE = 16;
    private static final int BYTES_PER_ENTRY = HASH_SIZE + Long.BYTES;
    private static final double MAX_LOAD_FACTOR = 0.9;

    private final int slots;
    private final int capacity;
    private final byte[] hashes;
    private final long[] offsets;
    private final MessageDigest digest;
    private final byte[] hash = new byte[HASH_SIZE];
    private int size;
    private long latestOffset = -1;

    OffsetMap(int memoryBytes) {
        this.slots = Math.max(2, memoryBytes / BYTES_PER_ENTRY);
        this.capacity = Math.max(1, (int) (slots * MAX_LOAD_FACTOR));
        this.hashes = new byte[slots * HASH_SIZE];
        this.offsets = new long[slots];
        Arrays.fill(offsets, -1L);
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size >= capacity;
    }

    /** Largest offset put since the last clear, or -1. */
    long latestOffset() {
        return latestOffset;
    }

    void put(ByteBuffer key, long offset) {
        hashInto(key);
        int slot = findSlot();
        if (offsets[slot] < 0) {
            if (isFull()) {
                throw new IllegalStateException("Offset map is full (" + size + " entries)");
            }
            System.arraycopy(hash, 0, hashes, slot * HASH_SIZE, HASH_SIZE);
            size++;
        }
        offsets[slot] = offset;
        latestOffset = Math.max(latestOffset, offset);
    }

    /** The latest offset for {@code key}, or -1 if it was not seen. */
    long get(ByteBuffer key) {
        hashInto(key);
        return offsets[findSlot()];
    }

    void clear() {
        Arrays.fill(offsets, -1L);
        size = 0;
        latestOffset = -1;
    }

    /** The slot holding the current hash, or the empty slot where it would go. */
    private int findSlot() {
        int start = ((hash[0] & 0xff) << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8 | (hash[3] & 0xff))
            & Integer.MAX_VALUE;
        int slot = start % slots;
        while (offsets[slot] >= 0 && !hashMatches(slot)) {
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
        return slot;
    }

    private boolean hashMatches(int slot) {
        int base = slot * HASH_SIZE;
        for (int i = 0; i < HASH_SIZE; i++) {
            if (hashes[base + i] != hash[i]) {
                return false;
            }
        }
        return true;
    }

    private void hashInto(ByteBuffer key) {
        digest.reset();
        digest.update(key.duplicate());
        try {
            digest.digest(hash, 0, HASH_SIZE);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
