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
 * @param addingReplicas  during a reassignment: target replicas still catching up
 * @param removingReplicas during a reassignment: replicas that leave once the new ones are in sync
 */
public record PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader,
                             int leaderEpoch, int partitionEpoch, List<Integer> addingReplicas,
                             List<Integer> removingReplicas) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition that is not being reassigned. */
    public PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                          int partitionEpoch) {
        this(partition, replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
    }

    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas the partition will have once its reassignment completes. */
    public List<Integer> targetReplicas() {
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }

    /** Same partition with another ISR, leader and epochs; the reassignment state is kept. */
    public PartitionImage with(List<Integer> newIsr, int newLeader, int newLeaderEpoch, int newPartitionEpoch) {
        return new PartitionImage(partition, replicas, newIsr, newLeader, newLeaderEpoch, newPartitionEpoch,
                addingReplicas, removingReplicas);
    }

    public int preferredLeader() {
        return replicas.isEmpty() ? -1 : replicas.get(0);
    }
}
