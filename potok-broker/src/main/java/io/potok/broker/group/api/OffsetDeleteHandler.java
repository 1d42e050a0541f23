package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** OffsetDelete v0: deletes offsets of topics the group does not read (GROUP_SUBSCRIBED_TO_TOPIC otherwise). */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest> {
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, OffsetDeleteRequest request, ClientInfo client) {
        return GroupApiSupport.respond(coordinator.offsetDelete(request.data()).thenApply(OffsetDeleteResponse::new),
                request);
    }
}
