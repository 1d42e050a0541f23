package io.potok.metadata.image;

import java.util.List;

/**
 * One partition as the controller last decided it. Immutable.
 *
 * @param replicas  assigned replicas, preferred leader first
 * @param isr       in-sync replicas, a subset of {@code replicas}
 * @param leader    current leader's node id, or -1 when the partition is offline
 * @param leaderEpoch     bumped on every leader change
 * @param partitionEpoch  bumped on every change of this record
 */
public record PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader,
                             int leaderEpoch, int partitionEpoch) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    public int preferredLeader() {
        return replicas.isEmpty() ? -1 : replicas.get(0);
    }
}
