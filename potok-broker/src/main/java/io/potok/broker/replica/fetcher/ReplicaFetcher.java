package io.potok.broker.replica.fetcher;

import io.potok.broker.replica.Partition;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.storage.epoch.EpochEndOffset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every partition this broker follows from one leader broker: a thread with one connection
 * that alternates "find the divergence point" (OffsetsForLeaderEpoch, KIP-101/279) for partitions
 * that just started following, and batched Fetch requests carrying this broker's replica id.
 *
 * <p>Thread-safety: {@link #targets} is concurrent; partitions are added and removed by the replica
 * manager while the fetcher thread works. Everything else belongs to the fetcher thread.
 */
final class ReplicaFetcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final short FETCH_VERSION = 12;
    private static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;

    private final int localNodeId;
    private final int leaderId;
    private final Supplier<InetEndpoint> leaderEndpoint;
    private final ReplicaFetcherConfig config;
    private final ReplicationThrottles throttles;
    private final Time time;
    private final Map<TopicPartition, FetchTarget> targets = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private BrokerChannel channel;

    /** Where the leader listens; empty host means unknown (the broker is not registered). */
    record InetEndpoint(String host, int port) {
    }

    ReplicaFetcher(int localNodeId, int leaderId, Supplier<InetEndpoint> leaderEndpoint, ReplicaFetcherConfig config,
                   ReplicationThrottles throttles, Time time) {
        this(localNodeId, leaderId, 0, leaderEndpoint, config, throttles, time);
    }

    /** {@code index}: which of this leader's fetchers ({@code num.replica.fetchers}) this one is; names the thread. */
    ReplicaFetcher(int localNodeId, int leaderId, int index, Supplier<InetEndpoint> leaderEndpoint,
                   ReplicaFetcherConfig config, ReplicationThrottles throttles, Time time) {
        this.localNodeId = localNodeId;
        this.leaderId = leaderId;
        this.leaderEndpoint = leaderEndpoint;
        this.config = config;
        this.throttles = throttles;
        this.time = time;
        this.thread = new Thread(this, "potok-replica-fetcher-" + localNodeId + "-from-" + leaderId + "-" + index);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(Partition partition, int leaderEpoch) {
        FetchTarget existing = targets.get(partition.topicPartition());
        if (existing == null || existing.leaderEpoch != leaderEpoch || existing.partition != partition) {
            targets.put(partition.topicPartition(), new FetchTarget(partition, leaderEpoch));
        }
    }

    void remove(TopicPartition tp) {
        targets.remove(tp);
    }

    boolean isEmpty() {
        return targets.isEmpty();
    }

    int size() {
        return targets.size();
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (targets.isEmpty()) {
                    sleep(100);
                    continue;
                }
                ensureConnected();
                truncateDiverged();
                fetchOnce();
            } catch (IOException e) {
                if (running) {
                    log.info("Replication from broker {} failed ({}); retrying in {} ms", leaderId, e.toString(),
                            config.backoffMs());
                }
                closeChannel();
                sleep(config.backoffMs());
            } catch (RuntimeException e) {
                log.error("Unexpected error replicating from broker {}", leaderId, e);
                closeChannel();
                sleep(config.backoffMs());
            }
        }
        closeChannel();
    }

    private void ensureConnected() throws IOException {
        if (channel != null) {
            return;
        }
        InetEndpoint endpoint = leaderEndpoint.get();
        if (endpoint == null) {
            throw new IOException("broker " + leaderId + " has no known endpoint");
        }
        channel = BrokerChannel.connect(endpoint.host(), endpoint.port(), config.socketTimeoutMs(),
                config.socketTimeoutMs(), "potok-replica-fetcher-" + localNodeId);
    }

    /** KIP-279: ask where our latest epoch ends on the leader and cut our log there. */
    private void truncateDiverged() throws IOException {
        List<FetchTarget> truncating = new ArrayList<>();
        long now = time.milliseconds();
        for (FetchTarget target : targets.values()) {
            // A partition whose last answer was an error waits out replica.fetch.backoff.ms before asking again.
            if (target.state == FetchTarget.State.TRUNCATING && target.delayedUntilMs <= now) {
                truncating.add(target);
            }
        }
        if (truncating.isEmpty()) {
            return;
        }
        Map<String, OffsetForLeaderTopic> topics = new LinkedHashMap<>();
        for (FetchTarget target : truncating) {
            TopicPartition tp = target.partition.topicPartition();
            topics.computeIfAbsent(tp.topic(), t -> new OffsetForLeaderTopic().setTopic(t)).partitions()
                    .add(new OffsetForLeaderPartition().setPartition(tp.partition())
                            .setCurrentLeaderEpoch(target.leaderEpoch)
                            .setLeaderEpoch(target.epochToAsk >= 0 ? target.epochToAsk
                                    : target.partition.log().latestEpoch()));
        }
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(localNodeId);
        topics.values().forEach(data.topics()::add);
        OffsetsForLeaderEpochResponse response = (OffsetsForLeaderEpochResponse) channel.send(
                new OffsetsForLeaderEpochRequest(data, OFFSET_FOR_LEADER_EPOCH_VERSION));
        for (OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topic : response.data().topics()) {
            for (OffsetForLeaderEpochResponseData.EpochEndOffset result : topic.partitions()) {
                FetchTarget target = targets.get(new TopicPartition(topic.topic(), result.partition()));
                if (target == null || !truncating.contains(target)) {
                    continue;
                }
                Errors error = Errors.forCode(result.errorCode());
                if (error != Errors.NONE) {
                    target.delayedUntilMs = time.milliseconds() + config.backoffMs();
                    continue;
                }
                if (truncate(target, result.leaderEpoch(), result.endOffset())) {
                    target.state = FetchTarget.State.FETCHING;
                }
            }
        }
    }

    /**
     * Cuts the local log where its history leaves the leader's (KIP-101/279, Kafka's rules), given where
     * the leader says {@code leaderEpoch} (the largest epoch it knows not above the one asked) ends.
     * Returns true when done; false after an intermediate cut, when this log does not have the leader's
     * epoch: it is cut to the end of its own largest epoch below that one, and the leader is asked about
     * that epoch next (the asked epoch decreases every round, so this ends).
     */
    private boolean truncate(FetchTarget target, int leaderEpoch, long leaderEndOffset) {
        Partition partition = target.partition;
        long localEnd = partition.logEndOffset();
        long truncateTo;
        boolean done = true;
        if (leaderEpoch < 0 || leaderEndOffset < 0) {
            // The leader knows nothing of our epochs: keep only what was committed.
            truncateTo = Math.min(partition.highWatermark(), localEnd);
        } else {
            EpochEndOffset local = partition.log().endOffsetForEpoch(leaderEpoch);
            if (local.endOffset() < 0) {
                // We know no epoch at or below the leader's: its end is the best bound there is.
                truncateTo = Math.min(leaderEndOffset, localEnd);
            } else if (local.epoch() != leaderEpoch) {
                // The leader's epoch is unknown here: drop what we wrote after our own epoch below it, ask again.
                truncateTo = Math.min(local.endOffset(), localEnd);
                target.epochToAsk = local.epoch();
                done = false;
            } else {
                truncateTo = Math.min(Math.min(leaderEndOffset, local.endOffset()), localEnd);
            }
        }
        if (truncateTo < localEnd) {
            log.info("{}: truncating from {} to {} to match leader {} (its epoch {} ends at {}){}",
                    partition.topicPartition(), localEnd, truncateTo, leaderId, leaderEpoch, leaderEndOffset,
                    done ? "" : "; asking again about epoch " + target.epochToAsk);
            if (!partition.truncateTo(truncateTo, target.leaderEpoch)) {
                return false; // this partition follows another leader now; its new target starts over
            }
        }
        return done;
    }

    private void fetchOnce() throws IOException {
        long now = time.milliseconds();
        // Throttled partitions (kafka-reassign-partitions --throttle) wait while the follower quota is used up.
        boolean quotaExceeded = throttles.followerQuota().isExceeded(now);
        Map<TopicPartition, FetchTarget> fetching = new LinkedHashMap<>();
        Map<TopicPartition, Long> fetchOffsets = new LinkedHashMap<>();
        Map<String, FetchRequestData.FetchTopic> topics = new LinkedHashMap<>();
        for (FetchTarget target : targets.values()) {
            if (target.state != FetchTarget.State.FETCHING || target.delayedUntilMs > now) {
                continue;
            }
            TopicPartition tp = target.partition.topicPartition();
            if (quotaExceeded && isThrottled(target)) {
                continue;
            }
            fetching.put(tp, target);
            long fetchOffset = target.partition.logEndOffset();
            fetchOffsets.put(tp, fetchOffset);
            topics.computeIfAbsent(tp.topic(), t -> new FetchRequestData.FetchTopic().setTopic(t)).partitions()
                    .add(new FetchRequestData.FetchPartition().setPartition(tp.partition())
                            .setCurrentLeaderEpoch(target.leaderEpoch)
                            .setFetchOffset(fetchOffset)
                            .setLogStartOffset(target.partition.logStartOffset())
                            .setPartitionMaxBytes(config.fetchMaxBytesPerPartition()));
        }
        if (fetching.isEmpty()) {
            sleep(Math.min(config.backoffMs(), 100));
            return;
        }
        FetchRequestData data = new FetchRequestData().setReplicaId(localNodeId)
                .setMaxWaitMs(config.fetchMaxWaitMs()).setMinBytes(1).setMaxBytes(config.fetchMaxBytes())
                .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1);
        topics.values().forEach(data.topics()::add);
        FetchResponse response = (FetchResponse) channel.send(new FetchRequest(data, FETCH_VERSION));
        if (response.error() != Errors.NONE) {
            throw new IOException("fetch from broker " + leaderId + " failed: " + response.error());
        }
        long throttledBytes = 0;
        for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
            for (FetchResponseData.PartitionData pd : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.topic(), pd.partitionIndex());
                FetchTarget target = fetching.get(tp);
                if (target == null || targets.get(tp) != target) {
                    continue; // removed or re-targeted while we fetched
                }
                if (isThrottled(target)) {
                    throttledBytes += FetchResponse.recordsSize(pd);
                }
                handle(target, pd, fetchOffsets.get(tp));
            }
        }
        if (throttledBytes > 0) {
            throttles.followerQuota().record(throttledBytes, time.milliseconds());
        }
    }

    /** As in Kafka, only a replica outside the ISR is throttled: one in it is never slowed. */
    private boolean isThrottled(FetchTarget target) {
        return throttles.followerThrottled(target.partition.topicPartition())
                && !target.partition.isr().contains(localNodeId);
    }

    private void handle(FetchTarget target, FetchResponseData.PartitionData pd, long fetchOffset) {
        Errors error = Errors.forCode(pd.errorCode());
        Partition partition = target.partition;
        switch (error) {
            case NONE -> {
                MemoryRecords records = (MemoryRecords) pd.records();
                // Refused (and dropped) if the partition was re-pointed or truncated while we fetched.
                partition.appendAsFollower(records == null ? MemoryRecords.EMPTY : records, pd.highWatermark(),
                        target.leaderEpoch, fetchOffset);
            }
            case OFFSET_OUT_OF_RANGE -> {
                if (partition.logEndOffset() < pd.logStartOffset()) {
                    log.info("{}: behind the leader's log start {}; restarting the local log there",
                            partition.topicPartition(), pd.logStartOffset());
                    partition.restartAt(pd.logStartOffset(), target.leaderEpoch);
                } else {
                    target.epochToAsk = -1;
                    target.state = FetchTarget.State.TRUNCATING;
                }
            }
            default -> target.delayedUntilMs = time.milliseconds() + config.backoffMs();
        }
    }

    private void closeChannel() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    void shutdown() {
        running = false;
        thread.interrupt();
        closeChannel();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
