package io.potok.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.ImageSnapshot;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataImageBuilder;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Partition reassignment (KIP-455) as pure controller decisions: AlterReassignments starts or
 * cancels a move, and the AlterPartition that brings the last target replica into the ISR completes
 * it. Images are built by folding the decided records, as every node does.
 */
class ReassignmentLogicTest {
    private static final TopicConfigValidator NO_EXTRA_RULES = (topic, overrides) -> { };

    private final ControllerLogic logic = new ControllerLogic(
            new ControllerLogic.ClusterDefaults(1, (short) 1, true, false), NO_EXTRA_RULES);

    // ---- helpers (ControllerLogicTest's are private to it) ------------------------------------

    /** Unfenced brokers without racks. */
    private static MetadataImage brokers(int... ids) {
        MetadataImageBuilder builder = new MetadataImageBuilder(MetadataImage.empty("c"));
        for (int id : ids) {
            builder.apply(new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9000 + id, Optional.empty()));
        }
        return builder.build(ids.length);
    }

    private static MetadataImage apply(MetadataImage image, List<MetadataRecord> records) {
        MetadataImageBuilder builder = new MetadataImageBuilder(image);
        records.forEach(builder::apply);
        return builder.build(image.offset() + 1);
    }

    private static MetadataImage apply(MetadataImage image, Decision decision) {
        return apply(image, decision.records());
    }

    /** Topic "t" whose partition i has replicas = ISR = {@code assignments[i]}, led by the first. */
    @SafeVarargs
    private static MetadataImage withTopic(MetadataImage image, List<Integer>... assignments) {
        Uuid id = Uuid.randomUuid();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.CreateTopic("t", id));
        for (int p = 0; p < assignments.length; p++) {
            records.add(new MetadataRecord.Partition(id, p, assignments[p], assignments[p], assignments[p].get(0), 0, 0));
        }
        return apply(image, records);
    }

    private static PartitionImage partition(MetadataImage image, int partition) {
        return image.topic("t").orElseThrow().partitions().get(partition);
    }

    private static Map<String, Map<Integer, Optional<List<Integer>>>> targets(int partition,
                                                                             Optional<List<Integer>> target) {
        Map<Integer, Optional<List<Integer>>> partitions = new LinkedHashMap<>();
        partitions.put(partition, target);
        Map<String, Map<Integer, Optional<List<Integer>>>> targets = new LinkedHashMap<>();
        targets.put("t", partitions);
        return targets;
    }

    private Decision reassign(MetadataImage image, int partition, Integer... target) {
        return logic.decide(image, new ControllerCommand.AlterReassignments(targets(partition,
                Optional.of(List.of(target)))));
    }

    private Decision cancel(MetadataImage image, int partition) {
        return logic.decide(image, new ControllerCommand.AlterReassignments(targets(partition, Optional.empty())));
    }

    private static ApiError outcome(Decision decision, String topic, int partition) {
        return ((ControllerResult.Elections) decision.result()).results().get(topic).get(partition);
    }

    private static Errors error(Decision decision, int partition) {
        return outcome(decision, "t", partition).error();
    }

    /** The leader of partition 0 reports a new ISR, as its ReplicaManager does. */
    private Decision alterIsr(MetadataImage image, int partition, Integer... isr) {
        PartitionImage p = partition(image, partition);
        return logic.decide(image, new ControllerCommand.AlterPartition("t", partition, p.leader(), p.leaderEpoch(),
                p.partitionEpoch(), List.of(isr)));
    }

    private static MetadataImage accepted(MetadataImage image, Decision decision) {
        ControllerResult result = decision.result();
        if (result instanceof ControllerResult.Elections e) {
            e.results().forEach((topic, partitions) -> partitions.forEach((p, error) ->
                    assertThat(error.error()).as("%s-%d: %s", topic, p, error.message()).isEqualTo(Errors.NONE)));
        } else {
            ApiError error = ((ControllerResult.Error) result).error();
            assertThat(error.error()).as(error.message()).isEqualTo(Errors.NONE);
        }
        return apply(image, decision);
    }

    // ---- start and complete ---------------------------------------------------------------------

    @Nested
    class StartAndComplete {
        @Test
        void startAddsTheTargetAndKeepsTheOldReplicasUntilTheyAreInSync() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1));
            Decision start = reassign(image, 0, 2, 3);
            assertThat(error(start, 0)).isEqualTo(Errors.NONE);
            assertThat(start.records()).hasSize(1);
            image = apply(image, start);
            PartitionImage p = partition(image, 0);
            assertThat(p).isEqualTo(new PartitionImage(0, List.of(2, 3, 1), List.of(1), 1, 0, 1, List.of(2, 3),
                    List.of(1)));
            assertThat(p.isReassigning()).isTrue();
            assertThat(p.targetReplicas()).containsExactly(2, 3);
        }

        @Test
        void theIsrChangeThatBringsTheLastTargetReplicaInCompletesTheMove() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1));
            image = accepted(image, reassign(image, 0, 2, 3));

            // Replica 2 catches up: in the ISR, but 3 is still missing.
            image = accepted(image, alterIsr(image, 0, 1, 2));
            assertThat(partition(image, 0)).isEqualTo(new PartitionImage(0, List.of(2, 3, 1), List.of(1, 2), 1, 0, 2,
                    List.of(2, 3), List.of(1)));

            // Replica 3 catches up: the move completes in the same record; leader 1 leaves, 2 leads.
            Decision last = alterIsr(image, 0, 1, 2, 3);
            assertThat(last.records()).hasSize(1);
            image = accepted(image, last);
            PartitionImage done = partition(image, 0);
            assertThat(done.replicas()).containsExactly(2, 3);
            assertThat(done.isr()).containsExactly(2, 3);
            assertThat(done.leader()).isEqualTo(2);
            assertThat(done.leaderEpoch()).isEqualTo(1);
            assertThat(done.partitionEpoch()).isGreaterThan(2);
            assertThat(done.isReassigning()).isFalse();
            assertThat(done.addingReplicas()).isEmpty();
            assertThat(done.removingReplicas()).isEmpty();
        }

        @Test
        void aLeaderThatStaysKeepsItsEpochWhenTheMoveCompletes() {
            // [1] -> [3, 1]: nothing is removed; 1 keeps leading at the same epoch.
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1));
            image = accepted(image, reassign(image, 0, 3, 1));
            assertThat(partition(image, 0).addingReplicas()).containsExactly(3);
            assertThat(partition(image, 0).removingReplicas()).isEmpty();
            image = accepted(image, alterIsr(image, 0, 1, 3));
            PartitionImage done = partition(image, 0);
            assertThat(done.partitionEpoch()).isGreaterThan(1);
            assertThat(done).isEqualTo(new PartitionImage(0, List.of(3, 1), List.of(1, 3), 1, 0,
                    done.partitionEpoch()));
        }

        @Test
        void aShrinkingIsrDuringAMoveDoesNotCompleteIt() {
            MetadataImage image = withTopic(brokers(1, 2, 3, 4), List.of(1, 2));
            image = accepted(image, reassign(image, 0, 3, 4));
            image = accepted(image, alterIsr(image, 0, 1, 2, 3));
            image = accepted(image, alterIsr(image, 0, 1, 3));
            PartitionImage p = partition(image, 0);
            assertThat(p.isReassigning()).isTrue();
            assertThat(p.replicas()).containsExactly(3, 4, 1, 2);
            assertThat(p.isr()).containsExactly(1, 3);
            image = accepted(image, alterIsr(image, 0, 1, 3, 4));
            assertThat(partition(image, 0)).satisfies(done -> {
                assertThat(done.replicas()).containsExactly(3, 4);
                assertThat(done.isr()).containsExactly(3, 4);
                assertThat(done.leader()).isEqualTo(3);
                assertThat(done.isReassigning()).isFalse();
            });
        }

        @Test
        void aReorderOnlyTargetCompletesImmediately() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1, 2, 3));
            Decision decision = reassign(image, 0, 3, 1, 2);
            assertThat(error(decision, 0)).isEqualTo(Errors.NONE);
            image = apply(image, decision);
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).containsExactly(3, 1, 2);
            assertThat(p.isr()).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(p.leader()).as("the leader stays in the assignment").isEqualTo(1);
            assertThat(p.leaderEpoch()).isZero();
            assertThat(p.isReassigning()).isFalse();
            assertThat(p.partitionEpoch()).isPositive();
        }

        @Test
        void aTargetWithinTheIsrCompletesImmediatelyAndMovesTheLeader() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1, 2, 3));
            image = accepted(image, reassign(image, 0, 3, 2));
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).containsExactly(3, 2);
            assertThat(p.isr()).containsExactlyInAnyOrder(2, 3);
            assertThat(p.leader()).isEqualTo(3);
            assertThat(p.leaderEpoch()).isEqualTo(1);
            assertThat(p.isReassigning()).isFalse();
        }

        @Test
        void partitionsOfOneRequestAreDecidedIndependently() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1), List.of(1), List.of(1));
            Map<Integer, Optional<List<Integer>>> partitions = new LinkedHashMap<>();
            partitions.put(0, Optional.of(List.of(2, 3)));
            partitions.put(1, Optional.of(List.of(9)));
            partitions.put(2, Optional.empty());
            partitions.put(3, Optional.of(List.of(2)));
            Decision decision = logic.decide(image, new ControllerCommand.AlterReassignments(Map.of("t", partitions)));
            assertThat(error(decision, 0)).isEqualTo(Errors.NONE);
            assertThat(error(decision, 1)).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(error(decision, 2)).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
            assertThat(error(decision, 3)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(decision.records()).hasSize(1);
            image = apply(image, decision);
            assertThat(partition(image, 0).isReassigning()).isTrue();
            assertThat(partition(image, 1).isReassigning()).isFalse();
        }
    }

    // ---- cancel -------------------------------------------------------------------------------------

    @Nested
    class Cancel {
        @Test
        void cancelRevertsToTheOriginalReplicasAndDropsAddingOnesFromTheIsr() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1));
            image = accepted(image, reassign(image, 0, 2, 3));
            image = accepted(image, alterIsr(image, 0, 1, 2));
            int epochBefore = partition(image, 0).partitionEpoch();
            image = accepted(image, cancel(image, 0));
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).containsExactly(1);
            assertThat(p.isr()).containsExactly(1);
            assertThat(p.leader()).isEqualTo(1);
            assertThat(p.leaderEpoch()).isZero();
            assertThat(p.partitionEpoch()).isGreaterThan(epochBefore);
            assertThat(p.isReassigning()).isFalse();
        }

        @Test
        void cancelMovesLeadershipAwayFromAnAddingReplica() {
            MetadataImage image = withTopic(brokers(1, 2, 3, 4), List.of(1, 2));
            image = accepted(image, reassign(image, 0, 3, 4));
            image = accepted(image, alterIsr(image, 0, 1, 2, 3));
            // Broker 1 dies: the first live in-sync replica in assignment order (3, being added) leads.
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(partition(image, 0).leader()).isEqualTo(3);
            int leaderEpoch = partition(image, 0).leaderEpoch();

            image = accepted(image, cancel(image, 0));
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).containsExactly(1, 2);
            assertThat(p.isr()).containsExactly(2);
            assertThat(p.leader()).isEqualTo(2);
            assertThat(p.leaderEpoch()).isEqualTo(leaderEpoch + 1);
            assertThat(p.isReassigning()).isFalse();
        }

        /** [1] -> [2]... with 2 in sync and 1 dead, only 2 has the acknowledged records. */
        private MetadataImage onlyTheAddingReplicaIsInSync(boolean uncleanAllowed) {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1));
            if (uncleanAllowed) {
                image = apply(image, List.of(new MetadataRecord.Config(MetadataRecord.ResourceKind.TOPIC, "t",
                        "unclean.leader.election.enable", Optional.of("true"))));
            }
            image = accepted(image, reassign(image, 0, 2, 3));
            image = accepted(image, alterIsr(image, 0, 1, 2));
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(partition(image, 0).isr()).containsExactly(2);
            assertThat(partition(image, 0).leader()).isEqualTo(2);
            return image;
        }

        @Test
        void cancelThatWouldDropTheOnlyInSyncReplicasIsRefused() {
            MetadataImage image = onlyTheAddingReplicaIsInSync(false);
            Decision decision = cancel(image, 0);
            assertThat(error(decision, 0)).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(outcome(decision, "t", 0).message()).contains("unclean");
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void cancelThatNeedsAnUncleanElectionIsAllowedWhereTheTopicAllowsIt() {
            MetadataImage image = onlyTheAddingReplicaIsInSync(true);
            // The original replica must be alive to lead.
            assertThat(error(cancel(image, 0), 0)).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            image = apply(image, logic.unfenceBroker(image, 1));
            int leaderEpoch = partition(image, 0).leaderEpoch();
            image = accepted(image, cancel(image, 0));
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).containsExactly(1);
            assertThat(p.isr()).containsExactly(1);
            assertThat(p.leader()).isEqualTo(1);
            assertThat(p.leaderEpoch()).isEqualTo(leaderEpoch + 1);
            assertThat(p.isReassigning()).isFalse();
        }

        @Test
        void cancelWithoutAReassignmentIsRefused() {
            MetadataImage image = withTopic(brokers(1, 2), List.of(1));
            Decision decision = cancel(image, 0);
            assertThat(error(decision, 0)).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
            assertThat(outcome(decision, "t", 0).message()).contains("t-0");
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void aCompletedMoveCannotBeCancelled() {
            MetadataImage image = withTopic(brokers(1, 2), List.of(1));
            image = accepted(image, reassign(image, 0, 2));
            image = accepted(image, alterIsr(image, 0, 1, 2));
            assertThat(partition(image, 0).isReassigning()).isFalse();
            assertThat(error(cancel(image, 0), 0)).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
        }
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Nested
    class Refusals {
        @Test
        void unknownTopicsAndPartitionsAreRefused() {
            MetadataImage image = withTopic(brokers(1, 2), List.of(1));
            assertThat(error(reassign(image, 1, 2), 1)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(error(reassign(image, -1, 2), -1)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(error(cancel(image, 7), 7)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            Decision missing = logic.decide(image, new ControllerCommand.AlterReassignments(Map.of("nope",
                    Map.of(0, Optional.of(List.of(1))))));
            assertThat(outcome(missing, "nope", 0).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(missing.records()).isEmpty();
        }

        @Test
        void emptyOrDuplicateTargetsAreRefused() {
            MetadataImage image = withTopic(brokers(1, 2), List.of(1));
            Decision empty = reassign(image, 0);
            assertThat(error(empty, 0)).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(empty.records()).isEmpty();
            Decision duplicate = reassign(image, 0, 2, 2);
            assertThat(error(duplicate, 0)).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(duplicate.records()).isEmpty();
        }

        @Test
        void unregisteredBrokersAreRefused() {
            MetadataImage image = withTopic(brokers(1, 2), List.of(1));
            Decision decision = reassign(image, 0, 2, 5);
            assertThat(error(decision, 0)).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(outcome(decision, "t", 0).message()).contains("5");
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void aFencedButRegisteredBrokerMayBeATarget() {
            MetadataImage image = withTopic(brokers(1, 2), List.of(1));
            image = apply(image, List.of(new MetadataRecord.FenceBroker(2)));
            Decision decision = reassign(image, 0, 2);
            assertThat(error(decision, 0)).isEqualTo(Errors.NONE);
            assertThat(partition(apply(image, decision), 0).addingReplicas()).containsExactly(2);
        }

        @Test
        void aFencedAddingReplicaCannotJoinTheIsr() {
            MetadataImage image = withTopic(brokers(1, 2), List.of(1));
            image = accepted(image, reassign(image, 0, 2));
            image = apply(image, List.of(new MetadataRecord.FenceBroker(2)));
            Decision decision = alterIsr(image, 0, 1, 2);
            assertThat(((ControllerResult.Error) decision.result()).error().error())
                    .isEqualTo(Errors.INELIGIBLE_REPLICA);
            assertThat(decision.records()).isEmpty();
        }
    }

    // ---- a new target while one is in progress ------------------------------------------------------

    @Nested
    class Replace {
        @Test
        void aNewTargetReplacesTheOneInProgress() {
            MetadataImage image = withTopic(brokers(1, 2, 3, 4), List.of(1));
            image = accepted(image, reassign(image, 0, 2, 3));
            image = accepted(image, reassign(image, 0, 3, 4));
            PartitionImage p = partition(image, 0);
            assertThat(p.targetReplicas()).containsExactly(3, 4);
            assertThat(p.addingReplicas()).containsExactlyInAnyOrder(3, 4);
            assertThat(p.removingReplicas()).contains(1).doesNotContain(3, 4);
            assertThat(p.replicas()).containsAll(p.isr()).contains(p.leader());
            // It completes on the new target, not the old one.
            image = accepted(image, alterIsr(image, 0, 1, 3));
            assertThat(partition(image, 0).isReassigning()).isTrue();
            image = accepted(image, alterIsr(image, 0, 1, 3, 4));
            assertThat(partition(image, 0)).satisfies(done -> {
                assertThat(done.replicas()).containsExactly(3, 4);
                assertThat(done.isr()).containsExactly(3, 4);
                assertThat(done.leader()).isEqualTo(3);
                assertThat(done.isReassigning()).isFalse();
            });
        }

        @Test
        void anInSyncReplicaOfTheReplacedMoveStaysAReplicaUntilTheNewMoveCompletes() {
            // [1] -> [2, 3]; 2 catches up; then [3, 4]. 2 is in the ISR: it must not vanish from the
            // assignment while it is still in the ISR (the ISR is always a subset of the replicas).
            MetadataImage image = withTopic(brokers(1, 2, 3, 4), List.of(1));
            image = accepted(image, reassign(image, 0, 2, 3));
            image = accepted(image, alterIsr(image, 0, 1, 2));
            image = accepted(image, reassign(image, 0, 3, 4));
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).as("%s", p).containsAll(p.isr());
            assertThat(p.targetReplicas()).containsExactly(3, 4);
            assertThat(p.removingReplicas()).containsExactlyInAnyOrder(1, 2);
            assertThat(p.isr()).containsExactly(1, 2);
            // The leader can still report its ISR and finish the move.
            image = accepted(image, alterIsr(image, 0, 1, 2, 3, 4));
            assertThat(partition(image, 0)).satisfies(done -> {
                assertThat(done.replicas()).containsExactly(3, 4);
                assertThat(done.isr()).containsExactly(3, 4);
                assertThat(done.isReassigning()).isFalse();
            });
        }

        @Test
        void aLeaderFromTheReplacedMoveKeepsItsDataReachable() {
            // [1] -> [2, 3]; 2 catches up; 1 dies, so 2 (an adding replica) leads and holds the only
            // live copy. A new target [3, 4] must not drop 2 from the assignment: the partition would
            // have a leader that is no replica, or lose its only in-sync copy.
            MetadataImage image = withTopic(brokers(1, 2, 3, 4), List.of(1));
            image = accepted(image, reassign(image, 0, 2, 3));
            image = accepted(image, alterIsr(image, 0, 1, 2));
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(partition(image, 0).leader()).isEqualTo(2);
            assertThat(partition(image, 0).isr()).containsExactly(2);

            image = accepted(image, reassign(image, 0, 3, 4));
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).as("%s", p).contains(2).containsAll(p.isr());
            assertThat(p.leader()).isEqualTo(2);
            assertThat(p.isr()).containsExactly(2);
            assertThat(p.targetReplicas()).containsExactly(3, 4);
            image = accepted(image, alterIsr(image, 0, 2, 3, 4));
            assertThat(partition(image, 0)).satisfies(done -> {
                assertThat(done.replicas()).containsExactly(3, 4);
                assertThat(done.isr()).containsExactly(3, 4);
                assertThat(done.leader()).isEqualTo(3);
            });
        }

        @Test
        void aNewTargetBackToTheOriginalEndsTheMove() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1));
            image = accepted(image, reassign(image, 0, 2, 3));
            image = accepted(image, reassign(image, 0, 1));
            PartitionImage p = partition(image, 0);
            assertThat(p.replicas()).containsExactly(1);
            assertThat(p.isr()).containsExactly(1);
            assertThat(p.leader()).isEqualTo(1);
            assertThat(p.isReassigning()).isFalse();
        }
    }

    // ---- interplay with other commands --------------------------------------------------------------

    @Nested
    class Interplay {
        @Test
        void newPartitionsGetTheTargetReplicationFactorNotTheTransientOne() {
            // Partition 0 is moving [1] -> [2, 3]: it has three replicas for now, but the topic's
            // replication factor is 2 once the move is done and 1 before it; never 3.
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1));
            image = accepted(image, reassign(image, 0, 2, 3));
            Decision decision = logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("t", 2), false));
            image = apply(image, decision);
            assertThat(partition(image, 1).replicas()).hasSize(2);
        }

        @Test
        void leaderElectionDuringAMoveKeepsTheReassignmentState() {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1, 2));
            image = accepted(image, reassign(image, 0, 3, 2));
            image = apply(image, logic.fenceBroker(image, 1));
            PartitionImage p = partition(image, 0);
            assertThat(p.leader()).isEqualTo(2);
            assertThat(p.addingReplicas()).containsExactly(3);
            assertThat(p.removingReplicas()).containsExactly(1);
            image = accepted(image, alterIsr(image, 0, 2, 3));
            assertThat(partition(image, 0)).satisfies(done -> {
                assertThat(done.replicas()).containsExactly(3, 2);
                assertThat(done.isr()).containsExactly(2, 3);
                assertThat(done.leader()).isEqualTo(2);
                assertThat(done.isReassigning()).isFalse();
            });
        }

        @Test
        void snapshotAndSerdeKeepTheReassignmentState() throws IOException {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1), List.of(2));
            image = accepted(image, reassign(image, 0, 2, 3));
            List<MetadataRecord> snapshot = ImageSnapshot.toRecords(image);
            List<MetadataRecord> read = MetadataRecordSerde.deserialize(MetadataRecordSerde.serialize(snapshot));
            MetadataImage rebuilt = ImageSnapshot.fromRecords("c", read, image.offset());
            assertThat(rebuilt).isEqualTo(image);
            assertThat(partition(rebuilt, 0).addingReplicas()).containsExactly(2, 3);
            assertThat(partition(rebuilt, 0).removingReplicas()).containsExactly(1);
        }

        @Test
        void theReplyWithThePartitionResultsSurvivesTheWire() throws IOException {
            MetadataImage image = withTopic(brokers(1, 2, 3), List.of(1), List.of(1));
            Map<Integer, Optional<List<Integer>>> partitions = new LinkedHashMap<>();
            partitions.put(0, Optional.of(List.of(2, 3)));
            partitions.put(1, Optional.empty());
            ControllerCommand command = new ControllerCommand.AlterReassignments(Map.of("t", partitions));
            ControllerCommand decoded = ControllerMessages.decodeCommand(ControllerMessages.encodeCommand(command));
            assertThat(decoded).isEqualTo(command);
            Decision decision = logic.decide(image, decoded);
            ControllerMessages.Reply reply = ControllerMessages.decodeReply(ControllerMessages.encodeReply(
                    new ControllerMessages.Reply(decision.result(), 5)));
            Map<Integer, ApiError> results = ((ControllerResult.Elections) reply.result()).results().get("t");
            assertThat(results.get(0).error()).isEqualTo(Errors.NONE);
            assertThat(results.get(1).error()).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
            assertThat(results.get(1).message()).contains("t-1");
        }
    }

    // ---- properties ---------------------------------------------------------------------------------

    @Nested
    class Properties {
        /**
         * Random reassignments, cancels, ISR changes by the leader, fences and unfences never break
         * the invariants: the ISR is a non-empty subset of the replicas, the leader is a live ISR
         * member or -1, adding and removing are disjoint subsets of the replicas with adding inside
         * the target, the target is never empty, and epochs never go down.
         */
        @Test
        void invariantsHoldUnderRandomMoves() {
            Random random = new Random(7);
            int[] ids = {1, 2, 3, 4, 5};
            for (int run = 0; run < 40; run++) {
                MetadataImage image = withTopic(brokers(ids), List.of(1, 2), List.of(3), List.of(4, 5, 1));
                for (int step = 0; step < 80; step++) {
                    int partition = random.nextInt(3);
                    PartitionImage p = partition(image, partition);
                    Decision decision;
                    switch (random.nextInt(6)) {
                        case 0, 1 -> {
                            List<Integer> target = new ArrayList<>();
                            for (int id : ids) {
                                if (random.nextInt(3) == 0) {
                                    target.add(id);
                                }
                            }
                            java.util.Collections.shuffle(target, random);
                            decision = logic.decide(image, new ControllerCommand.AlterReassignments(
                                    targets(partition, Optional.of(target))));
                        }
                        case 2 -> decision = cancel(image, partition);
                        case 3 -> {
                            // The leader adds a live replica or drops a follower, as its replica manager would.
                            if (p.leader() < 0) {
                                continue;
                            }
                            List<Integer> isr = new ArrayList<>(p.isr());
                            int replica = p.replicas().get(random.nextInt(p.replicas().size()));
                            if (isr.contains(replica)) {
                                if (replica == p.leader()) {
                                    continue;
                                }
                                isr.remove(Integer.valueOf(replica));
                            } else {
                                isr.add(replica);
                            }
                            decision = logic.decide(image, new ControllerCommand.AlterPartition("t", partition,
                                    p.leader(), p.leaderEpoch(), p.partitionEpoch(), isr));
                        }
                        case 4 -> decision = logic.fenceBroker(image, ids[random.nextInt(ids.length)]);
                        default -> decision = logic.unfenceBroker(image, ids[random.nextInt(ids.length)]);
                    }
                    MetadataImage next = apply(image, decision);
                    checkInvariants(image, next, "run " + run + " step " + step + " " + decision);
                    image = next;
                }
            }
        }
    }

    private static void checkInvariants(MetadataImage before, MetadataImage after, String context) {
        Set<Integer> live = new HashSet<>();
        after.brokers().values().stream().filter(b -> !b.fenced()).forEach(b -> live.add(b.id()));
        for (TopicImage topic : after.topics().values()) {
            for (PartitionImage p : topic.partitions()) {
                String where = context + ": " + topic.name() + "-" + p.partition() + " " + p;
                assertThat(p.replicas()).as(where).isNotEmpty().doesNotHaveDuplicates();
                assertThat(p.isr()).as(where).isNotEmpty().doesNotHaveDuplicates();
                assertThat(p.replicas()).as(where).containsAll(p.isr());
                assertThat(p.replicas()).as(where).containsAll(p.addingReplicas()).containsAll(p.removingReplicas());
                assertThat(p.addingReplicas().stream().filter(p.removingReplicas()::contains)).as(where).isEmpty();
                assertThat(p.targetReplicas()).as(where).isNotEmpty().containsAll(p.addingReplicas());
                if (p.isReassigning()) {
                    assertThat(p.isr().containsAll(p.targetReplicas()))
                            .as(where + ": a move whose whole target is in sync is complete").isFalse();
                }
                if (p.leader() != -1) {
                    assertThat(live).as(where).contains(p.leader());
                    assertThat(p.isr()).as(where).contains(p.leader());
                }
                PartitionImage old = before.topic(topic.name()).orElseThrow().partitions().get(p.partition());
                assertThat(p.leaderEpoch()).as(where).isGreaterThanOrEqualTo(old.leaderEpoch());
                assertThat(p.partitionEpoch()).as(where).isGreaterThanOrEqualTo(old.partitionEpoch());
                if (p.leader() != old.leader()) {
                    assertThat(p.leaderEpoch()).as(where).isGreaterThan(old.leaderEpoch());
                }
                if (!p.equals(old)) {
                    assertThat(p.partitionEpoch()).as(where).isGreaterThan(old.partitionEpoch());
                }
                if (p.isr().stream().anyMatch(live::contains)) {
                    assertThat(p.leader()).as(where + ": a partition with a live ISR member has a leader")
                            .isNotEqualTo(-1);
                }
            }
        }
    }
}
