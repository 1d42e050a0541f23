package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * ElectLeaders (kafka-leader-election): preferred elections move leadership to the first replica
 * when it is alive and in sync; unclean elections pick any live replica of a partition without a
 * live leader. The controller decides; the answer comes once this node's image has the result.
 *
 * <p>As in Kafka, a request for every partition (a null partition list) leaves out the partitions
 * where no election was needed, and unknown topics and partitions are answered per partition.
 */
public final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequest> {
    private final MetadataController controller;

    public ElectLeadersHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ELECT_LEADERS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ElectLeadersRequest request, ClientInfo client) {
        boolean unclean = header.apiVersion() >= 1
                && ElectionType.valueOf(request.data().electionType()) == ElectionType.UNCLEAN;
        boolean all = request.data().topicPartitions() == null;
        MetadataImage image = controller.image();
        // Unknown topics and partitions are answered here with Kafka's messages; the rest go to the controller.
        Map<String, Map<Integer, ApiError>> unknown = new LinkedHashMap<>();
        Map<String, List<Integer>> wanted = all ? null : new LinkedHashMap<>();
        if (!all) {
            for (TopicPartitions t : request.data().topicPartitions()) {
                Optional<TopicImage> topic = image.topic(t.topic());
                for (int partition : t.partitions()) {
                    if (topic.isEmpty()) {
                        unknown.computeIfAbsent(t.topic(), k -> new LinkedHashMap<>()).put(partition,
                                new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "No such topic as " + t.topic()));
                    } else if (partition < 0 || partition >= topic.get().partitions().size()) {
                        unknown.computeIfAbsent(t.topic(), k -> new LinkedHashMap<>()).put(partition,
                                new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                                        "No such partition as " + t.topic() + "-" + partition));
                    } else {
                        wanted.computeIfAbsent(t.topic(), k -> new ArrayList<>()).add(partition);
                    }
                }
            }
        }
        CompletableFuture<Map<String, Map<Integer, ApiError>>> elected = !all && wanted.isEmpty()
                ? CompletableFuture.completedFuture(Map.of())
                : controller.electLeaders(unclean, wanted);
        return elected.handle((results, error) -> {
            ElectLeadersResponseData data = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
            if (error != null) {
                ApiError apiError = ErrorMapping.toApiError(error);
                if (header.apiVersion() >= 1) {
                    data.setErrorCode(apiError.error().code());
                }
                if (!all) {
                    wanted.forEach((topic, partitions) -> partitions.forEach(p -> unknown
                            .computeIfAbsent(topic, k -> new LinkedHashMap<>()).put(p, apiError)));
                }
                results = Map.of();
            }
            Map<String, Map<Integer, ApiError>> merged = new LinkedHashMap<>();
            results.forEach((topic, partitions) -> merged.computeIfAbsent(topic, k -> new LinkedHashMap<>())
                    .putAll(partitions));
            unknown.forEach((topic, partitions) -> merged.computeIfAbsent(topic, k -> new LinkedHashMap<>())
                    .putAll(partitions));
            merged.forEach((topic, partitions) -> {
                ReplicaElectionResult result = new ReplicaElectionResult().setTopic(topic);
                partitions.forEach((partition, apiError) -> {
                    if (all && apiError.is(Errors.ELECTION_NOT_NEEDED)) {
                        return;
                    }
                    result.partitionResult().add(new PartitionResult().setPartitionId(partition)
                            .setErrorCode(apiError.error().code())
                            .setErrorMessage(apiError.isFailure() ? apiError.message() : null));
                });
                if (!result.partitionResult().isEmpty()) {
                    data.replicaElectionResults().add(result);
                }
            });
            return new ElectLeadersResponse(data);
        });
    }
}
