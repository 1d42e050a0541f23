package io.potok.broker.group.consumer;

/**
 * Moves one member's current assignment towards its target, the way KIP-848 reconciles: a member
 * first revokes what the target took away (keeping its epoch), then reaches the target epoch with
 * the partitions that are free, and picks up the rest once their previous owners released them.
 *
 * <pre>
 *   STABLE (old epoch) ──target took partitions──> UNREVOKED_PARTITIONS ──client stopped owning them──┐
 *        │                                                                                           │
 *        └──────────────> UNRELEASED_PARTITIONS (target epoch, some partitions still owned elsewhere) <┤
 *                                  │ all released                                                    │
 *                                  └──────────────> STABLE (target epoch) <───────────────────────────┘
 * </pre>
 *
 * <p>Stateless; the caller supplies who owns which partition.
 */
public final class AssignmentReconciler {
    /** Who holds a partition (assigned or still revoking), or null. */
    @FunctionalInterface
    public interface Owners {
        String ownerOf(org.apache.kafka.common.Uuid topicId, int partition);
    }

    private AssignmentReconciler() {
    }

    /**
     * The member's next current assignment.
     *
     * @param owned partitions the client reported owning in this heartbeat, or null if it did not say
     * @return {@code current} itself when nothing changes
     */
    public static CurrentAssignment reconcile(String memberId, CurrentAssignment current, int targetEpoch,
                                              Assignment target, Assignment owned, Owners owners) {
        switch (current.state()) {
            case UNREVOKED_PARTITIONS -> {
                if (owned == null || owned.intersects(current.pendingRevocation())) {
                    return current;
                }
                return next(memberId, current, targetEpoch, target, owners);
            }
            case STABLE -> {
                if (current.memberEpoch() == targetEpoch) {
                    return current;
                }
                return next(memberId, current, targetEpoch, target, owners);
            }
            default -> {
                CurrentAssignment next = next(memberId, current, targetEpoch, target, owners);
                return next.equals(current) ? current : next;
            }
        }
    }

    private static CurrentAssignment next(String memberId, CurrentAssignment current, int targetEpoch,
                                          Assignment target, Owners owners) {
        Assignment kept = current.assigned().intersect(target);
        Assignment toRevoke = current.assigned().minus(target);
        if (!toRevoke.isEmpty()) {
            return CurrentAssignment.of(current.memberEpoch(), current.previousMemberEpoch(),
                    MemberState.UNREVOKED_PARTITIONS, kept, toRevoke, current.assignmentEpochs());
        }
        Assignment toAdd = target.minus(current.assigned());
        Assignment free = toAdd.filter((t, p) -> {
            String owner = owners.ownerOf(t, p);
            return owner == null || owner.equals(memberId);
        });
        boolean unreleased = free.size() < toAdd.size();
        int previousEpoch = current.memberEpoch() == targetEpoch ? current.previousMemberEpoch() : current.memberEpoch();
        // Kept partitions stay at the epoch they were first assigned at; the others (even one this member revoked
        // and gets back) are assigned at the target epoch.
        AssignmentEpochs keptEpochs = current.assignmentEpochs().forOwned(kept, targetEpoch);
        return CurrentAssignment.of(targetEpoch, previousEpoch,
                unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE, kept.union(free), Assignment.EMPTY,
                keptEpochs);
    }
}
