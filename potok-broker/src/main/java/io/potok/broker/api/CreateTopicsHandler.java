package io.potok.broker.api;

import io.potok.broker.config.ConfigDescriber;
import io.potok.broker.config.ConfigEntry;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.controller.NewTopic;
import io.potok.metadata.controller.TopicResult;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** CreateTopics, including validateOnly and, from v5, the created topic's settings in the answer. */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {
    private final MetadataController controller;
    private final ConfigDescriber configs;

    public CreateTopicsHandler(MetadataController controller, ConfigDescriber configs) {
        this.controller = controller;
        this.configs = configs;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, CreateTopicsRequest request, ClientInfo client) {
        List<NewTopic> topics = new ArrayList<>();
        for (CreatableTopic t : request.data().topics()) {
            Map<Integer, List<Integer>> assignments = new HashMap<>();
            for (CreatableReplicaAssignment a : t.assignments()) {
                assignments.put(a.partitionIndex(), new ArrayList<>(a.brokerIds()));
            }
            Map<String, String> topicConfigs = new HashMap<>();
            for (CreatableTopicConfig c : t.configs()) {
                topicConfigs.put(c.name(), c.value());
            }
            topics.add(new NewTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments, topicConfigs));
        }
        boolean validateOnly = request.data().validateOnly();
        return controller.createTopics(topics, validateOnly).thenApply(results -> {
            CreateTopicsResponseData response = new CreateTopicsResponseData();
            for (TopicResult result : results) {
                CreatableTopicResult r = new CreatableTopicResult().setName(result.name())
                        .setErrorCode(result.error().error().code())
                        .setErrorMessage(result.error().isFailure() ? result.error().message() : null)
                        .setNumPartitions(-1).setReplicationFactor((short) -1);
                result.topic().ifPresent(topic -> describe(r, topic));
                if (result.error().is(Errors.INVALID_CONFIG)) {
                    r.setTopicConfigErrorCode(Errors.INVALID_CONFIG.code());
                }
                response.topics().add(r);
            }
            return new CreateTopicsResponse(response);
        });
    }

    private void describe(CreatableTopicResult r, TopicImage topic) {
        r.setTopicId(topic.id()).setNumPartitions(topic.partitions().size())
                .setReplicationFactor((short) (topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size()));
        List<CreatableTopicConfigs> list = new ArrayList<>();
        for (ConfigEntry e : configs.topic(topic.configs())) {
            list.add(new CreatableTopicConfigs().setName(e.name()).setValue(e.value()).setReadOnly(e.readOnly())
                    .setConfigSource(e.source().id()).setIsSensitive(false));
        }
        r.setConfigs(list);
    }
}
