package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** ListPartitionReassignments: the moves in progress, from the metadata image. */
public final class ListPartitionReassignmentsHandler implements ApiHandler<ListPartitionReassignmentsRequest> {
    private final MetadataController controller;

    public ListPartitionReassignmentsHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ListPartitionReassignmentsRequest request,
                                                      ClientInfo client) {
        MetadataImage image = controller.image();
        ListPartitionReassignmentsResponseData data = new ListPartitionReassignmentsResponseData();
        List<ListPartitionReassignmentsTopics> wanted = request.data().topics();
        if (wanted == null) {
            for (TopicImage topic : image.sortedTopics()) {
                add(data, topic, null);
            }
        } else {
            for (ListPartitionReassignmentsTopics t : wanted) {
                Optional<TopicImage> topic = image.topic(t.name());
                topic.ifPresent(ti -> add(data, ti, t.partitionIndexes()));
            }
        }
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponse(data));
    }

    private static void add(ListPartitionReassignmentsResponseData data, TopicImage topic, List<Integer> partitions) {
        List<OngoingPartitionReassignment> ongoing = new ArrayList<>();
        for (PartitionImage p : topic.partitions()) {
            if (p.isReassigning() && (partitions == null || partitions.contains(p.partition()))) {
                ongoing.add(new OngoingPartitionReassignment().setPartitionIndex(p.partition())
                        .setReplicas(new ArrayList<>(p.replicas()))
                        .setAddingReplicas(new ArrayList<>(p.addingReplicas()))
                        .setRemovingReplicas(new ArrayList<>(p.removingReplicas())));
            }
        }
        if (!ongoing.isEmpty()) {
            data.topics().add(new OngoingTopicReassignment().setName(topic.name()).setPartitions(ongoing));
        }
    }
}
