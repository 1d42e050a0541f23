package io.potok.broker.group.classic;

import java.util.List;

/**
 * What {@code __consumer_offsets} keeps of a classic group: its last completed generation with each
 * member's subscription (for the chosen protocol) and assignment. Written when a generation's
 * assignment is stored (SyncGroup from the leader), when the group becomes empty, and when a static
 * member is replaced. Immutable.
 *
 * @param protocolType            null for a group that only commits offsets ("simple" group)
 * @param protocolName            null when the group is empty
 * @param leaderId                null when the group is empty
 * @param currentStateTimestampMs when the group entered its current state (offset expiry counts from it)
 */
public record ClassicGroupSnapshot(String protocolType, int generationId, String protocolName, String leaderId,
                                   long currentStateTimestampMs, List<Member> members) {
    public ClassicGroupSnapshot {
        members = List.copyOf(members);
    }

    /** One member as persisted. */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                         int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }
}
