package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.ClassicResponses;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** JoinGroup v0-v9: joins a classic group; the response may wait for the whole group to join. */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequest> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, JoinGroupRequest request, ClientInfo client) {
        short version = header.apiVersion();
        return GroupApiSupport.respond(coordinator.joinGroup(GroupApiSupport.context(header, client), request.data())
                .thenApply(d -> new JoinGroupResponse(ClassicResponses.joinForVersion(d, version), version)), request);
    }
}
