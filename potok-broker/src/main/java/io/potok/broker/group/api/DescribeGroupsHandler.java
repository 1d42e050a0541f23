package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** DescribeGroups v0-v6: state, protocol and members of each group (unknown ones: Dead, or GROUP_ID_NOT_FOUND from v6). */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {
    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeGroupsRequest request, ClientInfo client) {
        short version = header.apiVersion();
        boolean includeOps = version >= 3 && request.data().includeAuthorizedOperations();
        return GroupApiSupport.respond(coordinator.describeGroups(request.data().groups(), version, includeOps)
                .thenApply(groups -> {
                    if (version < 6) {
                        groups.forEach(g -> g.setErrorMessage(null));
                    }
                    return new DescribeGroupsResponse(new DescribeGroupsResponseData().setGroups(groups));
                }), request);
    }
}
