package io.potok.broker.quota;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.ErrorMapping;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.quota.ClientQuotaEntity;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterClientQuotasRequest;
import org.apache.kafka.common.requests.AlterClientQuotasResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * AlterClientQuotas ({@code kafka-configs --alter --entity-type users|clients|ips}): each entry is decided by the
 * active controller on its own (one entity, all its changes or none) and answered with its own error.
 */
public final class AlterClientQuotasHandler implements ApiHandler<AlterClientQuotasRequest> {
    private final MetadataController controller;

    public AlterClientQuotasHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CLIENT_QUOTAS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, AlterClientQuotasRequest request,
                                                      ClientInfo client) {
        AlterClientQuotasRequestData data = request.data();
        List<CompletableFuture<ApiError>> outcomes = new ArrayList<>();
        for (AlterClientQuotasRequestData.EntryData entry : data.entries()) {
            outcomes.add(alter(entry, data.validateOnly()));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            AlterClientQuotasResponseData response = new AlterClientQuotasResponseData();
            for (int i = 0; i < data.entries().size(); i++) {
                ApiError error = outcomes.get(i).join();
                List<AlterClientQuotasResponseData.EntityData> entity = new ArrayList<>();
                data.entries().get(i).entity().forEach(e -> entity.add(new AlterClientQuotasResponseData.EntityData()
                        .setEntityType(e.entityType()).setEntityName(e.entityName())));
                response.entries().add(new AlterClientQuotasResponseData.EntryData().setEntity(entity)
                        .setErrorCode(error.error().code()).setErrorMessage(error.message()));
            }
            return new AlterClientQuotasResponse(response);
        });
    }

    private CompletableFuture<ApiError> alter(AlterClientQuotasRequestData.EntryData entry, boolean validateOnly) {
        Map<String, Optional<String>> components = new TreeMap<>();
        for (AlterClientQuotasRequestData.EntityData e : entry.entity()) {
            if (components.put(e.entityType(), Optional.ofNullable(e.entityName())) != null) {
                return CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST,
                        "Duplicate " + e.entityType() + " entity type in request"));
            }
        }
        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        for (AlterClientQuotasRequestData.OpData op : entry.ops()) {
            if (changes.put(op.key(), op.remove() ? Optional.empty() : Optional.of(Double.toString(op.value())))
                    != null) {
                return CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST,
                        "Duplicate quota key " + op.key() + " not updating quota for entity " + components));
            }
        }
        return controller.alterConfigs(ResourceKind.CLIENT_QUOTA, new ClientQuotaEntity(components).toResource(),
                changes, false, validateOnly).exceptionally(ErrorMapping::toApiError);
    }
}
