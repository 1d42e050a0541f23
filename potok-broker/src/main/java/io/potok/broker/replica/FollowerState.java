package io.potok.broker.replica;

/**
 * What a partition leader knows of one follower, from that follower's fetches.
 * Guarded by the owning {@link Partition}.
 */
final class FollowerState {
    /** The follower's log end offset: the offset of its last fetch; -1 until it fetched. */
    long logEndOffset = -1;
    /** Last time the follower had everything the leader had at its previous fetch. */
    long lastCaughtUpTimeMs;
    long lastFetchTimeMs;
    /** The leader's log end offset when it answered the previous fetch. */
    long leaderEndOffsetAtLastFetch;

    FollowerState(long nowMs) {
        this.lastCaughtUpTimeMs = nowMs;
        this.lastFetchTimeMs = nowMs;
    }

    /** Kafka's rule: a fetch at or past where the leader was at the previous fetch means caught up then. */
    void onFetch(long fetchOffset, long leaderEndOffset, long nowMs) {
        if (fetchOffset >= leaderEndOffset) {
            lastCaughtUpTimeMs = nowMs;
        } else if (fetchOffset >= leaderEndOffsetAtLastFetch) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        leaderEndOffsetAtLastFetch = leaderEndOffset;
        lastFetchTimeMs = nowMs;
    }
}
