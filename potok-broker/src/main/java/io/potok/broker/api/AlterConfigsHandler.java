package io.potok.broker.api;

import io.potok.broker.config.ConfigDescriber;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * AlterConfigs, the API before IncrementalAlterConfigs (librdkafka and older clients still send it):
 * the configs given replace all dynamic configs of the topic or broker resource.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {
    private final ConfigUpdater updater;

    public AlterConfigsHandler(MetadataController controller, ConfigDescriber describer, int nodeId) {
        this.updater = new ConfigUpdater(controller, describer, nodeId);
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, AlterConfigsRequest request, ClientInfo client) {
        List<CompletableFuture<AlterConfigsResourceResponse>> results = new ArrayList<>();
        for (AlterConfigsResource resource : request.data().resources()) {
            Map<String, String> configs = new LinkedHashMap<>();
            boolean duplicate = false;
            for (AlterableConfig c : resource.configs()) {
                duplicate |= configs.containsKey(c.name());
                configs.put(c.name(), c.value());
            }
            CompletableFuture<ApiError> outcome = duplicate
                    ? CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST,
                            "Error due to duplicate config keys"))
                    : updater.replace(resource.resourceType(), resource.resourceName(), configs,
                            request.data().validateOnly());
            results.add(outcome.thenApply(error -> new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                    .setErrorCode(error.error().code()).setErrorMessage(error.isFailure() ? error.message() : null)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            AlterConfigsResponseData data = new AlterConfigsResponseData();
            results.forEach(f -> data.responses().add(f.join()));
            return new AlterConfigsResponse(data);
        });
    }
}
