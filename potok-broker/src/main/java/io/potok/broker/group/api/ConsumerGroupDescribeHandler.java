package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** ConsumerGroupDescribe v0-v1; classic groups get GROUP_ID_NOT_FOUND (clients then use DescribeGroups). */
public final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ConsumerGroupDescribeRequest request,
                                                      ClientInfo client) {
        short version = header.apiVersion();
        return GroupApiSupport.respond(coordinator.consumerGroupDescribe(request.data().groupIds(),
                request.data().includeAuthorizedOperations()).thenApply(groups -> {
                    if (version < 1) {
                        groups.forEach(g -> g.members().forEach(m -> m.setMemberType((byte) -1)));
                    }
                    return new ConsumerGroupDescribeResponse(new ConsumerGroupDescribeResponseData().setGroups(groups));
                }), request);
    }
}
