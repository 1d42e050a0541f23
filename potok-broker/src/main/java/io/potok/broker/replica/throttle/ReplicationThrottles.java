package io.potok.broker.replica.throttle;

import io.potok.broker.quota.RateQuota;
import io.potok.metadata.controller.MetadataListener;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.TopicImage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inter-broker replication throttles, as kafka-reassign-partitions --throttle sets them: the leader-side and
 * follower-side byte rates (dynamic broker configs) and, per topic, which replicas they apply to (topic configs).
 * Kept in step with the metadata image.
 *
 * <p>As in Kafka, a throttle only holds back replicas that are not in sync: a leader answers a throttled follower with no
 * records while the leader quota is exceeded, and a follower leaves its throttled partitions out of its fetches while
 * the follower quota is exceeded. Replicas in the ISR are never slowed, so a throttle cannot hurt acks=all produce.
 */
public final class ReplicationThrottles implements MetadataListener {
    public static final String LEADER_RATE_CONFIG = "leader.replication.throttled.rate";
    public static final String FOLLOWER_RATE_CONFIG = "follower.replication.throttled.rate";
    public static final String LEADER_REPLICAS_CONFIG = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_REPLICAS_CONFIG = "follower.replication.throttled.replicas";
    private static final Logger log = LoggerFactory.getLogger(ReplicationThrottles.class);

    private final int localNodeId;
    private final Function<String, Optional<String>> brokerConfig;
    private final RateQuota leader;
    private final RateQuota follower;
    private volatile Map<String, ThrottledReplicas> leaderReplicas = Map.of();
    private volatile Map<String, ThrottledReplicas> followerReplicas = Map.of();

    /**
     * @param brokerConfig this broker's effective value of a broker config (dynamic per-broker, then cluster default,
     *                     then static), read on every image
     */
    public ReplicationThrottles(int localNodeId, int windowSamples, long sampleMs,
                                Function<String, Optional<String>> brokerConfig) {
        this.localNodeId = localNodeId;
        this.brokerConfig = brokerConfig;
        this.leader = new RateQuota(windowSamples, sampleMs);
        this.follower = new RateQuota(windowSamples, sampleMs);
    }

    /** No throttles ever: for tests and tools that build a fetcher or handler on their own. */
    public static ReplicationThrottles none() {
        return new ReplicationThrottles(-1, 11, 1000, key -> Optional.empty());
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        setBound(leader, LEADER_RATE_CONFIG);
        setBound(follower, FOLLOWER_RATE_CONFIG);
        Map<String, ThrottledReplicas> leaders = new HashMap<>();
        Map<String, ThrottledReplicas> followers = new HashMap<>();
        for (TopicImage topic : current.topics().values()) {
            ThrottledReplicas l = ThrottledReplicas.parse(topic.configs().get(LEADER_REPLICAS_CONFIG));
            ThrottledReplicas f = ThrottledReplicas.parse(topic.configs().get(FOLLOWER_REPLICAS_CONFIG));
            if (!l.isEmpty()) {
                leaders.put(topic.name(), l);
            }
            if (!f.isEmpty()) {
                followers.put(topic.name(), f);
            }
        }
        leaderReplicas = Map.copyOf(leaders);
        followerReplicas = Map.copyOf(followers);
    }

    private void setBound(RateQuota quota, String key) {
        long bound = Long.MAX_VALUE;
        Optional<String> value = brokerConfig.apply(key);
        if (value.isPresent()) {
            try {
                bound = Long.parseLong(value.get().trim());
            } catch (NumberFormatException e) {
                log.warn("Ignoring {}={}: not a number of bytes per second", key, value.get());
            }
        }
        if (quota.bound() != bound) {
            log.info("{} is now {}", key, bound == Long.MAX_VALUE ? "unlimited" : bound + " bytes/s");
            quota.setBound(bound);
        }
    }

    /** Leader side: true if {@code followerId}'s fetches of {@code tp} count against the leader quota. */
    public boolean leaderThrottled(TopicPartition tp, int followerId) {
        ThrottledReplicas r = leaderReplicas.get(tp.topic());
        return r != null && r.contains(tp.partition(), followerId);
    }

    /** Follower side: true if this broker's fetches of {@code tp} count against the follower quota. */
    public boolean followerThrottled(TopicPartition tp) {
        ThrottledReplicas r = followerReplicas.get(tp.topic());
        return r != null && r.contains(tp.partition(), localNodeId);
    }

    public RateQuota leaderQuota() {
        return leader;
    }

    public RateQuota followerQuota() {
        return follower;
    }
}
