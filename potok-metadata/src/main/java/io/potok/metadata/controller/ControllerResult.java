package io.potok.metadata.controller;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.requests.ApiError;

/** The controller's answer to a {@link ControllerCommand}, with the metadata offset that holds its effects. */
public sealed interface ControllerResult {

    record Topics(List<TopicResult> results) implements ControllerResult { }

    record Error(ApiError error) implements ControllerResult { }

    record ProducerIdBlock(long firstProducerId, int size) implements ControllerResult { }

    /** Per topic, per partition, the outcome (ElectLeaders, AlterPartitionReassignments). */
    record Elections(Map<String, Map<Integer, ApiError>> results) implements ControllerResult { }

    record Quorum(io.potok.metadata.quorum.QuorumDescription description) implements ControllerResult { }
}
