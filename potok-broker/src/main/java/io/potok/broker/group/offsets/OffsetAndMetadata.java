package io.potok.broker.group.offsets;

/**
 * One committed offset. Immutable.
 *
 * @param offset             the next offset the group will read
 * @param leaderEpoch        the leader epoch of the last consumed record, or -1
 * @param metadata           the client's metadata string (never null; "" when none)
 * @param commitTimestampMs  when the coordinator accepted the commit
 * @param expireTimestampMs  an explicit expiry from OffsetCommit v2-v4 retention time, or -1
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs,
                                long expireTimestampMs) {
    public OffsetAndMetadata {
        metadata = metadata == null ? "" : metadata;
    }
}
