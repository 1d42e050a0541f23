package io.potok.broker.api;

import io.potok.broker.config.ConfigDescriber;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * IncrementalAlterConfigs (what kafka-configs and Admin#incrementalAlterConfigs send): SET, DELETE,
 * APPEND and SUBTRACT on topic configs, this broker's dynamic configs and the cluster-wide broker
 * default. Each resource succeeds or fails on its own.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {
    private final ConfigUpdater updater;

    public IncrementalAlterConfigsHandler(MetadataController controller, ConfigDescriber describer, int nodeId) {
        this.updater = new ConfigUpdater(controller, describer, nodeId);
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, IncrementalAlterConfigsRequest request,
                                                      ClientInfo client) {
        List<CompletableFuture<AlterConfigsResourceResponse>> results = new ArrayList<>();
        for (AlterConfigsResource resource : request.data().resources()) {
            List<ConfigUpdater.Operation> operations = new ArrayList<>();
            boolean unknownOperation = false;
            for (AlterableConfig c : resource.configs()) {
                OpType type = OpType.forId(c.configOperation());
                unknownOperation |= type == null;
                operations.add(new ConfigUpdater.Operation(c.name(), type, c.value()));
            }
            CompletableFuture<ApiError> outcome = unknownOperation
                    ? CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST, "Unknown config operation"))
                    : updater.incremental(resource.resourceType(), resource.resourceName(), operations,
                            request.data().validateOnly());
            results.add(outcome.thenApply(error -> new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                    .setErrorCode(error.error().code()).setErrorMessage(error.isFailure() ? error.message() : null)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            IncrementalAlterConfigsResponseData data = new IncrementalAlterConfigsResponseData();
            results.forEach(f -> data.responses().add(f.join()));
            return new IncrementalAlterConfigsResponse(data);
        });
    }
}
