package io.potok.broker.group.consumer;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A server-side assignor of the consumer protocol: computes the group's target assignment.
 * Implementations are stateless and deterministic (same input, same output).
 */
public interface PartitionAssignor {
    /** The name clients select with {@code group.remote.assignor}. */
    String name();

    /**
     * @param subscriptions   member id → ids of the existing topics it subscribes to
     * @param partitionCounts topic id → number of partitions, for every topic in {@code subscriptions}
     * @param previous        the current target assignment, for assignors that keep partitions in place
     * @return an assignment for every member in {@code subscriptions}; each partition goes to at most one
     *         member, and only to a member subscribed to its topic
     */
    Map<String, Assignment> assign(Map<String, Set<Uuid>> subscriptions, Map<Uuid, Integer> partitionCounts,
                                   Map<String, Assignment> previous);
}
