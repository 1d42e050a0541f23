package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.ErrorMapping;
import io.potok.broker.group.OffsetsTopic;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.image.BrokerImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * FindCoordinator v0-v6 (batched keys from v4): a group's coordinator is the leader of its
 * {@code __consumer_offsets} partition; the topic is created on the first lookup. Transaction and
 * share coordinators do not exist yet: those lookups get COORDINATOR_NOT_AVAILABLE.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final OffsetsTopic offsetsTopic;

    public FindCoordinatorHandler(OffsetsTopic offsetsTopic) {
        this.offsetsTopic = offsetsTopic;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, FindCoordinatorRequest request, ClientInfo client) {
        short version = header.apiVersion();
        byte keyType = version >= 1 ? request.data().keyType() : FindCoordinatorRequest.CoordinatorType.GROUP.id();
        List<String> keys = version >= 4 ? request.data().coordinatorKeys() : List.of(request.data().key());
        if (keyType != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
            List<Coordinator> coordinators = new ArrayList<>();
            keys.forEach(k -> coordinators.add(error(k, Errors.COORDINATOR_NOT_AVAILABLE,
                    "This node has no coordinator of type " + keyType + " yet")));
            return CompletableFuture.completedFuture(response(version, coordinators));
        }
        return offsetsTopic.ensureCreated().handle((v, e) -> {
            List<Coordinator> coordinators = new ArrayList<>();
            for (String key : keys) {
                if (e != null) {
                    coordinators.add(error(key, ErrorMapping.toError(e), ErrorMapping.unwrap(e).getMessage()));
                    continue;
                }
                Optional<BrokerImage> leader = offsetsTopic.coordinatorFor(key);
                coordinators.add(leader.map(b -> new Coordinator().setKey(key).setErrorCode(Errors.NONE.code())
                                .setNodeId(b.id()).setHost(b.host()).setPort(b.port()))
                        .orElseGet(() -> error(key, Errors.COORDINATOR_NOT_AVAILABLE,
                                "The coordinator is not available.")));
            }
            return response(version, coordinators);
        });
    }

    private static Coordinator error(String key, Errors error, String message) {
        return new Coordinator().setKey(key).setErrorCode(error.code()).setErrorMessage(message)
                .setNodeId(-1).setHost("").setPort(-1);
    }

    private static AbstractResponse response(short version, List<Coordinator> coordinators) {
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (version < 4) {
            Coordinator c = coordinators.get(0);
            data.setErrorCode(c.errorCode()).setErrorMessage(version >= 1 ? c.errorMessage() : null)
                    .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
        } else {
            data.setCoordinators(coordinators);
        }
        return new FindCoordinatorResponse(data);
    }
}
