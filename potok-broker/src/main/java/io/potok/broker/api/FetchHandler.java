package io.potok.broker.api;

import io.potok.broker.delayed.DelayedOperation;
import io.potok.broker.delayed.DelayedOperationPurgatory;
import io.potok.broker.fetchsession.FetchSessionCache;
import io.potok.broker.quota.ClientQuotas;
import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.PartitionLookup;
import io.potok.broker.replica.ReplicaSelector;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.broker.network.FileSliceRecords;
import io.potok.storage.FileSlice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Fetch for consumers: reads committed data from each partition within the request's byte limits,
 * or parks the request until {@code fetch.min.bytes} arrive or {@code fetch.max.wait.ms} passes.
 *
 * <p>Incremental fetch sessions (KIP-227) come from the {@link FetchSessionCache}: a request of a session reads every
 * partition of the session, and its response carries only the partitions with something new.
 */
public final class FetchHandler implements ApiHandler<org.apache.kafka.common.requests.FetchRequest> {
    /** Fetch v11 added the client's rack; from it on a consumer may be redirected to, and served by, a follower. */
    private static final short CLIENT_METADATA_VERSION = 11;

    private final PartitionLookup lookup;
    private final DelayedOperationPurgatory purgatory;
    private final int brokerFetchMaxBytes;
    private final ReplicaSelector replicaSelector;
    private final FetchSessionCache sessions;
    private final ReplicationThrottles throttles;
    private final ClientQuotas quotas;

