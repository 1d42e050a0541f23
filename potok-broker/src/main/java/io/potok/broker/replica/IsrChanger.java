package io.potok.broker.replica;

import java.util.List;

/** Sends a leader's ISR change to the active controller (AlterPartition). */
@FunctionalInterface
public interface IsrChanger {
    void alterIsr(Partition partition, int leaderEpoch, int partitionEpoch, List<Integer> newIsr);
}
