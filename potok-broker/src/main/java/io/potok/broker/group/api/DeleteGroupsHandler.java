package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** DeleteGroups v0-v3: deletes empty groups and their offsets; NON_EMPTY_GROUP for groups with members. */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DeleteGroupsRequest request, ClientInfo client) {
        short version = header.apiVersion();
        return GroupApiSupport.respond(coordinator.deleteGroups(request.data().groupsNames()).thenApply(results -> {
            DeleteGroupsResponseData data = new DeleteGroupsResponseData();
            results.forEach(r -> data.results().add(version >= 3 ? r : r.setErrorMessage(null)));
            return new DeleteGroupsResponse(data);
        }), request);
    }
}
