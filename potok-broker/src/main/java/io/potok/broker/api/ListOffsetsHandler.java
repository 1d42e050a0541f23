package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.PartitionLookup;
import io.potok.storage.TimestampAndOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** ListOffsets: earliest, latest, max timestamp and by-timestamp lookups on partition leaders. */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private final PartitionLookup lookup;

    public ListOffsetsHandler(PartitionLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ListOffsetsRequest request, ClientInfo client) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsTopic topic : request.data().topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse pr = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                        .setTimestamp(-1).setOffset(-1).setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
                try {
                    Partition partition = lookup.partition(topic.name(), null, p.partitionIndex());
                    partition.requireLeader(partition.state());
                    partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    lookupOffset(partition, p.timestamp()).ifPresent(found -> {
                        pr.setTimestamp(found.timestampMs()).setOffset(found.offset());
                        if (header.apiVersion() >= 4) { // the field exists from v4 on
                            pr.setLeaderEpoch(found.leaderEpoch().orElse(partition.leaderEpoch()));
                        }
                    });
                } catch (RuntimeException e) {
                    pr.setErrorCode(ErrorMapping.toError(e).code());
                }
                topicResponse.partitions().add(pr);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(new ListOffsetsResponse(response));
    }

    private static Optional<TimestampAndOffset> lookupOffset(Partition partition, long timestamp) {
        int epoch = partition.leaderEpoch();
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return Optional.of(new TimestampAndOffset(-1, partition.logStartOffset(), Optional.of(epoch)));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP || timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            return Optional.of(new TimestampAndOffset(-1, partition.highWatermark(), Optional.of(epoch)));
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return partition.log().maxTimestampAndOffset();
        }
        if (timestamp < 0) {
            throw new org.apache.kafka.common.errors.InvalidRequestException("Unknown special timestamp " + timestamp);
        }
        return partition.log().offsetForTimestamp(timestamp).filter(found -> found.offset() < partition.highWatermark());
    }
}
