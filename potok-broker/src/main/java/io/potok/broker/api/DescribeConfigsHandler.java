package io.potok.broker.api;

import io.potok.broker.config.ConfigDescriber;
import io.potok.broker.config.ConfigEntry;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * DescribeConfigs for topics and for this broker: static, dynamic per-broker and dynamic
 * cluster-default values with Kafka's sources and synonyms ({@link ConfigDescriber}).
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {
    private final MetadataController controller;
    private final ConfigDescriber describer;
    private final int nodeId;

    public DescribeConfigsHandler(MetadataController controller, ConfigDescriber describer, int nodeId) {
        this.controller = controller;
        this.describer = describer;
        this.nodeId = nodeId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeConfigsRequest request, ClientInfo client) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        boolean synonyms = request.data().includeSynonyms();
        boolean documentation = request.data().includeDocumentation();
        for (DescribeConfigsResource resource : request.data().resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            List<ConfigEntry> entries;
            if (type == ConfigResource.Type.TOPIC) {
                Optional<TopicImage> topic = controller.image().topic(resource.resourceName());
                if (topic.isEmpty()) {
                    response.results().add(result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage("Topic " + resource.resourceName() + " does not exist"));
                    continue;
                }
                entries = describer.topic(topic.get().configs());
            } else if (type == ConfigResource.Type.BROKER) {
                String name = resource.resourceName();
                if (!name.isEmpty() && !name.equals(Integer.toString(nodeId))) {
                    response.results().add(result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Unexpected broker id, expected " + nodeId + " or empty string, but received " + name));
                    continue;
                }
                // As Kafka: "" is the cluster-wide default and lists only the dynamic defaults.
                entries = name.isEmpty() ? describer.brokerDefaults() : describer.broker();
            } else {
                response.results().add(result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Potok does not describe " + type + " configs yet"));
                continue;
            }
            Set<String> keys = resource.configurationKeys() == null ? null : new HashSet<>(resource.configurationKeys());
            List<DescribeConfigsResourceResult> configs = new ArrayList<>();
            for (ConfigEntry e : entries) {
                if (keys != null && !keys.contains(e.name())) {
                    continue;
                }
                DescribeConfigsResourceResult r = new DescribeConfigsResourceResult().setName(e.name())
                        .setValue(e.value()).setReadOnly(e.readOnly()).setConfigSource(e.source().id())
                        .setIsSensitive(e.sensitive()).setConfigType(configType(e));
                if (synonyms) {
                    List<DescribeConfigsSynonym> list = new ArrayList<>();
                    e.synonyms().forEach(s -> list.add(new DescribeConfigsSynonym().setName(s.name())
                            .setValue(s.value()).setSource(s.source().id())));
                    r.setSynonyms(list);
                }
                if (documentation) {
                    r.setDocumentation(null);
                }
                configs.add(r);
            }
            response.results().add(result.setErrorCode(Errors.NONE.code()).setConfigs(configs));
        }
        return CompletableFuture.completedFuture(new DescribeConfigsResponse(response));
    }

    private static byte configType(ConfigEntry e) {
        return switch (e.type()) {
            case BOOLEAN -> DescribeConfigsResponse.ConfigType.BOOLEAN.id();
            case INT -> DescribeConfigsResponse.ConfigType.INT.id();
            case LONG -> DescribeConfigsResponse.ConfigType.LONG.id();
            case DOUBLE -> DescribeConfigsResponse.ConfigType.DOUBLE.id();
            case LIST -> DescribeConfigsResponse.ConfigType.LIST.id();
            case CLASS -> DescribeConfigsResponse.ConfigType.CLASS.id();
            case PASSWORD -> DescribeConfigsResponse.ConfigType.PASSWORD.id();
            case STRING -> DescribeConfigsResponse.ConfigType.STRING.id();
        };
    }
}
