package io.potok.metadata.config;

import static io.potok.metadata.config.ConfigKeys.atLeast;
import static io.potok.metadata.config.ConfigKeys.between;
import static io.potok.metadata.config.ConfigKeys.listOf;
import static io.potok.metadata.config.ConfigKeys.oneOf;
import static io.potok.metadata.config.ConfigType.BOOLEAN;
import static io.potok.metadata.config.ConfigType.DOUBLE;
import static io.potok.metadata.config.ConfigType.INT;
import static io.potok.metadata.config.ConfigType.LIST;
import static io.potok.metadata.config.ConfigType.LONG;
import static io.potok.metadata.config.ConfigType.STRING;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every topic-level config key of Kafka 4.4 with its default and the broker keys that supply the
 * default (in priority order), so that CreateTopics, AlterConfigs and DescribeConfigs agree.
 */
public final class TopicConfigs {
    private static final String MAX = Long.toString(Long.MAX_VALUE);
    public static final ConfigKeys KEYS = new ConfigKeys()
            .define("cleanup.policy", LIST, "delete", "[delete, compact]", listOf("delete", "compact"),
                    "delete old segments, compact by key, or both")
            .define("compression.type", STRING, "producer", "[uncompressed, zstd, lz4, snappy, gzip, producer]",
                    oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), "final compression type")
            .define("compression.gzip.level", INT, "-1", "[1,...,9] or -1", v -> (int) v == -1 || ((int) v >= 1 && (int) v <= 9), "")
            .define("compression.lz4.level", INT, "9", "[1,...,17]", between(1, 17), "")
            .define("compression.zstd.level", INT, "3", "[-131072,...,22]", between(-131072, 22), "")
            .define("delete.retention.ms", LONG, "86400000", "[0,...]", atLeast(0), "how long tombstones are kept")
            .define("errors.deadletterqueue.group.enable", BOOLEAN, "false", "")
            .define("file.delete.delay.ms", LONG, "60000", "[0,...]", atLeast(0), "delay before deleting a file")
            .define("flush.messages", LONG, MAX, "[1,...]", atLeast(1), "fsync after this many messages")
            .define("flush.ms", LONG, MAX, "[0,...]", atLeast(0), "fsync after this much time")
            .define("follower.replication.throttled.replicas", LIST, "", "")
            .define("index.interval.bytes", INT, "4096", "[0,...]", atLeast(0), "offset index interval")
            .define("leader.replication.throttled.replicas", LIST, "", "")
            .define("local.retention.bytes", LONG, "-2", "[-2,...]", atLeast(-2), "")
            .define("local.retention.ms", LONG, "-2", "[-2,...]", atLeast(-2), "")
            .define("max.compaction.lag.ms", LONG, MAX, "[1,...]", atLeast(1), "")
            .define("max.decompressed.message.bytes", INT, "2147483639", "[0,...]", atLeast(0), "")
            .define("max.message.bytes", INT, "1048588", "[0,...]", atLeast(0), "largest record batch size")
            .define("message.timestamp.after.max.ms", LONG, "3600000", "[0,...]", atLeast(0), "")
            .define("message.timestamp.before.max.ms", LONG, MAX, "[0,...]", atLeast(0), "")
            .define("message.timestamp.type", STRING, "CreateTime", "[CreateTime, LogAppendTime]",
                    oneOf("CreateTime", "LogAppendTime"), "")
            .define("min.cleanable.dirty.ratio", DOUBLE, "0.5", "[0,...,1]", between(0, 1), "")
            .define("min.compaction.lag.ms", LONG, "0", "[0,...]", atLeast(0), "")
            .define("min.insync.replicas", INT, "1", "[1,...]", atLeast(1), "")
            .define("preallocate", BOOLEAN, "false", "")
            .define("remote.copy.lag.bytes", LONG, "-1", "")
            .define("remote.copy.lag.ms", LONG, "0", "")
            .define("remote.log.copy.disable", BOOLEAN, "false", "")
            .define("remote.log.delete.on.disable", BOOLEAN, "false", "")
            .define("remote.storage.enable", BOOLEAN, "false", "false (tiered storage is not supported)",
                    v -> !(Boolean) v, "")
            .define("retention.bytes", LONG, "-1", "")
            .define("retention.ms", LONG, "604800000", "[-1,...]", atLeast(-1), "")
            .define("segment.bytes", INT, "1073741824", "[14,...]", atLeast(14), "")
            .define("segment.index.bytes", INT, "10485760", "[4,...]", atLeast(4), "")
            .define("segment.jitter.ms", LONG, "0", "[0,...]", atLeast(0), "")
            .define("segment.ms", LONG, "604800000", "[1,...]", atLeast(1), "")
            .define("unclean.leader.election.enable", BOOLEAN, "false", "");

    /** Broker keys that set each topic key's default, highest priority first (Kafka's synonyms). */
    public static final Map<String, List<String>> BROKER_SYNONYMS;

    static {
        Map<String, List<String>> s = new HashMap<>();
        s.put("cleanup.policy", List.of("log.cleanup.policy"));
        s.put("compression.type", List.of("compression.type"));
        s.put("compression.gzip.level", List.of("compression.gzip.level"));
        s.put("compression.lz4.level", List.of("compression.lz4.level"));
        s.put("compression.zstd.level", List.of("compression.zstd.level"));
        s.put("delete.retention.ms", List.of("log.cleaner.delete.retention.ms"));
        s.put("file.delete.delay.ms", List.of("log.segment.delete.delay.ms"));
        s.put("flush.messages", List.of("log.flush.interval.messages"));
        s.put("flush.ms", List.of("log.flush.interval.ms", "log.flush.scheduler.interval.ms"));
        s.put("index.interval.bytes", List.of("log.index.interval.bytes"));
        s.put("max.compaction.lag.ms", List.of("log.cleaner.max.compaction.lag.ms"));
        s.put("max.message.bytes", List.of("message.max.bytes"));
        s.put("message.timestamp.after.max.ms", List.of("log.message.timestamp.after.max.ms"));
        s.put("message.timestamp.before.max.ms", List.of("log.message.timestamp.before.max.ms"));
        s.put("message.timestamp.type", List.of("log.message.timestamp.type"));
        s.put("min.cleanable.dirty.ratio", List.of("log.cleaner.min.cleanable.ratio"));
        s.put("min.compaction.lag.ms", List.of("log.cleaner.min.compaction.lag.ms"));
        s.put("min.insync.replicas", List.of("min.insync.replicas"));
        s.put("preallocate", List.of("log.preallocate"));
        s.put("retention.bytes", List.of("log.retention.bytes"));
        s.put("retention.ms", List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours"));
        s.put("segment.bytes", List.of("log.segment.bytes"));
        s.put("segment.index.bytes", List.of("log.index.size.max.bytes"));
        s.put("segment.jitter.ms", List.of("log.roll.jitter.ms", "log.roll.jitter.hours"));
        s.put("segment.ms", List.of("log.roll.ms", "log.roll.hours"));
        s.put("unclean.leader.election.enable", List.of("unclean.leader.election.enable"));
        s.put("local.retention.bytes", List.of("log.local.retention.bytes"));
        s.put("local.retention.ms", List.of("log.local.retention.ms"));
        s.put("max.decompressed.message.bytes", List.of("max.decompressed.message.bytes"));
        BROKER_SYNONYMS = Map.copyOf(s);
    }

    private TopicConfigs() {
    }

    /**
     * Validates topic overrides. Throws {@link InvalidConfigValueException} naming the first bad key;
     * unknown keys are refused as Kafka refuses them.
     */
    public static void validate(Map<String, String> overrides) {
        overrides.forEach((key, value) -> {
            ConfigKey def = KEYS.get(key).orElseThrow(
                    () -> new InvalidConfigValueException(key, value, "unknown topic config"));
            if (value == null) {
                throw new InvalidConfigValueException(key, "null", "a value is required");
            }
            def.parse(value);
        });
    }

    /** Converts a broker synonym's value to the topic key's unit (minutes/hours to milliseconds). */
    public static Optional<String> fromBrokerValue(String brokerKey, String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            boolean minutes = brokerKey.endsWith(".minutes");
            if (minutes || brokerKey.endsWith(".hours")) {
                long amount = Long.parseLong(value.trim());
                // Kafka treats any negative retention as unlimited.
                return Optional.of(amount < 0 ? "-1" : Long.toString(amount * (minutes ? 60_000L : 3_600_000L)));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(value);
    }
}
