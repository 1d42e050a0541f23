package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.PartitionLookup;
import io.potok.broker.replica.ReplicaManager;
import io.potok.storage.LogAppendInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** Produce: validates and appends each partition's batches on its leader. */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private final PartitionLookup lookup;
    private final ReplicaManager replicas;

    public ProduceHandler(PartitionLookup lookup, ReplicaManager replicas) {
        this.lookup = lookup;
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    /**
     * Kafka 4 advertises Produce from v0 although it serves v3 and up: librdkafka decides whether it
     * may compress with gzip, snappy or lz4 by the presence of v0. Requests below v3 do not parse
     * and their connection is closed.
     */
    @Override
    public short minVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ProduceRequest request, ClientInfo client) {
        short version = header.apiVersion();
        ProduceResponseData response = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topic : request.data().topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topic.name())
                    .setTopicId(topic.topicId());
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(p.index())
                        .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                try {
                    MemoryRecords records = (MemoryRecords) p.records();
                    if (records == null) {
                        throw new org.apache.kafka.common.InvalidRecordException("Produce request without records");
                    }
                    ProduceRequest.validateRecords(version, records);
                    Partition partition = lookup.partition(topic.name(), topic.topicId(), p.index());
                    LogAppendInfo info = partition.appendAsLeader(records, request.acks());
                    pr.setBaseOffset(info.firstOffset()).setLogAppendTimeMs(info.logAppendTimeMs())
                            .setLogStartOffset(info.logStartOffset());
                    if (!info.duplicate()) {
                        replicas.appended(partition.topicPartition());
                    }
                } catch (RuntimeException e) {
                    ApiError error = ErrorMapping.toApiError(e);
                    pr.setErrorCode(error.error().code()).setErrorMessage(error.message());
                }
                topicResponse.partitionResponses().add(pr);
            }
            response.responses().add(topicResponse);
        }
        if (request.acks() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(new ProduceResponse(response));
    }

}
