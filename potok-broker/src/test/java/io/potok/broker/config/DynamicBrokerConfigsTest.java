package io.potok.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The messages are Kafka 4.4's, recorded from a real broker answering kafka-configs --alter. */
class DynamicBrokerConfigsTest {

    private static Map<String, Optional<String>> set(String... keyValues) {
        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            changes.put(keyValues[i], Optional.of(keyValues[i + 1]));
        }
        return changes;
    }

    @Test
    void knowsKafkasDynamicKeysAndTheirModes() {
        assertThat(DynamicBrokerConfigs.isDynamic("message.max.bytes")).isTrue();
        assertThat(DynamicBrokerConfigs.isDynamic("log.retention.ms")).isTrue();
        assertThat(DynamicBrokerConfigs.isDynamic("num.io.threads")).isTrue();
        assertThat(DynamicBrokerConfigs.isDynamic("log.dirs")).isFalse();
        assertThat(DynamicBrokerConfigs.isDynamic("node.id")).isFalse();
        assertThat(DynamicBrokerConfigs.key("listeners")).get()
                .extracting(DynamicBrokerConfigs.DynamicKey::mode).isEqualTo(DynamicBrokerConfigs.Mode.PER_BROKER);
        assertThat(DynamicBrokerConfigs.key("log.cleaner.threads")).get()
                .extracting(DynamicBrokerConfigs.DynamicKey::mode).isEqualTo(DynamicBrokerConfigs.Mode.CLUSTER_WIDE);
    }

    @Test
    void staticKeysAreRefusedTogetherInRequestOrder() {
        assertThatThrownBy(() -> DynamicBrokerConfigs.validate(set("node.id", "5", "log.dirs", "/x",
                "message.max.bytes", "2000000"), false))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Cannot update these configs dynamically: [node.id, log.dirs]");
        // Potok's own static keys too.
        assertThatThrownBy(() -> DynamicBrokerConfigs.validate(set("leader.imbalance.per.broker.percentage", "5"), true))
                .hasMessage("Cannot update these configs dynamically: [leader.imbalance.per.broker.percentage]");
    }

    @Test
    void perBrokerKeysNeedABrokerId() {
        assertThatThrownBy(() -> DynamicBrokerConfigs.validate(set("listeners", "PLAINTEXT://:9999"), true))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Cannot update these configs at default cluster level, broker id must be specified: [listeners]");
        assertThatCode(() -> DynamicBrokerConfigs.validate(set("ssl.client.auth", "required"), false))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "message.max.bytes|abc|Invalid value abc for configuration message.max.bytes: Not a number of type INT",
        "message.max.bytes|-5|Invalid value -5 for configuration message.max.bytes: Value must be at least 0",
        "num.io.threads|0|Invalid value 0 for configuration num.io.threads: Value must be at least 1",
        "log.cleanup.policy|foo|Invalid value foo for configuration log.cleanup.policy: String must be one of: compact, delete",
        "log.cleaner.min.cleanable.ratio|1.5|Invalid value 1.5 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1",
        "compression.gzip.level|0|Invalid value 0 for configuration compression.gzip.level: Value must be at least 1",
        "log.preallocate|yes|Invalid value yes for configuration log.preallocate: Expected value to be either true or false",
        "log.message.timestamp.type|Now|Invalid value Now for configuration log.message.timestamp.type: String must be one of: CreateTime, LogAppendTime",
    })
    void badValuesAreRefusedWithKafkasMessage(String key, String value, String message) {
        assertThatThrownBy(() -> DynamicBrokerConfigs.validate(set(key, value), false))
                .isInstanceOf(InvalidRequestException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "message.max.bytes|2000000", "log.cleanup.policy|compact,delete", "compression.gzip.level|-1",
        "compression.gzip.level|9", "log.retention.ms|-1", "log.cleaner.min.cleanable.ratio|0.25",
        "foo.bar.baz|anything", "listener.name.plaintext.ssl.keystore.location|/x",
    })
    void goodValuesAndUnknownKeysAreAccepted(String key, String value) {
        assertThatCode(() -> DynamicBrokerConfigs.validate(set(key, value), false)).doesNotThrowAnyException();
    }

    @Test
    void deletingIsAlwaysAllowed() {
        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        changes.put("log.dirs", Optional.empty());
        changes.put("listeners", Optional.empty());
        assertThatCode(() -> DynamicBrokerConfigs.validate(changes, true)).doesNotThrowAnyException();
    }

    @Test
    void passwordsAndUnknownKeysAreSensitive() {
        assertThat(DynamicBrokerConfigs.isSensitive("ssl.keystore.password")).isTrue();
        assertThat(DynamicBrokerConfigs.isSensitive("foo.bar.baz")).isTrue();
        assertThat(DynamicBrokerConfigs.isSensitive("message.max.bytes")).isFalse();
        assertThat(DynamicBrokerConfigs.isSensitive("log.dirs")).isFalse();
    }

    @Test
    void threadCountsMayAtMostHalveOrDoubleInOneStep() {
        java.util.function.Function<String, Optional<String>> current =
                key -> key.equals("num.io.threads") ? Optional.of("8") : Optional.empty();
        DynamicBrokerConfigs.validateThreadCounts(set("num.io.threads", "4"), current);
        DynamicBrokerConfigs.validateThreadCounts(set("num.io.threads", "16"), current);
        DynamicBrokerConfigs.validateThreadCounts(set("background.threads", "100"), current); // no current value
        DynamicBrokerConfigs.validateThreadCounts(Map.of("num.io.threads", Optional.empty()), current); // a delete
        assertThatThrownBy(() -> DynamicBrokerConfigs.validateThreadCounts(set("num.io.threads", "3"), current))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Dynamic thread count update validation "
                        + "failed for num.io.threads=3, value should be at least half the current value 8");
        assertThatThrownBy(() -> DynamicBrokerConfigs.validateThreadCounts(set("num.io.threads", "17"), current))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Dynamic thread count update validation "
                        + "failed for num.io.threads=17, value should not be greater than double the current value 8");
        assertThatThrownBy(() -> DynamicBrokerConfigs.validateThreadCounts(set("num.io.threads", "0"), current))
                .hasMessage("Dynamic thread count update validation failed for num.io.threads=0, value should be at "
                        + "least 1");
    }
}
