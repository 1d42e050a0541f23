package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** LeaveGroup v0-v5: one member (v0-v2) or a batch by member id and/or group.instance.id (v3+). */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, LeaveGroupRequest request, ClientInfo client) {
        short version = header.apiVersion();
        return GroupApiSupport.respond(coordinator.leaveGroup(request.data().groupId(), request.members())
                .thenApply(members -> new LeaveGroupResponse(members, Errors.NONE, 0, version)), request);
    }
}
