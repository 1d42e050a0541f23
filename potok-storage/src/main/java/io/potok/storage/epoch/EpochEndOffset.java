package io.potok.storage.epoch;

/**
 * Answer to "where does epoch E end in this log" (OffsetsForLeaderEpoch, KIP-101/279): the largest
 * epoch not above E that this log knows, and the offset right after its last record.
 * {@link #UNDEFINED} when the log knows no epoch at or below E.
 */
public record EpochEndOffset(int epoch, long endOffset) {
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(-1, -1L);
}
