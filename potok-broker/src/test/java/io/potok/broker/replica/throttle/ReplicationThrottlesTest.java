package io.potok.broker.replica.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ReplicationThrottlesTest {
    private final Map<String, String> brokerConfigs = new HashMap<>();
    private final ReplicationThrottles throttles = new ReplicationThrottles(2, 11, 1000,
            key -> Optional.ofNullable(brokerConfigs.get(key)));

    private static MetadataImage image(Map<String, String> topicConfigs) {
        TopicImage topic = new TopicImage("moving", Uuid.randomUuid(),
                List.of(new PartitionImage(0, List.of(1, 2), List.of(1), 1, 0, 0)), topicConfigs);
        return new MetadataImage(1, "c", Map.of(), Map.of("moving", topic), Map.of(), 0);
    }

    @Test
    void ratesAndReplicasComeFromTheMetadata() {
        MetadataImage empty = image(Map.of());
        throttles.onImage(empty, empty);
        TopicPartition tp = new TopicPartition("moving", 0);
        assertThat(throttles.leaderThrottled(tp, 2)).isFalse();
        assertThat(throttles.followerThrottled(tp)).isFalse();
        assertThat(throttles.leaderQuota().bound()).isEqualTo(Long.MAX_VALUE);

        brokerConfigs.put(ReplicationThrottles.LEADER_RATE_CONFIG, "1000");
        brokerConfigs.put(ReplicationThrottles.FOLLOWER_RATE_CONFIG, "2000");
        MetadataImage throttled = image(Map.of(ReplicationThrottles.LEADER_REPLICAS_CONFIG, "0:1",
                ReplicationThrottles.FOLLOWER_REPLICAS_CONFIG, "0:2"));
        throttles.onImage(empty, throttled);
        assertThat(throttles.leaderQuota().bound()).isEqualTo(1000);
        assertThat(throttles.followerQuota().bound()).isEqualTo(2000);
        assertThat(throttles.leaderThrottled(tp, 1)).isTrue();
        assertThat(throttles.leaderThrottled(tp, 2)).isFalse();
        assertThat(throttles.followerThrottled(tp)).as("this broker is 2: 0:2 is its own replica").isTrue();
        assertThat(throttles.followerThrottled(new TopicPartition("other", 0))).isFalse();

        // kafka-reassign-partitions --verify removes them once the move is done.
        brokerConfigs.clear();
        throttles.onImage(throttled, empty);
        assertThat(throttles.leaderThrottled(tp, 1)).isFalse();
        assertThat(throttles.leaderQuota().bound()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRateThatIsNotANumberLeavesTheQuotaUnbounded() {
        brokerConfigs.put(ReplicationThrottles.LEADER_RATE_CONFIG, "fast");
        MetadataImage empty = image(Map.of());
        throttles.onImage(empty, empty);
        assertThat(throttles.leaderQuota().bound()).isEqualTo(Long.MAX_VALUE);
    }
}
