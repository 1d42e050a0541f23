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

    @Test
    void stableMemberAtTheTargetEpochStaysAsItIs() {
        CurrentAssignment c = new CurrentAssignment(3, 2, MemberState.STABLE, of(0, 1), Assignment.EMPTY);
        assertThat(AssignmentReconciler.reconcile("m", c, 3, of(0, 1), null, (t, p) -> null)).isSameAs(c);
    }

    @Test
    void freePartitionsAreTakenAtOnceWithTheNewEpoch() {
        CurrentAssignment c = new CurrentAssignment(3, 2, MemberState.STABLE, of(0), Assignment.EMPTY);
        CurrentAssignment next = AssignmentReconciler.reconcile("m", c, 4, of(0, 1), null, (t, p) -> null);
        assertThat(next).isEqualTo(new CurrentAssignment(4, 3, MemberState.STABLE, of(0, 1), Assignment.EMPTY));
    }

    @Test
    void partitionsStillOwnedElsewhereWait() {
        CurrentAssignment c = new CurrentAssignment(3, 2, MemberState.STABLE, of(0), Assignment.EMPTY);
        CurrentAssignment next = AssignmentReconciler.reconcile("m", c, 4, of(0, 1, 2), null,
                (t, p) -> p == 2 ? "other" : null);
        assertThat(next.state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(next.memberEpoch()).isEqualTo(4);
        assertThat(next.assigned()).isEqualTo(of(0, 1));
        // Once released, the partition arrives.
        CurrentAssignment later = AssignmentReconciler.reconcile("m", next, 4, of(0, 1, 2), null, (t, p) -> null);
        assertThat(later).isEqualTo(new CurrentAssignment(4, 3, MemberState.STABLE, of(0, 1, 2), Assignment.EMPTY));
    }

    @Test
    void revocationComesFirstAndKeepsTheEpochUntilTheClientConfirms() {
        CurrentAssignment c = new CurrentAssignment(3, 2, MemberState.STABLE, of(0, 1, 2), Assignment.EMPTY);
        CurrentAssignment revoking = AssignmentReconciler.reconcile("m", c, 4, of(0, 3), null, (t, p) -> null);
        assertThat(revoking).isEqualTo(new CurrentAssignment(3, 2, MemberState.UNREVOKED_PARTITIONS, of(0), of(1, 2)));
        assertThat(AssignmentReconciler.reconcile("m", revoking, 4, of(0, 3), null, (t, p) -> null)).isSameAs(revoking);
        assertThat(AssignmentReconciler.reconcile("m", revoking, 4, of(0, 3), of(0, 2), (t, p) -> null)).isSameAs(revoking);
        CurrentAssignment done = AssignmentReconciler.reconcile("m", revoking, 4, of(0, 3), of(0), (t, p) -> null);
        assertThat(done).isEqualTo(new CurrentAssignment(4, 3, MemberState.STABLE, of(0, 3), Assignment.EMPTY));
    }
}
