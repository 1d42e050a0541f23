package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * AlterPartitionReassignments (KIP-455): starts moving partitions to new replicas (null replicas
 * cancel a move). The controller adds the target replicas, waits until they are in sync, then
 * drops the old ones.
 */
public final class AlterPartitionReassignmentsHandler implements ApiHandler<AlterPartitionReassignmentsRequest> {
    private final MetadataController controller;

    public AlterPartitionReassignmentsHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, AlterPartitionReassignmentsRequest request,
                                                      ClientInfo client) {
        boolean allowRfChange = header.apiVersion() < 1 || request.data().allowReplicationFactorChange();
        MetadataImage image = controller.image();
        Map<String, Map<Integer, Optional<List<Integer>>>> targets = new LinkedHashMap<>();
        Map<String, Map<Integer, ApiError>> refused = new LinkedHashMap<>();
        for (ReassignableTopic topic : request.data().topics()) {
            for (ReassignablePartition p : topic.partitions()) {
                Optional<List<Integer>> target = Optional.ofNullable(p.replicas()).map(ArrayList::new);
                if (target.isPresent() && !allowRfChange && changesReplicationFactor(image, topic.name(),
                        p.partitionIndex(), target.get())) {
                    refused.computeIfAbsent(topic.name(), t -> new LinkedHashMap<>()).put(p.partitionIndex(),
                            new ApiError(Errors.INVALID_REPLICATION_FACTOR,
                                    "The replication factor is changed but allowReplicationFactorChange is false"));
                    continue;
                }
                targets.computeIfAbsent(topic.name(), t -> new LinkedHashMap<>()).put(p.partitionIndex(), target);
            }
        }
        CompletableFuture<Map<String, Map<Integer, ApiError>>> decided = targets.isEmpty()
                ? CompletableFuture.completedFuture(Map.of()) : controller.alterReassignments(targets);
        return decided.thenApply(results -> {
            AlterPartitionReassignmentsResponseData data = new AlterPartitionReassignmentsResponseData()
                    .setAllowReplicationFactorChange(allowRfChange);
            for (ReassignableTopic topic : request.data().topics()) {
                ReassignableTopicResponse tr = new ReassignableTopicResponse().setName(topic.name());
                for (ReassignablePartition p : topic.partitions()) {
                    ApiError error = Optional.ofNullable(refused.get(topic.name())).map(m -> m.get(p.partitionIndex()))
                            .or(() -> Optional.ofNullable(results.get(topic.name())).map(m -> m.get(p.partitionIndex())))
                            .orElse(ApiError.NONE);
                    tr.partitions().add(new ReassignablePartitionResponse().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(error.error().code())
                            .setErrorMessage(error.isFailure() ? error.message() : null));
                }
                data.responses().add(tr);
            }
            return new AlterPartitionReassignmentsResponse(data);
        });
    }

    private static boolean changesReplicationFactor(MetadataImage image, String topic, int partition,
                                                    List<Integer> target) {
        Optional<TopicImage> t = image.topic(topic);
        if (t.isEmpty() || partition < 0 || partition >= t.get().partitions().size()) {
            return false;
        }
        PartitionImage p = t.get().partitions().get(partition);
        return p.targetReplicas().size() != target.size();
    }
}
