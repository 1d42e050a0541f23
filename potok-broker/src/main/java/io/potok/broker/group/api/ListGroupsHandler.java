package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** ListGroups v0-v5: the groups this node coordinates, filtered by state (v4+) and type (v5+). */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ListGroupsRequest request, ClientInfo client) {
        short version = header.apiVersion();
        List<String> states = version >= 4 ? request.data().statesFilter() : List.of();
        List<String> types = version >= 5 ? request.data().typesFilter() : List.of();
        return GroupApiSupport.respond(coordinator.listGroups(states, types).thenApply(result -> {
            result.groups().forEach(g -> {
                if (version < 4) {
                    g.setGroupState("");
                }
                if (version < 5) {
                    g.setGroupType("");
                }
            });
            return new ListGroupsResponse(new ListGroupsResponseData().setErrorCode(result.error().code())
                    .setGroups(result.groups()));
        }), request);
    }
}
