package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.ErrorMapping;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** ConsumerGroupHeartbeat v0-v1 (KIP-848): membership, epochs and server-side assignment in one call. */
public final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ConsumerGroupHeartbeatRequest request,
                                                      ClientInfo client) {
        return coordinator.consumerGroupHeartbeat(GroupApiSupport.context(header, client), request.data())
                .<AbstractResponse>thenApply(ConsumerGroupHeartbeatResponse::new)
                .exceptionally(e -> {
                    // Built here rather than by getErrorResponse, which drops the message the client logs.
                    ApiError error = ErrorMapping.toApiError(e);
                    return new ConsumerGroupHeartbeatResponse(new ConsumerGroupHeartbeatResponseData()
                            .setErrorCode(error.error().code()).setErrorMessage(error.message()));
                });
    }
}
