package io.potok.broker.quota;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.quota.ClientQuotaEntity;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.common.requests.DescribeClientQuotasResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * DescribeClientQuotas ({@code kafka-configs --describe --entity-type users|clients|ips}), answered from this node's
 * metadata image with Kafka's filter rules: a component matches one name ({@code MATCH_TYPE_EXACT}), the default
 * ({@code MATCH_TYPE_DEFAULT}) or any entity of its type, the default included ({@code MATCH_TYPE_SPECIFIED}); a
 * strict filter matches only entities with exactly its entity types, a loose one also entities with more.
 */
public final class DescribeClientQuotasHandler implements ApiHandler<DescribeClientQuotasRequest> {
    private final MetadataController controller;

    public DescribeClientQuotasHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeClientQuotasRequest request,
                                                      ClientInfo client) {
        return CompletableFuture.completedFuture(new DescribeClientQuotasResponse(
                describe(controller.image().clientQuotas(), request.data())));
    }

    static DescribeClientQuotasResponseData describe(Map<ClientQuotaEntity, Map<String, Double>> quotas,
                                                     DescribeClientQuotasRequestData filter) {
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData();
        Optional<ApiError> filterError = filterError(filter.components());
        if (filterError.isPresent()) {
            return response.setErrorCode(filterError.get().error().code())
                    .setErrorMessage(filterError.get().message()).setEntries(null);
        }
        inResourceOrder(quotas.keySet()).forEach((resource, entity) -> {
            if (!matches(entity, filter)) {
                return;
            }
            DescribeClientQuotasResponseData.EntryData entry = new DescribeClientQuotasResponseData.EntryData();
            entity.components().forEach((type, name) -> entry.entity().add(
                    new DescribeClientQuotasResponseData.EntityData().setEntityType(type)
                            .setEntityName(name.orElse(null))));
            new TreeMap<>(quotas.get(entity)).forEach((key, value) -> entry.values().add(
                    new DescribeClientQuotasResponseData.ValueData().setKey(key).setValue(value)));
            response.entries().add(entry);
        });
        return response.setErrorCode(Errors.NONE.code());
    }

    /** Entities sorted, so that answers are stable. */
    private static Map<String, ClientQuotaEntity> inResourceOrder(Set<ClientQuotaEntity> entities) {
        Map<String, ClientQuotaEntity> byResource = new TreeMap<>();
        entities.forEach(e -> byResource.put(e.toResource(), e));
        return byResource;
    }

    /** Kafka's checks of a filter, with its messages. */
    private static Optional<ApiError> filterError(List<ComponentData> components) {
        Set<String> types = new HashSet<>();
        for (ComponentData c : components) {
            if (!ClientQuotaEntity.TYPES.contains(c.entityType())) {
                return Optional.of(new ApiError(Errors.UNSUPPORTED_VERSION,
                        "Custom entity type '" + c.entityType() + "' not supported"));
            }
            if (!types.add(c.entityType())) {
                return invalid("Entity type " + c.entityType() + " cannot appear more than once in the filter.");
            }
            switch (c.matchType()) {
                case DescribeClientQuotasRequest.MATCH_TYPE_EXACT -> {
                    if (c.match() == null) {
                        return invalid("Request specified MATCH_TYPE_EXACT, but set match string to null");
                    }
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT -> {
                    if (c.match() != null) {
                        return invalid("Request specified MATCH_TYPE_DEFAULT, but also specified a match string");
                    }
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED -> {
                    if (c.match() != null) {
                        return invalid("Request specified MATCH_TYPE_SPECIFIED, but also specified a match string");
                    }
                }
                default -> {
                    return invalid("Unknown match type " + c.matchType());
                }
            }
        }
        if (types.contains(ClientQuotaEntity.IP) && types.size() > 1) {
            return invalid("Invalid entity filter component combination, IP filter component should not be "
                    + "used with user or clientId filter component.");
        }
        return Optional.empty();
    }

    private static Optional<ApiError> invalid(String message) {
        return Optional.of(new ApiError(Errors.INVALID_REQUEST, message));
    }

    private static boolean matches(ClientQuotaEntity entity, DescribeClientQuotasRequestData filter) {
        if (filter.strict() && entity.components().size() != filter.components().size()) {
            return false;
        }
        for (ComponentData c : filter.components()) {
            Optional<String> name = entity.components().get(c.entityType());
            if (name == null) {
                return false;
            }
            boolean ok = switch (c.matchType()) {
                case DescribeClientQuotasRequest.MATCH_TYPE_EXACT -> name.isPresent() && name.get().equals(c.match());
                case DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT -> name.isEmpty();
                default -> true; // MATCH_TYPE_SPECIFIED: the entity has the type
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
