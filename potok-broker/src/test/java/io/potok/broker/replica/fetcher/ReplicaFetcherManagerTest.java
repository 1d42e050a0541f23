package io.potok.broker.replica.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.broker.replica.Partition;
import io.potok.broker.replica.TestPartitions;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.metadata.image.MetadataImage;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import io.potok.storage.LogManagerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** num.replica.fetchers: fetchers per leader, partitions spread over them, and a runtime change moves every one. */
class ReplicaFetcherManagerTest {
    @TempDir
    Path dir;

    private LogManager logManager;
    private ReplicaFetcherManager manager;
    private final List<Partition> partitions = new ArrayList<>();

    @BeforeEach
    void setUp() throws java.io.IOException {
        logManager = new LogManager(LogManagerConfig.defaults(List.of(dir)), Time.SYSTEM);
        logManager.startup(tp -> LogConfig.DEFAULT);
        // No broker is registered in the image: the fetchers run but find no endpoint, and only retry.
        manager = new ReplicaFetcherManager(2, new ReplicaFetcherConfig(500, 1 << 20, 1 << 20, 1_000, 5_000),
                () -> MetadataImage.empty("c"), ReplicationThrottles.none(), 1, Time.SYSTEM);
        for (int p = 0; p < 12; p++) {
            TopicPartition tp = new TopicPartition("orders", p);
            partitions.add(TestPartitions.follower(tp, logManager.getOrCreateLog(tp, LogConfig.DEFAULT), 2,
                    p % 2 == 0 ? 1 : 3, 5, Time.SYSTEM));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        manager.close();
        logManager.close();
    }

    private void followAll() {
        for (int p = 0; p < partitions.size(); p++) {
            manager.follow(partitions.get(p), p % 2 == 0 ? 1 : 3, 5);
        }
    }

    private static int total(Map<ReplicaFetcherManager.FetcherId, Integer> sizes) {
        return sizes.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void oneFetcherPerLeaderByDefault() {
        followAll();
        assertThat(manager.fetcherSizes()).containsOnly(
                Map.entry(new ReplicaFetcherManager.FetcherId(1, 0), 6),
                Map.entry(new ReplicaFetcherManager.FetcherId(3, 0), 6));
    }

    @Test
    void aNewFetcherCountSpreadsEveryPartitionOverTheNewFetchers() {
        followAll();
        manager.resize(3);
        Map<ReplicaFetcherManager.FetcherId, Integer> sizes = manager.fetcherSizes();
        assertThat(total(sizes)).as("every partition still followed").isEqualTo(12);
        assertThat(sizes.keySet()).allSatisfy(id -> assertThat(id.index()).isBetween(0, 2));
        assertThat(sizes.keySet().stream().filter(id -> id.leaderId() == 1).count())
                .as("leader 1's six partitions over more than one fetcher").isGreaterThan(1);

        manager.resize(1);
        assertThat(manager.fetcherSizes()).containsOnly(
                Map.entry(new ReplicaFetcherManager.FetcherId(1, 0), 6),
                Map.entry(new ReplicaFetcherManager.FetcherId(3, 0), 6));
    }

    @Test
    void aPartitionThatStopsFollowingLeavesItsFetcherAndAnEmptyFetcherStops() {
        manager.resize(2);
        followAll();
        for (Partition p : partitions) {
            if (p.topicPartition().partition() % 2 == 0) {
                manager.stopFollowing(p.topicPartition());
            }
        }
        assertThat(manager.fetcherSizes().keySet()).allSatisfy(id -> assertThat(id.leaderId()).isEqualTo(3));
        assertThat(total(manager.fetcherSizes())).isEqualTo(6);
    }
}
