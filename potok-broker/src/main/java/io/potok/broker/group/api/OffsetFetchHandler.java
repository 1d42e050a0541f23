package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * OffsetFetch v1-v10: one group (v1-v7) or a batch of groups (v8+, v10 naming topics by id).
 * Requests of every version become the batched form; the answer is reshaped for the version asked.
 */
public final class OffsetFetchHandler implements ApiHandler<org.apache.kafka.common.requests.OffsetFetchRequest> {
    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header,
                                                      org.apache.kafka.common.requests.OffsetFetchRequest request,
                                                      ClientInfo client) {
        short version = header.apiVersion();
        OffsetFetchRequestData data = request.data();
        List<OffsetFetchRequestGroup> groups = version >= 8 ? data.groups() : List.of(singleGroup(data));
        boolean requireStable = version >= 7 && data.requireStable();
        return GroupApiSupport.respond(coordinator.offsetFetch(version, groups, requireStable).thenApply(result -> {
            OffsetFetchResponseData response = version >= 8 ? new OffsetFetchResponseData().setGroups(result)
                    : singleGroupResponse(result.get(0), version);
            return new OffsetFetchResponse(response, version);
        }), request);
    }

    private static OffsetFetchRequestGroup singleGroup(OffsetFetchRequestData data) {
        OffsetFetchRequestGroup group = new OffsetFetchRequestGroup().setGroupId(data.groupId()).setMemberEpoch(-1);
        if (data.topics() == null) {
            return group.setTopics(null);
        }
        List<OffsetFetchRequestTopics> topics = new ArrayList<>();
        data.topics().forEach(t -> topics.add(new OffsetFetchRequestTopics().setName(t.name())
                .setPartitionIndexes(new ArrayList<>(t.partitionIndexes()))));
        return group.setTopics(topics);
    }

    private static OffsetFetchResponseData singleGroupResponse(OffsetFetchResponseGroup group, short version) {
        OffsetFetchResponseData response = new OffsetFetchResponseData();
        Errors groupError = Errors.forCode(group.errorCode());
        if (version >= 2) {
            response.setErrorCode(group.errorCode());
        }
        group.topics().forEach(t -> {
            OffsetFetchResponseTopic topic = new OffsetFetchResponseTopic().setName(t.name());
            t.partitions().forEach(p -> topic.partitions().add(new OffsetFetchResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                    .setCommittedLeaderEpoch(version >= 5 ? p.committedLeaderEpoch() : -1)
                    .setMetadata(p.metadata())
                    .setErrorCode(version < 2 && groupError != Errors.NONE ? groupError.code() : p.errorCode())));
            response.topics().add(topic);
        });
        return response;
    }
}
