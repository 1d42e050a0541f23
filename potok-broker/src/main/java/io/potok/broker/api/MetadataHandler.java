package io.potok.broker.api;

import io.potok.broker.config.BrokerConfig;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.controller.NewTopic;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** Metadata: brokers, controller and topics from the current image; auto-creates topics when allowed. */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private final MetadataController controller;
    private final BrokerConfig config;

    public MetadataHandler(MetadataController controller, BrokerConfig config) {
        this.controller = controller;
        this.config = config;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, MetadataRequest request, ClientInfo client) {
        MetadataImage image = controller.image();
        if (request.isAllTopics()) {
            return CompletableFuture.completedFuture(respond(header, image, null));
        }
        List<MetadataRequestData.MetadataRequestTopic> requested = request.data().topics();
        Set<String> toCreate = new LinkedHashSet<>();
        if (request.allowAutoTopicCreation() && config.autoCreateTopicsEnable()) {
            for (MetadataRequestData.MetadataRequestTopic t : requested) {
                if (t.name() != null && image.topic(t.name()).isEmpty() && Topic.isValid(t.name())
                        && !Topic.isInternal(t.name())) {
                    toCreate.add(t.name());
                }
            }
        }
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(respond(header, image, requested));
        }
        List<NewTopic> topics = toCreate.stream()
                .map(name -> new NewTopic(name, -1, (short) -1, Map.of(), Map.of())).toList();
        return controller.createTopics(topics, false)
                .thenApply(results -> respond(header, controller.image(), requested));
    }

    private AbstractResponse respond(RequestHeader header, MetadataImage image,
                                     List<MetadataRequestData.MetadataRequestTopic> requested) {
        MetadataResponseData data = new MetadataResponseData()
                .setClusterId(image.clusterId())
                .setControllerId(controller.controllerIdForClients());
        for (BrokerImage broker : image.brokers().values()) {
            if (!broker.fenced()) {
                data.brokers().add(new MetadataResponseBroker().setNodeId(broker.id()).setHost(broker.host())
                        .setPort(broker.port()).setRack(broker.rack().orElse(null)));
            }
        }
        if (requested == null) {
            for (TopicImage topic : image.sortedTopics()) {
                data.topics().add(topicResponse(topic));
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic t : requested) {
                Optional<TopicImage> topic = t.name() != null ? image.topic(t.name())
                        : Optional.ofNullable(t.topicId()).flatMap(image::topic);
                if (topic.isPresent()) {
                    data.topics().add(topicResponse(topic.get()));
                } else {
                    Errors error = t.name() == null ? Errors.UNKNOWN_TOPIC_ID
                            : Topic.isValid(t.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
                    data.topics().add(new MetadataResponseTopic().setName(t.name())
                            .setTopicId(t.topicId() == null ? Uuid.ZERO_UUID : t.topicId())
                            .setErrorCode(error.code()));
                }
            }
        }
        return new MetadataResponse(data, header.apiVersion());
    }

    private static MetadataResponseTopic topicResponse(TopicImage topic) {
        MetadataResponseTopic response = new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(Topic.isInternal(topic.name()));
        List<MetadataResponsePartition> partitions = new ArrayList<>();
        for (PartitionImage p : topic.partitions()) {
            partitions.add(new MetadataResponsePartition()
                    .setPartitionIndex(p.partition())
                    .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                    .setLeaderId(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr()))
                    .setOfflineReplicas(new ArrayList<>()));
        }
        return response.setPartitions(partitions);
    }
}
