package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.ClassicResponses;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/** SyncGroup v0-v5: the leader hands in the assignment, every member gets its part. */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequest> {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, SyncGroupRequest request, ClientInfo client) {
        short version = header.apiVersion();
        return GroupApiSupport.respond(coordinator.syncGroup(GroupApiSupport.context(header, client), request.data())
                .thenApply(d -> new SyncGroupResponse(ClassicResponses.syncForVersion(d, version))), request);
    }
}
