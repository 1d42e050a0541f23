package io.potok.broker.group.consumer;

/**
 * A member's epoch and the partitions it owns now, persisted as its current-assignment record.
 * Immutable.
 *
 * @param memberEpoch          the epoch the member is at; -2 marks a static member that left temporarily
 * @param previousMemberEpoch  the epoch before the last bump (accepted once more if a response was lost)
 * @param assigned             partitions the member may use
 * @param pendingRevocation    partitions the member must give up before it can move on
 * @param assignmentEpochs     for each partition of {@link #owned()}, the member epoch it was assigned at
 */
public record CurrentAssignment(int memberEpoch, int previousMemberEpoch, MemberState state, Assignment assigned,
                                Assignment pendingRevocation, AssignmentEpochs assignmentEpochs) {
    /** A member that just joined. */
    public static final CurrentAssignment INITIAL = new CurrentAssignment(0, -1, MemberState.STABLE, Assignment.EMPTY,
            Assignment.EMPTY, AssignmentEpochs.EMPTY);

    /**
     * An assignment whose partitions keep the epochs {@code known} gives them; a partition it does not know was
     * assigned at {@code memberEpoch}.
     */
    public static CurrentAssignment of(int memberEpoch, int previousMemberEpoch, MemberState state,
                                       Assignment assigned, Assignment pendingRevocation, AssignmentEpochs known) {
        return new CurrentAssignment(memberEpoch, previousMemberEpoch, state, assigned, pendingRevocation,
                known.forOwned(assigned.union(pendingRevocation), memberEpoch));
    }

    /** Partitions the member holds: assigned plus those it still has to revoke. */
    public Assignment owned() {
        return assigned.union(pendingRevocation);
    }
}
