package io.potok.broker.api;

import io.potok.broker.config.Endpoint;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.ArrayList;
import java.util.List;
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
 * FindCoordinator: on a single node this node coordinates every group. Transaction and share
 * coordinators do not exist yet, so those lookups get COORDINATOR_NOT_AVAILABLE.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final int nodeId;
    private final Endpoint advertised;

    public FindCoordinatorHandler(int nodeId, Endpoint advertised) {
        this.nodeId = nodeId;
        this.advertised = advertised;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, FindCoordinatorRequest request, ClientInfo client) {
        byte keyType = request.data().keyType();
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (header.apiVersion() < 4) {
            Coordinator c = coordinator(request.data().key(), keyType);
            data.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId())
                    .setHost(c.host()).setPort(c.port());
        } else {
            List<Coordinator> coordinators = new ArrayList<>();
            for (String key : request.data().coordinatorKeys()) {
                coordinators.add(coordinator(key, keyType));
            }
            data.setCoordinators(coordinators);
        }
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(data));
    }

    private Coordinator coordinator(String key, byte keyType) {
        Coordinator c = new Coordinator().setKey(key);
        if (keyType == FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
            return c.setErrorCode(Errors.NONE.code()).setNodeId(nodeId).setHost(advertised.host())
                    .setPort(advertised.port());
        }
        return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                .setErrorMessage("This node has no coordinator of type " + keyType + " yet")
                .setNodeId(-1).setHost("").setPort(-1);
    }
}
