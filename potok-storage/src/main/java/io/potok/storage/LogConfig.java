package io.potok.storage;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable per-log configuration, keyed by Kafka's topic-level configuration names with Kafka 4.4 defaults.
 *
 * <p>Validation mirrors Kafka's ranges (e.g. {@code segment.bytes >= 1 MiB} since KIP-1030). Like Kafka, the
 * undocumented {@code internal.segment.bytes} key overrides {@code segment.bytes} without the 1 MiB floor; it exists
 * so that tests can roll segments quickly. Unknown keys are ignored: the broker validates those.
 *
 * <p>Thread-safe (immutable).
 */
public final class LogConfig {

    public static final String SEGMENT_BYTES_CONFIG = "segment.bytes";
    public static final String INTERNAL_SEGMENT_BYTES_CONFIG = "internal.segment.bytes";
    public static final String SEGMENT_MS_CONFIG = "segment.ms";
    public static final String SEGMENT_JITTER_MS_CONFIG = "segment.jitter.ms";
    public static final String SEGMENT_INDEX_BYTES_CONFIG = "segment.index.bytes";
    public static final String INDEX_INTERVAL_BYTES_CONFIG = "index.interval.bytes";
    public static final String FLUSH_MESSAGES_INTERVAL_CONFIG = "flush.messages";
    public static final String FLUSH_MS_CONFIG = "flush.ms";
    public static final String RETENTION_MS_CONFIG = "retention.ms";
    public static final String RETENTION_BYTES_CONFIG = "retention.bytes";
    public static final String CLEANUP_POLICY_CONFIG = "cleanup.policy";
    public static final String DELETE_RETENTION_MS_CONFIG = "delete.retention.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO_CONFIG = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS_CONFIG = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS_CONFIG = "max.compaction.lag.ms";
    public static final String FILE_DELETE_DELAY_MS_CONFIG = "file.delete.delay.ms";
    public static final String MAX_MESSAGE_BYTES_CONFIG = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE_CONFIG = "message.timestamp.type";
    public static final String PREALLOCATE_CONFIG = "preallocate";

    public static final String CLEANUP_POLICY_DELETE = "delete";
    public static final String CLEANUP_POLICY_COMPACT = "compact";

    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    public static final int MIN_SEGMENT_BYTES = 1024 * 1024;
    /** Smallest segment that can hold one batch header; applies to internal.segment.bytes. */
    public static final int MIN_INTERNAL_SEGMENT_BYTES = 14;
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_DELETE_RETENTION_MS = 24L * 60 * 60 * 1000;
    public static final double DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60_000L;
    /** 1 MiB of records plus the 12-byte log overhead, as in Kafka. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;

    public static final LogConfig DEFAULT = fromTopicConfigs(Map.of());

    private final Map<String, String> originals;
    private final int segmentBytes;
    private final long segmentMs;
    private final long segmentJitterMs;
    private final int segmentIndexBytes;
    private final int indexIntervalBytes;
    private final long flushMessages;
    private final long flushMs;
    private final long retentionMs;
    private final long retentionBytes;
    private final boolean deleteEnabled;
    private final boolean compactEnabled;
    private final long deleteRetentionMs;
    private final double minCleanableDirtyRatio;
    private final long minCompactionLagMs;
    private final long maxCompactionLagMs;
    private final long fileDeleteDelayMs;
    private final int maxMessageBytes;
    private final TimestampType messageTimestampType;
    private final boolean preallocate;

    private LogConfig(Map<String, String> props) {
        this.originals = Collections.unmodifiableMap(new HashMap<>(props));
        int segmentBytesValue = intValue(props, SEGMENT_BYTES_CONFIG, DEFAULT_SEGMENT_BYTES, MIN_SEGMENT_BYTES);
        this.segmentBytes = props.containsKey(INTERNAL_SEGMENT_BYTES_CONFIG)
            ? intValue(props, INTERNAL_SEGMENT_BYTES_CONFIG, segmentBytesValue, MIN_INTERNAL_SEGMENT_BYTES)
            : segmentBytesValue;
        this.segmentMs = longValue(props, SEGMENT_MS_CONFIG, DEFAULT_SEGMENT_MS, 1);
        this.segmentJitterMs = longValue(props, SEGMENT_JITTER_MS_CONFIG, 0, 0);
        this.segmentIndexBytes = intValue(props, SEGMENT_INDEX_BYTES_CONFIG, DEFAULT_SEGMENT_INDEX_BYTES, 4);
        this.indexIntervalBytes = intValue(props, INDEX_INTERVAL_BYTES_CONFIG, DEFAULT_INDEX_INTERVAL_BYTES, 0);
        this.flushMessages = longValue(props, FLUSH_MESSAGES_INTERVAL_CONFIG, Long.MAX_VALUE, 1);
        this.flushMs = longValue(props, FLUSH_MS_CONFIG, Long.MAX_VALUE, 0);
        this.retentionMs = longValue(props, RETENTION_MS_CONFIG, DEFAULT_RETENTION_MS, -1);
        this.retentionBytes = longValue(props, RETENTION_BYTES_CONFIG, -1L, Long.MIN_VALUE);
        String policy = props.getOrDefault(CLEANUP_POLICY_CONFIG, CLEANUP_POLICY_DELETE);
        boolean delete = false;
        boolean compact = false;
        for (String part : policy.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.equals(CLEANUP_POLICY_DELETE)) {
                delete = true;
            } else if (p.equals(CLEANUP_POLICY_COMPACT)) {
                compact = true;
            } else {
                throw new ConfigException(CLEANUP_POLICY_CONFIG, policy, "a list of [compact, delete]");
            }
        }
        this.deleteEnabled = delete;
        this.compactEnabled = compact;
        this.deleteRetentionMs = longValue(props, DELETE_RETENTION_MS_CONFIG, DEFAULT_DELETE_RETENTION_MS, 0);
        this.minCleanableDirtyRatio = doubleValue(props, MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
            DEFAULT_MIN_CLEANABLE_DIRTY_RATIO);
        this.minCompactionLagMs = longValue(props, MIN_COMPACTION_LAG_MS_CONFIG, 0, 0);
        this.maxCompactionLagMs = longValue(props, MAX_COMPACTION_LAG_MS_CONFIG, Long.MAX_VALUE, 1);
        if (minCompactionLagMs > maxCompactionLagMs) {
            throw new ConfigException(MAX_COMPACTION_LAG_MS_CONFIG, maxCompactionLagMs,
                "a value >= " + MIN_COMPACTION_LAG_MS_CONFIG + " (" + minCompactionLagMs + ")");
        }
        this.fileDeleteDelayMs = longValue(props, FILE_DELETE_DELAY_MS_CONFIG, DEFAULT_FILE_DELETE_DELAY_MS, 0);
        this.maxMessageBytes = intValue(props, MAX_MESSAGE_BYTES_CONFIG, DEFAULT_MAX_MESSAGE_BYTES, 0);
        String tsType = props.getOrDefault(MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.CREATE_TIME.name);
        if (tsType.equals(TimestampType.CREATE_TIME.name)) {
            this.messageTimestampType = TimestampType.CREATE_TIME;
        } else if (tsType.equals(TimestampType.LOG_APPEND_TIME.name)) {
            this.messageTimestampType = TimestampType.LOG_APPEND_TIME;
        } else {
            throw new ConfigException(MESSAGE_TIMESTAMP_TYPE_CONFIG, tsType, "one of [CreateTime, LogAppendTime]");
        }
        this.preallocate = booleanValue(props, PREALLOCATE_CONFIG, false);
    }

    /**
     * Builds a config from topic-level overrides. Missing keys take Kafka's default; unknown keys are ignored.
     *
     * @throws ConfigException naming the key, the value and what is allowed, for an invalid value
     */
    public static LogConfig fromTopicConfigs(Map<String, String> topicConfigs) {
        return new LogConfig(Objects.requireNonNull(topicConfigs, "topicConfigs"));
    }

