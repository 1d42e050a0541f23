package io.potok.metadata.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicConfigsTest {

    @Test
    void validOverridesPass() {
        assertThatCode(() -> TopicConfigs.validate(Map.of(
                "retention.ms", "-1",
                "cleanup.policy", "compact, delete",
                "compression.type", "zstd",
                "min.cleanable.dirty.ratio", "0.25",
                "segment.bytes", "14",
                "compression.gzip.level", "-1",
                "preallocate", "TRUE",
                "message.timestamp.type", "LogAppendTime",
                "retention.bytes", "-1"))).doesNotThrowAnyException();
        assertThatCode(() -> TopicConfigs.validate(Map.of())).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "retention.ms|abc|64-bit integer",
            "retention.ms|-2|[-1,...]",
            "segment.bytes|13|[14,...]",
            "segment.bytes|99999999999|32-bit integer",
            "cleanup.policy|compact,purge|[delete, compact]",
            "compression.type|brotli|[uncompressed, zstd, lz4, snappy, gzip, producer]",
            "compression.gzip.level|0|[1,...,9] or -1",
            "compression.gzip.level|10|[1,...,9] or -1",
            "min.cleanable.dirty.ratio|1.5|[0,...,1]",
            "min.cleanable.dirty.ratio|half|a number",
            "preallocate|yes|true or false",
            "message.timestamp.type|createtime|[CreateTime, LogAppendTime]",
            "min.insync.replicas|0|[1,...]",
            "remote.storage.enable|true|tiered storage is not supported",
    })
    void invalidValueMessageNamesKeyValueAndRule(String key, String value, String allowed) {
        InvalidConfigValueException e = catchThrowableOfType(InvalidConfigValueException.class,
                () -> TopicConfigs.validate(Map.of(key, value)));
        assertThat(e).as("%s=%s must be refused", key, value).isNotNull();
        assertThat(e.getMessage()).contains(key).contains(value).contains(allowed);
        assertThat(e.key()).isEqualTo(key);
    }

    @Test
    void unknownKeyIsRefusedByName() {
        InvalidConfigValueException e = catchThrowableOfType(InvalidConfigValueException.class,
                () -> TopicConfigs.validate(Map.of("retention.hours", "5")));
        assertThat(e.getMessage()).contains("retention.hours").contains("5").contains("unknown");
        assertThat(e.key()).isEqualTo("retention.hours");
    }

    @Test
    void nullValueIsRefused() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("retention.ms", null);
        assertThatThrownBy(() -> TopicConfigs.validate(overrides))
                .isInstanceOf(InvalidConfigValueException.class)
                .hasMessageContaining("retention.ms").hasMessageContaining("required");
    }

    @Test
    void everyKeyDefaultIsValidUnderItsOwnRule() {
        for (ConfigKey key : TopicConfigs.KEYS.all()) {
            key.defaultValue().ifPresent(d -> assertThatCode(() -> key.parse(d))
                    .as("default of %s", key.name()).doesNotThrowAnyException());
        }
    }

    @Test
    void everySynonymTargetsAKnownTopicKey() {
        assertThat(TopicConfigs.KEYS.names()).containsAll(TopicConfigs.BROKER_SYNONYMS.keySet());
        assertThat(TopicConfigs.BROKER_SYNONYMS.get("retention.ms"))
                .containsExactly("log.retention.ms", "log.retention.minutes", "log.retention.hours");
    }

    @Test
    void brokerValuesAreConvertedToMilliseconds() {
        assertThat(TopicConfigs.fromBrokerValue("log.retention.hours", "1")).contains("3600000");
        assertThat(TopicConfigs.fromBrokerValue("log.retention.minutes", " 2 ")).contains("120000");
        assertThat(TopicConfigs.fromBrokerValue("log.retention.ms", "5")).contains("5");
        assertThat(TopicConfigs.fromBrokerValue("log.roll.hours", "x")).isEmpty();
        assertThat(TopicConfigs.fromBrokerValue("log.retention.ms", null)).isEmpty();
    }

    @Test
    void negativeBrokerRetentionMeansUnlimited() {
        // BUG: -1 hours (or minutes) is multiplied into -3600000 (-60000) ms. Kafka maps any negative
        // broker retention to -1 (unlimited); the product is not even a valid retention.ms ([-1,...]).
        assertThat(TopicConfigs.fromBrokerValue("log.retention.hours", "-1")).contains("-1");
        assertThat(TopicConfigs.fromBrokerValue("log.retention.minutes", "-1")).contains("-1");
    }

    @Test
    void parsedValuesHaveTheKeyType() {
        assertThat(TopicConfigs.KEYS.get("cleanup.policy").orElseThrow().parse(" compact , delete "))
                .isEqualTo(List.of("compact", "delete"));
        assertThat(TopicConfigs.KEYS.get("retention.ms").orElseThrow().parse(" 42 ")).isEqualTo(42L);
        assertThat(TopicConfigs.KEYS.get("segment.bytes").orElseThrow().parse("1024")).isEqualTo(1024);
        assertThat(TopicConfigs.KEYS.get("preallocate").orElseThrow().parse("False")).isEqualTo(false);
        assertThat(TopicConfigs.KEYS.get("min.cleanable.dirty.ratio").orElseThrow().parse("0.1")).isEqualTo(0.1);
        assertThat(TopicConfigs.KEYS.get("does.not.exist")).isEqualTo(Optional.empty());
    }
}
