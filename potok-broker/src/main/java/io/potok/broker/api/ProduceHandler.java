package io.potok.broker.api;

import io.potok.broker.delayed.DelayedOperation;
import io.potok.broker.delayed.DelayedOperationPurgatory;
import io.potok.broker.quota.ClientQuotas;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.PartitionLookup;
import io.potok.broker.replica.ReplicaManager;
import io.potok.storage.LogAppendInfo;
import io.potok.storage.ProducerStateEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Produce: validates and appends each partition's batches on its leader. With acks=all the answer
 * waits in the purgatory until the high watermark passes the appended batches (every in-sync
 * replica has them) or the request's timeout expires.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private final PartitionLookup lookup;
    private final ReplicaManager replicas;
    private final DelayedOperationPurgatory purgatory;
    private final ClientQuotas quotas;

    public ProduceHandler(PartitionLookup lookup, ReplicaManager replicas, DelayedOperationPurgatory purgatory,
                          ClientQuotas quotas) {
        this.lookup = lookup;
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.quotas = quotas;
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

    /**
     * An append writes into the page cache and answers at once (acks=all parks in the purgatory), unless a target log
     * fsyncs on append ({@code flush.messages} set): an fsync can take milliseconds and would hold up every other
     * connection of the event loop, so those go to the request threads.
     */
    @Override
    public boolean isNonBlocking(ProduceRequest request) {
        for (ProduceRequestData.TopicProduceData topic : request.data().topicData()) {
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                Optional<Partition> partition = lookup.hosted(topic.name(), topic.topicId(), p.index());
                if (partition.isPresent() && partition.get().log().config().fsyncsOnAppend()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** One partition's append that waits for replication. */
    private record Waiting(Partition partition, PartitionProduceResponse response, long requiredOffset) {
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ProduceRequest request, ClientInfo client) {
        short version = header.apiVersion();
        short acks = request.acks();
        ProduceResponseData response = new ProduceResponseData();
        List<Waiting> waiting = new ArrayList<>();
        long requestBytes = 0;
        for (ProduceRequestData.TopicProduceData topic : request.data().topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topic.name())
                    .setTopicId(topic.topicId());
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(p.index())
                        .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                MemoryRecords records = null;
                Partition partition = null;
                try {
                    records = (MemoryRecords) p.records();
                    if (records == null) {
                        throw new InvalidRecordException("Produce request without records");
                    }
                    requestBytes += records.sizeInBytes();
                    ProduceRequest.validateRecords(version, records);
                    partition = lookup.partition(topic.name(), topic.topicId(), p.index());
                    LogAppendInfo info = partition.appendAsLeader(records, acks);
                    pr.setBaseOffset(info.firstOffset()).setLogAppendTimeMs(info.logAppendTimeMs())
                            .setLogStartOffset(info.logStartOffset());
                    if (!info.duplicate()) {
                        replicas.appended(partition.topicPartition());
                    }
                    if (acks == -1 && info.lastOffset() >= 0 && partition.highWatermark() <= info.lastOffset()) {
                        waiting.add(new Waiting(partition, pr, info.lastOffset() + 1));
                    }
                } catch (OutOfOrderSequenceException e) {
                    setError(pr, isRetryOfForgottenBatch(partition, records)
                            ? new ApiError(Errors.DUPLICATE_SEQUENCE_NUMBER, "The batch was appended before, longer ago "
                                    + "than the batches whose offsets are kept: " + e.getMessage())
                            : ErrorMapping.toApiError(e));
                } catch (RuntimeException e) {
                    setError(pr, ErrorMapping.toApiError(e));
                }
                topicResponse.partitionResponses().add(pr);
            }
            response.responses().add(topicResponse);
        }
        response.setThrottleTimeMs((int) quotas.recordAndThrottleMs(ClientQuotas.Kind.PRODUCE, header.clientId(),
                requestBytes, System.currentTimeMillis()));
        if (acks == 0) {
            // Not sent, but a throttle time in it still makes the connection wait (Kafka mutes acks=0 producers too).
            return CompletableFuture.completedFuture(response.throttleTimeMs() > 0 ? new ProduceResponse(response)
                    : null);
        }
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(new ProduceResponse(response));
        }
        CompletableFuture<AbstractResponse> future = new CompletableFuture<>();
        purgatory.park(new DelayedProduce(waiting, Math.max(1, request.timeout()), response, future));
        return future;
    }

    /**
     * True if every idempotent batch refused as out of order is older than the producer's batches the
     * log keeps, in the same producer epoch: a sequence is appended only after all the earlier ones of
     * its epoch, so such a batch is in the log already. It is a retry whose answer was lost, typically
     * sent to a leader that was cut off, while the producer went on with the new leader. Kafka clients
     * take DUPLICATE_SEQUENCE_NUMBER as success; with OUT_OF_ORDER_SEQUENCE_NUMBER they would retry it
     * until it expires and then bump the producer epoch, which resends (duplicates) the batches in
     * flight behind it.
     */
    private static boolean isRetryOfForgottenBatch(Partition partition, MemoryRecords records) {
        if (partition == null || records == null) {
            return false;
        }
        boolean any = false;
        for (RecordBatch batch : records.batches()) {
            if (batch.producerId() < 0) {
                return false;
            }
            ProducerStateEntry entry = partition.log().producerState(batch.producerId()).orElse(null);
            if (entry == null || entry.producerEpoch() != batch.producerEpoch() || entry.batchMetadata().isEmpty()) {
                return false;
            }
            int oldestKept = entry.batchMetadata().get(0).firstSeq();
            if (batch.baseSequence() < 0 || batch.baseSequence() > batch.lastSequence()
                    || batch.lastSequence() >= oldestKept) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static void setError(PartitionProduceResponse pr, ApiError error) {
        pr.setErrorCode(error.error().code()).setErrorMessage(error.message());
    }

    /** Completes when every waiting partition is replicated to its ISR, lost leadership, or timed out. */
    private static final class DelayedProduce extends DelayedOperation {
        private final List<Waiting> waiting;
        private final ProduceResponseData response;
        private final CompletableFuture<AbstractResponse> future;

        DelayedProduce(List<Waiting> waiting, long timeoutMs, ProduceResponseData response,
                       CompletableFuture<AbstractResponse> future) {
            super(watched(waiting), timeoutMs);
            this.waiting = waiting;
            this.response = response;
            this.future = future;
        }

        private static Set<TopicPartition> watched(List<Waiting> waiting) {
            Set<TopicPartition> tps = new HashSet<>();
            waiting.forEach(w -> tps.add(w.partition().topicPartition()));
            return tps;
        }

        @Override
        protected boolean canComplete() {
            for (Waiting w : waiting) {
                if (w.partition().isLeader() && w.partition().highWatermark() < w.requiredOffset()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        protected void onComplete(boolean expired) {
            for (Waiting w : waiting) {
                Partition partition = w.partition();
                if (!partition.isLeader()) {
                    setError(w.response(), new ApiError(Errors.NOT_LEADER_OR_FOLLOWER,
                            "Leadership of " + partition.topicPartition() + " moved before the records were replicated"));
                } else if (partition.highWatermark() < w.requiredOffset()) {
                    setError(w.response(), new ApiError(Errors.REQUEST_TIMED_OUT,
                            "The in-sync replicas of " + partition.topicPartition()
                                    + " did not acknowledge the records in time"));
                } else if (partition.isr().size() < partition.minInsyncReplicas()) {
                    setError(w.response(), new ApiError(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                            "The records were written, but the ISR " + partition.isr()
                                    + " is smaller than min.insync.replicas=" + partition.minInsyncReplicas()));
                }
            }
            future.complete(new ProduceResponse(response));
        }
    }
}
