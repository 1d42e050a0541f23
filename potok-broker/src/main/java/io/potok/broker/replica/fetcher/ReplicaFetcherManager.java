package io.potok.broker.replica.fetcher;

import io.potok.broker.replica.Partition;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ReplicaFetcher}s of this node: {@code num.replica.fetchers} per leader broker it follows partitions of,
 * each partition on the fetcher Kafka would pick (a hash of topic and partition); the replica manager tells it which
 * partition follows whom. {@code num.replica.fetchers} is a dynamic broker config: on a new value every partition is
 * handed to the fetcher of the new layout (it first checks where its log diverges from the leader's, as after any
 * move between fetchers).
 *
 * <p>Thread-safety: all methods synchronise on this object.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
    public static final String NUM_FETCHERS_CONFIG = "num.replica.fetchers";
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcherManager.class);

    private final int localNodeId;
    private final ReplicaFetcherConfig config;
    private final Supplier<MetadataImage> image;
    private final ReplicationThrottles throttles;
    private final Time time;
    private final Map<FetcherId, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, Followed> followed = new HashMap<>();
    private int fetchersPerLeader;

    /** One fetcher thread: the leader it copies from, and which of that leader's fetchers it is. */
    record FetcherId(int leaderId, int index) {
    }

    private record Followed(Partition partition, int leaderId, int leaderEpoch) {
    }

    public ReplicaFetcherManager(int localNodeId, ReplicaFetcherConfig config, Supplier<MetadataImage> image,
                                 ReplicationThrottles throttles, int fetchersPerLeader, Time time) {
        this.localNodeId = localNodeId;
        this.config = config;
        this.image = image;
        this.throttles = throttles;
        this.fetchersPerLeader = Math.max(1, fetchersPerLeader);
        this.time = time;
    }

    /** Starts (or re-points) replication of {@code partition} from {@code leaderId} at {@code leaderEpoch}. */
    public synchronized void follow(Partition partition, int leaderId, int leaderEpoch) {
        TopicPartition tp = partition.topicPartition();
        Followed previous = followed.get(tp);
        if (previous != null && previous.leaderId() != leaderId) {
            stopFollowing(tp);
        }
        FetcherId id = fetcherFor(tp, leaderId);
        ReplicaFetcher fetcher = fetchers.computeIfAbsent(id, f -> {
            ReplicaFetcher started = new ReplicaFetcher(localNodeId, f.leaderId(), f.index(),
                    () -> endpointOf(f.leaderId()), config, throttles, time);
            started.start();
            return started;
        });
        fetcher.add(partition, leaderEpoch);
        followed.put(tp, new Followed(partition, leaderId, leaderEpoch));
    }

    /** Kafka's choice of fetcher for a partition ({@code AbstractFetcherManager.getFetcherId}). */
    private FetcherId fetcherFor(TopicPartition tp, int leaderId) {
        return new FetcherId(leaderId, Math.abs((31 * tp.topic().hashCode() + tp.partition()) % fetchersPerLeader));
    }

    public synchronized void stopFollowing(TopicPartition tp) {
        Followed f = followed.remove(tp);
        if (f == null) {
            return;
        }
        FetcherId id = fetcherFor(tp, f.leaderId());
        ReplicaFetcher fetcher = fetchers.get(id);
        if (fetcher != null) {
            fetcher.remove(tp);
            if (fetcher.isEmpty()) {
                fetchers.remove(id);
                fetcher.shutdown();
            }
        }
    }

    /** Applies a new {@value #NUM_FETCHERS_CONFIG}: every followed partition moves to its fetcher in the new layout. */
    public synchronized void resize(int newFetchersPerLeader) {
        int wanted = Math.max(1, newFetchersPerLeader);
        if (wanted == fetchersPerLeader) {
            return;
        }
        log.info("{} changed from {} to {}", NUM_FETCHERS_CONFIG, fetchersPerLeader, wanted);
        List<Followed> all = new ArrayList<>(followed.values());
        fetchers.values().forEach(ReplicaFetcher::shutdown);
        fetchers.clear();
        followed.clear();
        fetchersPerLeader = wanted;
        for (Followed f : all) {
            follow(f.partition(), f.leaderId(), f.leaderEpoch());
        }
    }

    synchronized int fetchersPerLeader() {
        return fetchersPerLeader;
    }

    /** The running fetchers, and the partitions each copies: for tests. */
    synchronized Map<FetcherId, Integer> fetcherSizes() {
        Map<FetcherId, Integer> sizes = new HashMap<>();
        fetchers.forEach((id, f) -> sizes.put(id, f.size()));
        return sizes;
    }

    private ReplicaFetcher.InetEndpoint endpointOf(int brokerId) {
        BrokerImage broker = image.get().brokers().get(brokerId);
        return broker == null ? null : new ReplicaFetcher.InetEndpoint(broker.host(), broker.port());
    }

    @Override
    public synchronized void close() {
        fetchers.values().forEach(ReplicaFetcher::shutdown);
        fetchers.clear();
        followed.clear();
    }
}
