package io.potok.broker.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class AssignmentReconcilerTest {
    private static final Uuid T = new Uuid(0, 7);

    private static Assignment of(Integer... partitions) {
        return Assignment.of(Map.of(T, List.of(partitions)));
    }

    /** Every partition assigned at the member epoch. */
    private static CurrentAssignment at(int epoch, int previous, MemberState state, Assignment assigned,
                                        Assignment revoking) {
        return CurrentAssignment.of(epoch, previous, state, assigned, revoking, AssignmentEpochs.EMPTY);
    }

    /** The epoch each of partitions 0, 1, 2, ... was assigned at (-1: not owned). */
    private static List<Integer> epochs(CurrentAssignment c, int partitions) {
        return java.util.stream.IntStream.range(0, partitions).mapToObj(p -> c.assignmentEpochs().epochOf(T, p))
                .toList();
    }

    @Test
    void stableMemberAtTheTargetEpochStaysAsItIs() {
        CurrentAssignment c = at(3, 2, MemberState.STABLE, of(0, 1), Assignment.EMPTY);
        assertThat(AssignmentReconciler.reconcile("m", c, 3, of(0, 1), null, (t, p) -> null)).isSameAs(c);
    }

    @Test
    void freePartitionsAreTakenAtOnceWithTheNewEpochAndKeptOnesKeepTheirs() {
        CurrentAssignment c = at(3, 2, MemberState.STABLE, of(0), Assignment.EMPTY);
        CurrentAssignment next = AssignmentReconciler.reconcile("m", c, 4, of(0, 1), null, (t, p) -> null);
        assertThat(next.memberEpoch()).isEqualTo(4);
        assertThat(next.previousMemberEpoch()).isEqualTo(3);
        assertThat(next.state()).isEqualTo(MemberState.STABLE);
        assertThat(next.assigned()).isEqualTo(of(0, 1));
        assertThat(epochs(next, 3)).containsExactly(3, 4, -1);
    }

    @Test
    void partitionsStillOwnedElsewhereWait() {
        CurrentAssignment c = at(3, 2, MemberState.STABLE, of(0), Assignment.EMPTY);
        CurrentAssignment next = AssignmentReconciler.reconcile("m", c, 4, of(0, 1, 2), null,
                (t, p) -> p == 2 ? "other" : null);
        assertThat(next.state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(next.memberEpoch()).isEqualTo(4);
        assertThat(next.assigned()).isEqualTo(of(0, 1));
        // Once released, the partition arrives, assigned at the epoch the member is at.
        CurrentAssignment later = AssignmentReconciler.reconcile("m", next, 4, of(0, 1, 2), null, (t, p) -> null);
        assertThat(later.state()).isEqualTo(MemberState.STABLE);
        assertThat(later.assigned()).isEqualTo(of(0, 1, 2));
        assertThat(epochs(later, 3)).containsExactly(3, 4, 4);
    }

    @Test
    void revocationComesFirstAndKeepsTheEpochUntilTheClientConfirms() {
        CurrentAssignment c = at(3, 2, MemberState.STABLE, of(0, 1, 2), Assignment.EMPTY);
        CurrentAssignment revoking = AssignmentReconciler.reconcile("m", c, 4, of(0, 3), null, (t, p) -> null);
        assertThat(revoking).isEqualTo(at(3, 2, MemberState.UNREVOKED_PARTITIONS, of(0), of(1, 2)));
        assertThat(AssignmentReconciler.reconcile("m", revoking, 4, of(0, 3), null, (t, p) -> null)).isSameAs(revoking);
        assertThat(AssignmentReconciler.reconcile("m", revoking, 4, of(0, 3), of(0, 2), (t, p) -> null)).isSameAs(revoking);
        CurrentAssignment done = AssignmentReconciler.reconcile("m", revoking, 4, of(0, 3), of(0), (t, p) -> null);
        assertThat(done.memberEpoch()).isEqualTo(4);
        assertThat(done.assigned()).isEqualTo(of(0, 3));
        assertThat(done.pendingRevocation()).isEqualTo(Assignment.EMPTY);
        assertThat(epochs(done, 4)).containsExactly(3, -1, -1, 4);
    }

    @Test
    void aPartitionRevokedAndGivenBackIsAssignedAtTheNewEpoch() {
        CurrentAssignment revoking = at(3, 2, MemberState.UNREVOKED_PARTITIONS, of(0), of(1));
        CurrentAssignment done = AssignmentReconciler.reconcile("m", revoking, 5, of(0, 1), of(0), (t, p) -> null);
        assertThat(done.assigned()).isEqualTo(of(0, 1));
        assertThat(epochs(done, 2)).containsExactly(3, 5);
    }
}
