package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.PartitionLookup;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** DeleteRecords: moves a partition's log start offset forward (offset -1 means the high watermark). */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private final PartitionLookup lookup;

    public DeleteRecordsHandler(PartitionLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DeleteRecordsRequest request, ClientInfo client) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsPartitionResult pr = new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                        .setLowWatermark(-1);
                try {
                    Partition partition = lookup.partition(topic.name(), null, p.partitionIndex());
                    partition.requireLeader(partition.state());
                    long hw = partition.highWatermark();
                    long offset = p.offset() == DeleteRecordsRequest.HIGH_WATERMARK ? hw : p.offset();
                    if (offset < 0 || offset > hw) {
                        throw new OffsetOutOfRangeException("Cannot delete records of " + partition.topicPartition()
                                + " before offset " + p.offset() + ": the high watermark is " + hw);
                    }
                    pr.setLowWatermark(partition.log().deleteRecordsBefore(offset));
                } catch (RuntimeException e) {
                    pr.setErrorCode(ErrorMapping.toError(e).code());
                }
                tr.partitions().add(pr);
            }
            response.topics().add(tr);
        }
        return CompletableFuture.completedFuture(new DeleteRecordsResponse(response));
    }
}
