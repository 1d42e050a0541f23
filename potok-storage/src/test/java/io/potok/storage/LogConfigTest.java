package io.potok.storage;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogConfigTest {

    @Test
    void defaultsMatchKafka() {
        LogConfig c = LogConfig.DEFAULT;
        assertThat(c.segmentBytes()).isEqualTo(1073741824);
        assertThat(c.segmentMs()).isEqualTo(604800000L);
        assertThat(c.segmentIndexBytes()).isEqualTo(10485760);
        assertThat(c.indexIntervalBytes()).isEqualTo(4096);
        assertThat(c.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.retentionMs()).isEqualTo(604800000L);
        assertThat(c.retentionBytes()).isEqualTo(-1L);
        assertThat(c.deleteEnabled()).isTrue();
        assertThat(c.compactEnabled()).isFalse();
        assertThat(c.deleteRetentionMs()).isEqualTo(86400000L);
        assertThat(c.minCleanableDirtyRatio()).isEqualTo(0.5);
        assertThat(c.minCompactionLagMs()).isZero();
        assertThat(c.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.fileDeleteDelayMs()).isEqualTo(60000L);
        assertThat(c.maxMessageBytes()).isEqualTo(1048588);
        assertThat(c.messageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(c.preallocate()).isFalse();
        assertThat(c.segmentJitterMs()).isZero();
    }

    @Test
    void parsesTopicConfigsAndIgnoresUnknownKeys() {
        LogConfig c = LogConfig.fromTopicConfigs(Map.of(
            "segment.bytes", "2097152", "cleanup.policy", "compact,delete", "retention.ms", "-1",
            "message.timestamp.type", "LogAppendTime", "min.cleanable.dirty.ratio", "0.1", "preallocate", "true",
            "compression.type", "zstd", "flush.messages", "1"));
        assertThat(c.segmentBytes()).isEqualTo(2097152);
        assertThat(c.deleteEnabled()).isTrue();
        assertThat(c.compactEnabled()).isTrue();
        assertThat(c.retentionMs()).isEqualTo(-1);
        assertThat(c.messageTimestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(c.minCleanableDirtyRatio()).isEqualTo(0.1);
        assertThat(c.preallocate()).isTrue();
        assertThat(c.flushMessages()).isEqualTo(1);
        assertThat(c.fsyncsOnAppend()).isTrue();
        assertThat(LogConfig.DEFAULT.fsyncsOnAppend()).isFalse();
        assertThat(LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact")).deleteEnabled()).isFalse();
    }

    @Test
    void internalSegmentBytesAllowsSmallSegmentsForTests() {
        assertThat(LogConfig.fromTopicConfigs(Map.of("internal.segment.bytes", "1024")).segmentBytes()).isEqualTo(1024);
    }

    @Test
    void invalidValuesThrowConfigExceptionNamingTheKey() {
        Map<String, String> invalid = Map.of(
            "segment.bytes", "1000",
            "segment.ms", "0",
            "retention.ms", "-2",
            "cleanup.policy", "delete,archive",
            "min.cleanable.dirty.ratio", "1.5",
            "message.timestamp.type", "Now",
            "preallocate", "yes",
            "flush.messages", "zero",
            "max.message.bytes", "-1");
        invalid.forEach((key, value) ->
            assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of(key, value)))
                .as(key)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(value));
    }

    @Test
    void withOverridesKeepsOtherKeys() {
        LogConfig base = LogConfig.fromTopicConfigs(Map.of("retention.ms", "1000"));
        LogConfig changed = base.withOverrides(Map.of("retention.bytes", "10"));
        assertThat(changed.retentionMs()).isEqualTo(1000);
        assertThat(changed.retentionBytes()).isEqualTo(10);
        assertThat(base.retentionBytes()).isEqualTo(-1);
    }

    @Test
    void maxCompactionLagCapsSegmentAgeForCompactedTopics() {
        LogConfig c = LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact", "max.compaction.lag.ms", "5000"));
        assertThat(c.maxSegmentMs()).isEqualTo(5000);
    }
}
