package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.ErrorMapping;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** OffsetCommit v2-v10 (v10 names topics by id); answered once the offsets are committed in the log. */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {
    private final GroupCoordinator coordinator;

    public OffsetCommitHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, OffsetCommitRequest request, ClientInfo client) {
        return coordinator.offsetCommit(GroupApiSupport.context(header, client), request.data())
                .<AbstractResponse>thenApply(OffsetCommitResponse::new)
                .exceptionally(e -> new OffsetCommitResponse(OffsetCommitRequest.getErrorResponse(request.data(),
                        ErrorMapping.toError(e))));
    }
}
