package io.potok.metadata.controller;

import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a node asks of the active controller. Each command is decided on the controller's one thread. */
public sealed interface ControllerCommand {

    record CreateTopics(List<NewTopic> topics, boolean validateOnly) implements ControllerCommand { }

    record DeleteTopics(List<String> names) implements ControllerCommand { }

    record CreatePartitions(Map<String, Integer> newTotals, boolean validateOnly) implements ControllerCommand { }

    record AlterConfigs(ResourceKind kind, String resource, Map<String, Optional<String>> changes, boolean replaceAll,
                        boolean validateOnly) implements ControllerCommand { }

    record AllocateProducerIds() implements ControllerCommand { }

    record RegisterBroker(int id, String host, int port, Optional<String> rack) implements ControllerCommand { }

    /** Not written to the log: it refreshes the broker's session on the controller. */
    record BrokerHeartbeat(int id) implements ControllerCommand { }

    /** The broker is about to stop: move leadership away and fence it. */
    record ControlledShutdown(int id) implements ControllerCommand { }

    /**
     * AlterPartition: a partition leader changes its ISR. Refused unless {@code leaderEpoch} and
     * {@code partitionEpoch} are the current ones (a stale leader cannot overwrite a newer state).
     */
    record AlterPartition(String topic, int partition, int leaderId, int leaderEpoch, int partitionEpoch,
                          List<Integer> newIsr) implements ControllerCommand { }

    /**
     * AlterPartitionReassignments: per topic and partition, the target replicas, or empty to cancel
     * the partition's reassignment in progress.
     */
    record AlterReassignments(Map<String, Map<Integer, Optional<List<Integer>>>> targets) implements ControllerCommand { }

    /** ElectLeaders: {@code unclean} picks any live replica when no in-sync replica is alive. */
    record ElectLeaders(boolean unclean, Map<String, List<Integer>> partitions) implements ControllerCommand { }

    /** DescribeQuorum: answered by the active controller from its Raft state, nothing written. */
    record DescribeQuorum() implements ControllerCommand { }
}
