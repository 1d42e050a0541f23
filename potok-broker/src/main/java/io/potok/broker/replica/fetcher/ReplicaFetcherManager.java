package io.potok.broker.replica.fetcher;

import io.potok.broker.replica.Partition;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

/**
 * One {@link ReplicaFetcher} per leader broker this node follows partitions of; the replica
 * manager tells it which partition follows whom.
 *
 * <p>Thread-safety: all methods synchronise on this object.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
    private final int localNodeId;
    private final ReplicaFetcherConfig config;
    private final Supplier<MetadataImage> image;
    private final ReplicationThrottles throttles;
    private final Time time;
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, Integer> leaderOf = new HashMap<>();

    public ReplicaFetcherManager(int localNodeId, ReplicaFetcherConfig config, Supplier<MetadataImage> image,
                                 ReplicationThrottles throttles, Time time) {
        this.localNodeId = localNodeId;
        this.config = config;
        this.image = image;
        this.throttles = throttles;
        this.time = time;
    }

    /** Starts (or re-points) replication of {@code partition} from {@code leaderId} at {@code leaderEpoch}. */
    public synchronized void follow(Partition partition, int leaderId, int leaderEpoch) {
        TopicPartition tp = partition.topicPartition();
        Integer previous = leaderOf.get(tp);
        if (previous != null && previous != leaderId) {
            stopFollowing(tp);
        }
        ReplicaFetcher fetcher = fetchers.computeIfAbsent(leaderId, id -> {
            ReplicaFetcher f = new ReplicaFetcher(localNodeId, id, () -> endpointOf(id), config, throttles, time);
            f.start();
            return f;
        });
        fetcher.add(partition, leaderEpoch);
        leaderOf.put(tp, leaderId);
    }

    public synchronized void stopFollowing(TopicPartition tp) {
        Integer leader = leaderOf.remove(tp);
        if (leader == null) {
            return;
        }
        ReplicaFetcher fetcher = fetchers.get(leader);
        if (fetcher != null) {
            fetcher.remove(tp);
            if (fetcher.isEmpty()) {
                fetchers.remove(leader);
                fetcher.shutdown();
            }
        }
    }

    private ReplicaFetcher.InetEndpoint endpointOf(int brokerId) {
        BrokerImage broker = image.get().brokers().get(brokerId);
        return broker == null ? null : new ReplicaFetcher.InetEndpoint(broker.host(), broker.port());
    }

    @Override
    public synchronized void close() {
        fetchers.values().forEach(ReplicaFetcher::shutdown);
        fetchers.clear();
        leaderOf.clear();
    }
}
