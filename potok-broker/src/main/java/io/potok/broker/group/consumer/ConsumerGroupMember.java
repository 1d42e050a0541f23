package io.potok.broker.group.consumer;

/** A member of a consumer-protocol group: its subscription and its current assignment. Immutable. */
public record ConsumerGroupMember(String memberId, MemberSubscription subscription, CurrentAssignment current) {
    public int memberEpoch() {
        return current.memberEpoch();
    }

    public ConsumerGroupMember withSubscription(MemberSubscription s) {
        return new ConsumerGroupMember(memberId, s, current);
    }

    public ConsumerGroupMember withCurrent(CurrentAssignment c) {
        return new ConsumerGroupMember(memberId, subscription, c);
    }
}
