package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.PartitionLookup;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * OffsetsForLeaderEpoch (KIP-101/279/320): where a leader epoch ends in the leader's log. Followers
 * use it to find the point where their history diverges; consumers to validate their position after
 * a leader change.
 */
public final class OffsetsForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {
    private final PartitionLookup lookup;

    public OffsetsForLeaderEpochHandler(PartitionLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, OffsetsForLeaderEpochRequest request,
                                                      ClientInfo client) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition p : topic.partitions()) {
                EpochEndOffset out = new EpochEndOffset().setPartition(p.partition())
                        .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH).setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
                try {
                    Partition partition = lookup.partition(topic.topic(), null, p.partition());
                    partition.requireLeader(partition.state());
                    partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    io.potok.storage.epoch.EpochEndOffset end = partition.log().endOffsetForEpoch(p.leaderEpoch());
                    if (end != io.potok.storage.epoch.EpochEndOffset.UNDEFINED) {
                        // Consumers must not be told of offsets above what is committed.
                        long endOffset = request.data().replicaId() < 0
                                ? Math.min(end.endOffset(), partition.highWatermark()) : end.endOffset();
                        out.setLeaderEpoch(end.epoch()).setEndOffset(endOffset);
                    }
                } catch (RuntimeException e) {
                    out.setErrorCode(ErrorMapping.toError(e).code());
                }
                result.partitions().add(out);
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(new OffsetsForLeaderEpochResponse(response));
    }
}
