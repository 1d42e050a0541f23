package io.potok.broker.group;

import io.potok.broker.config.BrokerConfig;
import io.potok.metadata.config.InvalidConfigValueException;
import java.util.Arrays;
import java.util.List;

/**
 * The group coordinator's settings, read once from the broker config under Kafka's key names and
 * defaults. Immutable. The constructor checks the rules that involve several keys (Kafka checks
 * the same ones at start-up), so a bad combination refuses to start with the keys named.
 *
 * @param offsetsTopicNumPartitions        {@code offsets.topic.num.partitions}
 * @param offsetsTopicReplicationFactor    {@code offsets.topic.replication.factor} (capped at the live brokers)
 * @param offsetsTopicSegmentBytes         {@code offsets.topic.segment.bytes}
 * @param offsetsRetentionMs               {@code offsets.retention.minutes} in ms
 * @param offsetsRetentionCheckIntervalMs  {@code offsets.retention.check.interval.ms}
 * @param offsetCommitTimeoutMs            {@code offsets.commit.timeout.ms}: how long a write may wait to commit
 * @param offsetsLoadBufferSize            {@code offsets.load.buffer.size}: bytes read per step while loading
 * @param offsetMetadataMaxBytes           {@code offset.metadata.max.bytes}
 * @param classicMinSessionTimeoutMs       {@code group.min.session.timeout.ms}
 * @param classicMaxSessionTimeoutMs       {@code group.max.session.timeout.ms}
 * @param classicInitialRebalanceDelayMs   {@code group.initial.rebalance.delay.ms}
 * @param classicMaxSize                   {@code group.max.size}
 * @param coordinatorThreads               {@code group.coordinator.threads}
 * @param consumerProtocolEnabled          {@code group.coordinator.rebalance.protocols} contains {@code consumer}
 * @param consumerSessionTimeoutMs         {@code group.consumer.session.timeout.ms}
 * @param consumerHeartbeatIntervalMs      {@code group.consumer.heartbeat.interval.ms}
 * @param consumerMaxSize                  {@code group.consumer.max.size}
 * @param consumerAssignors                {@code group.consumer.assignors}; the first is the default
 */
public record GroupConfig(int offsetsTopicNumPartitions, short offsetsTopicReplicationFactor,
                          int offsetsTopicSegmentBytes, long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                          int offsetCommitTimeoutMs, int offsetsLoadBufferSize, int offsetMetadataMaxBytes,
                          int classicMinSessionTimeoutMs, int classicMaxSessionTimeoutMs,
                          int classicInitialRebalanceDelayMs, int classicMaxSize, int coordinatorThreads,
                          boolean consumerProtocolEnabled, int consumerSessionTimeoutMs,
                          int consumerHeartbeatIntervalMs, int consumerMaxSize, List<String> consumerAssignors) {

    public GroupConfig {
        consumerAssignors = List.copyOf(consumerAssignors);
        if (classicMinSessionTimeoutMs > classicMaxSessionTimeoutMs) {
            throw new InvalidConfigValueException("group.min.session.timeout.ms (" + classicMinSessionTimeoutMs
                    + ") must not be greater than group.max.session.timeout.ms (" + classicMaxSessionTimeoutMs + ")");
        }
        if (consumerAssignors.isEmpty()) {
            throw new InvalidConfigValueException("group.consumer.assignors", "", "needs at least one assignor");
        }
        if (consumerHeartbeatIntervalMs >= consumerSessionTimeoutMs) {
            throw new InvalidConfigValueException("group.consumer.heartbeat.interval.ms (" + consumerHeartbeatIntervalMs
                    + ") must be less than group.consumer.session.timeout.ms (" + consumerSessionTimeoutMs + ")");
        }
    }

    /** Reads the group keys; fails with the keys named when a combination is invalid. */
    public static GroupConfig from(BrokerConfig config) {
        int sessionMs = config.intValue("group.consumer.session.timeout.ms");
        int heartbeatMs = config.intValue("group.consumer.heartbeat.interval.ms");
        requireBetween("group.consumer.session.timeout.ms", sessionMs,
                "group.consumer.min.session.timeout.ms", config.intValue("group.consumer.min.session.timeout.ms"),
                "group.consumer.max.session.timeout.ms", config.intValue("group.consumer.max.session.timeout.ms"));
        requireBetween("group.consumer.heartbeat.interval.ms", heartbeatMs,
                "group.consumer.min.heartbeat.interval.ms", config.intValue("group.consumer.min.heartbeat.interval.ms"),
                "group.consumer.max.heartbeat.interval.ms", config.intValue("group.consumer.max.heartbeat.interval.ms"));
        List<String> protocols = list(config.string("group.coordinator.rebalance.protocols"));
        if (!protocols.contains("classic")) {
            throw new InvalidConfigValueException("group.coordinator.rebalance.protocols",
                    config.string("group.coordinator.rebalance.protocols"), "must contain classic");
        }
        return new GroupConfig(
                config.intValue("offsets.topic.num.partitions"),
                (short) Math.min(Short.MAX_VALUE, config.intValue("offsets.topic.replication.factor")),
                config.intValue("offsets.topic.segment.bytes"),
                config.longValue("offsets.retention.minutes") * 60_000L,
                config.longValue("offsets.retention.check.interval.ms"),
                config.intValue("offsets.commit.timeout.ms"),
                config.intValue("offsets.load.buffer.size"),
                config.intValue("offset.metadata.max.bytes"),
                config.intValue("group.min.session.timeout.ms"),
                config.intValue("group.max.session.timeout.ms"),
                config.intValue("group.initial.rebalance.delay.ms"),
                config.intValue("group.max.size"),
                config.intValue("group.coordinator.threads"),
                protocols.contains("consumer"),
                sessionMs,
                heartbeatMs,
                config.intValue("group.consumer.max.size"),
                list(config.string("group.consumer.assignors")));
    }

    /** Kafka's defaults, with overrides for tests. */
    public static GroupConfig defaults() {
        return new GroupConfig(50, (short) 3, 104857600, 10080 * 60_000L, 600_000L, 5000, 5242880, 4096,
                6000, 1800000, 3000, Integer.MAX_VALUE, 4, true, 45000, 5000, Integer.MAX_VALUE,
                List.of("uniform", "range"));
    }

    private static void requireBetween(String key, int value, String minKey, int min, String maxKey, int max) {
        if (value < min || value > max) {
            throw new InvalidConfigValueException(key + " (" + value + ") must be between " + minKey + " (" + min
                    + ") and " + maxKey + " (" + max + ")");
        }
    }

    private static List<String> list(String raw) {
        return raw == null ? List.of()
                : Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
