package io.potok.storage;

import java.util.Optional;

/**
 * A record located by timestamp (ListOffsets).
 *
 * @param leaderEpoch the partition leader epoch stored in the record's batch, if any
 */
public record TimestampAndOffset(long timestampMs, long offset, Optional<Integer> leaderEpoch) {
}