    /** A copy of this config with some keys replaced. */
    public LogConfig withOverrides(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(originals);
        merged.putAll(overrides);
        return new LogConfig(merged);
    }

    /** The explicitly set keys this config was built from. */
    public Map<String, String> originals() {
        return originals;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long segmentMs() {
        return segmentMs;
    }

    public long segmentJitterMs() {
        return segmentJitterMs;
    }

    /**
     * The age at which the active segment rolls. For compacted logs with a max compaction lag the active segment must
     * roll in time to become cleanable, as in Kafka.
     */
    public long maxSegmentMs() {
        if (compactEnabled && maxCompactionLagMs > 0) {
            return Math.min(maxCompactionLagMs, segmentMs);
        }
        return segmentMs;
    }

    public int segmentIndexBytes() {
        return segmentIndexBytes;
    }

    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    public long flushMessages() {
        return flushMessages;
    }

    /** True when {@code flush.messages} is set: then an append itself fsyncs, every that many messages. */
    public boolean fsyncsOnAppend() {
        return flushMessages != Long.MAX_VALUE;
    }

    public long flushMs() {
        return flushMs;
    }

    public long retentionMs() {
        return retentionMs;
    }

    public long retentionBytes() {
        return retentionBytes;
    }

    public boolean deleteEnabled() {
        return deleteEnabled;
    }

    public boolean compactEnabled() {
        return compactEnabled;
    }

    public long deleteRetentionMs() {
        return deleteRetentionMs;
    }

    public double minCleanableDirtyRatio() {
        return minCleanableDirtyRatio;
    }

    public long minCompactionLagMs() {
        return minCompactionLagMs;
    }

    public long maxCompactionLagMs() {
        return maxCompactionLagMs;
    }

    public long fileDeleteDelayMs() {
        return fileDeleteDelayMs;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public TimestampType messageTimestampType() {
        return messageTimestampType;
    }

    public boolean preallocate() {
        return preallocate;
    }

    private static int intValue(Map<String, String> props, String name, int defaultValue, int min) {
        String raw = props.get(name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, "an int >= " + min);
        }
        if (value < min) {
            throw new ConfigException(name, raw, "an int >= " + min);
        }
        return value;
    }

    private static long longValue(Map<String, String> props, String name, long defaultValue, long min) {
        String raw = props.get(name);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, "a long >= " + min);
        }
        if (value < min) {
            throw new ConfigException(name, raw, "a long >= " + min);
        }
        return value;
    }

    private static double doubleValue(Map<String, String> props, String name, double defaultValue) {
        String raw = props.get(name);
        if (raw == null) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, "a double in [0, 1]");
        }
        if (!(value >= 0 && value <= 1)) {
            throw new ConfigException(name, raw, "a double in [0, 1]");
        }
        return value;
    }

    private static boolean booleanValue(Map<String, String> props, String name, boolean defaultValue) {
        String raw = props.get(name);
        if (raw == null) {
            return defaultValue;
        }
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw new ConfigException(name, raw, "true or false");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogConfig other && originals.equals(other.originals);
    }

    @Override
    public int hashCode() {
        return originals.hashCode();
    }

    @Override
    public String toString() {
        return "LogConfig" + originals;
    }
}
