package io.potok.metadata.quorum;

import java.util.List;

/**
 * The metadata quorum as the active controller sees it, for DescribeQuorum ({@code kafka-metadata-quorum describe}).
 * Offsets are Raft log indexes given as Kafka gives them: an end offset is the index after the last entry a replica
 * has, the high watermark the index after the last committed one.
 *
 * @param leaderEpoch the Raft term
 * @param voters      the leader first, then the other voters
 * @param observers   broker-only nodes that fetched the metadata log recently
 */
public record QuorumDescription(int leaderId, long leaderEpoch, long highWatermark, List<Replica> voters,
                                List<Replica> observers) {
    public QuorumDescription {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /** Timestamps are wall-clock milliseconds, -1 when unknown. */
    public record Replica(int id, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp) {
    }
}