    /** {@code replicaSelector}: fetch from follower (KIP-392), from {@code replica.selector.class}. */
    public FetchHandler(PartitionLookup lookup, DelayedOperationPurgatory purgatory, int brokerFetchMaxBytes,
                        ReplicaSelector replicaSelector, FetchSessionCache sessions, ReplicationThrottles throttles,
                        ClientQuotas quotas) {
        this.quotas = quotas;
        this.sessions = sessions;
        this.throttles = throttles;
        this.lookup = lookup;
        this.purgatory = purgatory;
        this.brokerFetchMaxBytes = brokerFetchMaxBytes;
        this.replicaSelector = replicaSelector;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    /** A fetch looks up offsets in the indexes and answers with file regions, or parks in the purgatory. */
    @Override
    public boolean isNonBlocking(org.apache.kafka.common.requests.FetchRequest request) {
        return true;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header,
                                                      org.apache.kafka.common.requests.FetchRequest request,
                                                      ClientInfo client) {
        short version = header.apiVersion();
        int replicaId = org.apache.kafka.common.requests.FetchRequest.replicaId(request.data());
        FetchSessionCache.Context session = sessions.newContext(version, request.data(), replicaId >= 0);
        if (session.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(FetchResponse.of(session.respond(null)));
        }
        FetchRequestData data = session.toRead();
        int maxBytes = Math.min(version >= 3 ? data.maxBytes() : Integer.MAX_VALUE, brokerFetchMaxBytes);
        if (replicaId < 0) {
            maxBytes = Math.min(maxBytes, quotas.maxFetchBytes(header.clientId()));
        }
        ReadResult first = readAll(data, maxBytes, replicaId, version);
        String clientId = header.clientId();
        if (data.maxWaitMs() <= 0 || first.bytes >= Math.max(1, data.minBytes()) || first.hasError
                || data.topics().isEmpty()) {
            return CompletableFuture.completedFuture(finish(session, first, replicaId, clientId));
        }
        CompletableFuture<AbstractResponse> future = new CompletableFuture<>();
        purgatory.park(new DelayedFetch(first.partitions, data, maxBytes, version, session, replicaId, clientId,
                future));
        return future;
    }

    private final class DelayedFetch extends DelayedOperation {
        private final FetchRequestData data;
        private final int maxBytes;
        private final short version;
        private final FetchSessionCache.Context session;
        private final int replicaId;
        private final String clientId;
        private final CompletableFuture<AbstractResponse> future;
        private ReadResult lastRead; // guarded by the completion flag: written only by the completing check

        DelayedFetch(Set<TopicPartition> partitions, FetchRequestData data, int maxBytes, short version,
                     FetchSessionCache.Context session, int replicaId, String clientId,
                     CompletableFuture<AbstractResponse> future) {
            super(partitions, data.maxWaitMs());
            this.replicaId = replicaId;
            this.clientId = clientId;
            this.data = data;
            this.maxBytes = maxBytes;
            this.version = version;
            this.session = session;
            this.future = future;
        }

        @Override
        protected synchronized boolean canComplete() {
            ReadResult read = readAll(data, maxBytes, replicaId, version);
            if (read.bytes >= Math.max(1, data.minBytes()) || read.hasError) {
                lastRead = read;
                return true;
            }
            return false;
        }

        @Override
        protected synchronized void onComplete(boolean expired) {
            ReadResult read = expired || lastRead == null ? readAll(data, maxBytes, replicaId, version) : lastRead;
            future.complete(finish(session, read, replicaId, clientId));
        }
    }

    /** {@code throttledBytes}: records sent to a throttled follower, counted against the leader quota once sent. */
    private record ReadResult(FetchResponseData response, int bytes, boolean hasError, Set<TopicPartition> partitions,
                              long throttledBytes) {
    }

    /**
     * The response; a consumer's bytes count against its {@code consumer_byte_rate}, and one over it is told how long
     * to wait (the bytes are still sent: the connection is then not read for that time, KIP-219).
     */
    private FetchResponse finish(FetchSessionCache.Context session, ReadResult read, int replicaId, String clientId) {
        long now = System.currentTimeMillis();
        if (read.throttledBytes > 0) {
            throttles.leaderQuota().record(read.throttledBytes, now);
        }
        if (replicaId < 0) {
            read.response.setThrottleTimeMs((int) quotas.recordAndThrottleMs(ClientQuotas.Kind.FETCH, clientId,
                    read.bytes, now));
        }
        return FetchResponse.of(session.respond(read.response));
    }

    /**
     * {@code replicaId} >= 0 is a follower: it reads up to the log end and its position moves the ISR and HW.
     * A consumer reads below the high watermark; with a replica selector configured and Fetch v11+ it may
     * read from a follower (below that follower's high watermark), and a rack-aware leader may instead
     * answer with a preferred read replica and no records (KIP-392), which is answered at once.
     */
    private ReadResult readAll(FetchRequestData data, int maxBytes, int replicaId, short version) {
        boolean follower = replicaId >= 0;
        boolean clientMetadata = !follower && version >= CLIENT_METADATA_VERSION;
        String clientRack = clientMetadata ? data.rackId() : null;
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code())
                .setSessionId(FetchMetadata.INVALID_SESSION_ID);
        int bytes = 0;
        long throttledBytes = 0;
        boolean leaderQuotaExceeded = follower && throttles.leaderQuota().isExceeded(System.currentTimeMillis());
        boolean hasError = false;
        Set<TopicPartition> watched = new HashSet<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            Optional<String> name = lookup.topicName(topic.topic(), topic.topicId());
            Uuid topicId = topic.topicId() == null ? Uuid.ZERO_UUID : topic.topicId();
            FetchableTopicResponse topicResponse = new FetchableTopicResponse()
                    .setTopic(name.orElse(topic.topic())).setTopicId(topicId);
            List<PartitionData> partitions = new ArrayList<>();
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                PartitionData pd = new PartitionData().setPartitionIndex(p.partition())
                        .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1)
                        .setAbortedTransactions(readCommitted ? new ArrayList<>() : null)
                        .setRecords(MemoryRecords.EMPTY);
                Partition partition = null;
                try {
                    partition = lookup.partition(topic.topic(), topic.topicId(), p.partition());
                    watched.add(partition.topicPartition());
                    partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    int limit = Math.max(0, Math.min(p.partitionMaxBytes(), maxBytes - bytes));
                    // Kafka's rule: the first partition with data may exceed the limits by one batch.
                    if (clientMetadata && replicaSelector == ReplicaSelector.RACK_AWARE && partition.isLeader()) {
                        OptionalInt preferred = partition.preferredReadReplica(clientRack, p.fetchOffset(),
                                lookup::rackOf);
                        if (preferred.isPresent()) {
                            hasError = true; // not an error, but answered at once, as in Kafka
                            pd.setPreferredReadReplica(preferred.getAsInt())
                                    .setHighWatermark(partition.highWatermark())
                                    .setLastStableOffset(partition.highWatermark())
                                    .setLogStartOffset(partition.logStartOffset());
                            partitions.add(pd);
                            continue;
                        }
                    }
                    boolean fromFollower = clientMetadata && replicaSelector.followersServeConsumers()
                            && !partition.isLeader();
                    // Records go out as a slice of the segment file, sent with sendfile (see ResponseWriter).
                    FileSlice slice = follower
                            ? partition.readForFollowerSlice(replicaId, p.fetchOffset(), limit)
                            : fromFollower
                            ? partition.readCommittedSliceAsFollower(p.fetchOffset(), limit, bytes == 0)
                            : partition.readCommittedSlice(p.fetchOffset(), limit, bytes == 0);
                    long highWatermark = partition.highWatermark();
                    pd.setHighWatermark(highWatermark).setLastStableOffset(highWatermark)
                            .setLogStartOffset(partition.logStartOffset());
                    // Kafka's rule: a throttled follower outside the ISR still reports its position (the read above),
                    // but gets no records while the leader quota is used up.
                    boolean throttled = follower && throttles.leaderThrottled(partition.topicPartition(), replicaId)
                            && !partition.isr().contains(replicaId);
                    if (!slice.isEmpty() && !(throttled && leaderQuotaExceeded)) {
                        bytes += slice.sizeInBytes();
                        throttledBytes += throttled ? slice.sizeInBytes() : 0;
                        pd.setRecords(new FileSliceRecords(slice));
                    }
                } catch (RuntimeException e) {
                    hasError = true;
                    pd.setErrorCode(ErrorMapping.toError(e).code());
                    if (partition != null) {
                        // An out-of-range follower needs these to know where to restart.
                        pd.setHighWatermark(partition.highWatermark()).setLastStableOffset(partition.highWatermark())
                                .setLogStartOffset(partition.logStartOffset());
                    }
                }
                partitions.add(pd);
            }
            response.responses().add(topicResponse.setPartitions(partitions));
        }
        return new ReadResult(response, bytes, hasError, watched, throttledBytes);
    }
}
