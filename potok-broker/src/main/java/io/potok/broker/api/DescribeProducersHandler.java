package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.PartitionLookup;
import io.potok.storage.ProducerStateEntry;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.DescribeProducersRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * DescribeProducers (kafka-transactions describe-producers): the idempotent producers the leader's
 * log knows for each partition, with their epoch, last sequence and last timestamp. Potok has no
 * transactions yet, so the coordinator epoch and transaction start offset are always -1.
 */
public final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequest> {
    private final PartitionLookup lookup;

    public DescribeProducersHandler(PartitionLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_PRODUCERS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeProducersRequest request,
                                                      ClientInfo client) {
        DescribeProducersResponseData data = new DescribeProducersResponseData();
        for (TopicRequest topic : request.data().topics()) {
            TopicResponse topicResponse = new TopicResponse().setName(topic.name());
            for (int index : topic.partitionIndexes()) {
                PartitionResponse response = new PartitionResponse().setPartitionIndex(index)
                        .setErrorCode(Errors.NONE.code());
                try {
                    Partition partition = lookup.partition(topic.name(), null, index);
                    if (!partition.isLeader()) {
                        throw new NotLeaderOrFollowerException("Broker is not the leader of " + partition.topicPartition());
                    }
                    partition.log().activeProducers().stream()
                            .sorted(Comparator.comparingLong(ProducerStateEntry::producerId))
                            .forEach(p -> response.activeProducers().add(new ProducerState()
                                    .setProducerId(p.producerId()).setProducerEpoch(p.producerEpoch())
                                    .setLastSequence(p.lastSequence()).setLastTimestamp(p.lastTimestampMs())
                                    .setCoordinatorEpoch(-1).setCurrentTxnStartOffset(-1)));
                } catch (RuntimeException e) {
                    ApiError error = ErrorMapping.toApiError(e);
                    response.setErrorCode(error.error().code()).setErrorMessage(error.message());
                }
                topicResponse.partitions().add(response);
            }
            data.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(new DescribeProducersResponse(data));
    }
}
