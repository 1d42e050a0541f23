package io.potok.broker.group.consumer;

import java.util.List;

/**
 * What a consumer-protocol member told the coordinator about itself, persisted as its member
 * metadata record. Immutable.
 *
 * @param subscribedTopicNames sorted
 * @param subscribedTopicRegex null when the member subscribes by names
 * @param serverAssignor       null when the member leaves the choice to the coordinator
 */
public record MemberSubscription(String instanceId, String rackId, String clientId, String clientHost,
                                 List<String> subscribedTopicNames, String subscribedTopicRegex,
                                 String serverAssignor, int rebalanceTimeoutMs) {
    public MemberSubscription {
        subscribedTopicNames = subscribedTopicNames.stream().sorted().distinct().toList();
    }

    /** Whether a change from {@code this} to {@code other} calls for a new target assignment. */
    public boolean affectsAssignment(MemberSubscription other) {
        return !subscribedTopicNames.equals(other.subscribedTopicNames)
                || !java.util.Objects.equals(subscribedTopicRegex, other.subscribedTopicRegex)
                || !java.util.Objects.equals(serverAssignor, other.serverAssignor)
                || !java.util.Objects.equals(rackId, other.rackId);
    }
}
