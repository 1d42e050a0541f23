package io.potok.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.broker.config.ConfigEntry.Synonym;
import io.potok.metadata.image.MetadataImage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;

/** Expected synonyms are what Kafka 4.4 answers in the same situation (kafka-configs --describe --all). */
class ConfigDescriberTest {
    private static final BrokerConfig STATIC = BrokerConfig.parse(Map.of("log.retention.hours", "168",
            "log.segment.bytes", "1073741824"));

    private static ConfigDescriber describer(Map<String, String> perBroker, Map<String, String> clusterDefault) {
        MetadataImage image = new MetadataImage(5, "c", Map.of(), Map.of(),
                Map.of("1", perBroker, "", clusterDefault), 0);
        return new ConfigDescriber(STATIC, () -> image);
    }

    private static ConfigEntry entry(List<ConfigEntry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void brokerDynamicValuesBeatStaticAndDefault() {
        ConfigDescriber d = describer(Map.of("message.max.bytes", "2000000", "log.cleaner.threads", "2"),
                Map.of("message.max.bytes", "1500000", "log.retention.ms", "7200000"));
        List<ConfigEntry> broker = d.broker();

        ConfigEntry max = entry(broker, "message.max.bytes");
        assertThat(max.value()).isEqualTo("2000000");
        assertThat(max.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(max.readOnly()).isFalse();
        assertThat(max.synonyms()).containsExactly(
                new Synonym("message.max.bytes", "2000000", ConfigSource.DYNAMIC_BROKER_CONFIG),
                new Synonym("message.max.bytes", "1500000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                new Synonym("message.max.bytes", "1048588", ConfigSource.DEFAULT_CONFIG));

        ConfigEntry threads = entry(broker, "log.cleaner.threads");
        assertThat(threads.synonyms()).containsExactly(
                new Synonym("log.cleaner.threads", "2", ConfigSource.DYNAMIC_BROKER_CONFIG),
                new Synonym("log.cleaner.threads", "1", ConfigSource.DEFAULT_CONFIG));

        ConfigEntry dirs = entry(broker, "log.dirs");
        assertThat(dirs.readOnly()).isTrue();
        assertThat(entry(broker, "log.segment.bytes").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void clusterDefaultListsOnlyTheDynamicDefaults() {
        ConfigDescriber d = describer(Map.of("message.max.bytes", "2000000"), Map.of("log.retention.ms", "7200000"));
        assertThat(d.brokerDefaults()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("log.retention.ms");
            assertThat(e.value()).isEqualTo("7200000");
            assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            assertThat(e.synonyms()).containsExactly(
                    new Synonym("log.retention.ms", "7200000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
        });
    }

    @Test
    void unknownDynamicKeysAreSensitiveAndHidden() {
        ConfigEntry e = entry(describer(Map.of("foo.bar.baz", "secret"), Map.of()).broker(), "foo.bar.baz");
        assertThat(e.sensitive()).isTrue();
        assertThat(e.value()).isNull();
        assertThat(e.readOnly()).isTrue();
        assertThat(e.synonyms()).containsExactly(new Synonym("foo.bar.baz", null, ConfigSource.DYNAMIC_BROKER_CONFIG));
    }

    @Test
    void topicDefaultsFollowDynamicBrokerConfigsLikeKafka() {
        ConfigDescriber d = describer(Map.of("message.max.bytes", "2000000"), Map.of("log.retention.ms", "7200000"));
        List<ConfigEntry> topic = d.topic(Map.of("cleanup.policy", "compact"));

        ConfigEntry retention = entry(topic, "retention.ms");
        assertThat(retention.value()).isEqualTo("7200000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(retention.synonyms()).containsExactly(
                new Synonym("log.retention.ms", "7200000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                new Synonym("log.retention.hours", "168", ConfigSource.STATIC_BROKER_CONFIG),
                new Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));

        ConfigEntry maxMessage = entry(topic, "max.message.bytes");
        assertThat(maxMessage.value()).isEqualTo("2000000");
        assertThat(maxMessage.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);

        ConfigEntry cleanup = entry(topic, "cleanup.policy");
        assertThat(cleanup.value()).isEqualTo("compact");
        assertThat(cleanup.source()).isEqualTo(ConfigSource.TOPIC_CONFIG);
        assertThat(cleanup.synonyms()).containsExactly(
                new Synonym("cleanup.policy", "compact", ConfigSource.TOPIC_CONFIG),
                new Synonym("log.cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void withoutThePrimaryBrokerKeyTheSynonymsAreEmptyAndTheValueComesFromTheOthers() {
        // Kafka: "retention.ms=604800000 ... synonyms={}" when only log.retention.hours is set.
        ConfigEntry retention = entry(describer(Map.of(), Map.of()).topic(Map.of()), "retention.ms");
        assertThat(retention.synonyms()).isEmpty();
        assertThat(retention.value()).isEqualTo("604800000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);

        BrokerConfig hours = BrokerConfig.parse(Map.of("log.retention.hours", "1"));
        ConfigEntry oneHour = new ConfigDescriber(hours).topic(Map.of()).stream()
                .filter(e -> e.name().equals("retention.ms")).findFirst().orElseThrow();
        assertThat(oneHour.value()).isEqualTo("3600000");
        assertThat(Optional.of(oneHour.source())).contains(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void topicDefaultsWithoutDynamicConfigsAreTheStaticOnes() {
        for (Map<String, String> raw : List.of(Map.<String, String>of(), Map.of("log.retention.hours", "1"),
                Map.of("log.retention.minutes", "5", "log.retention.hours", "1", "log.roll.hours", "2",
                        "message.max.bytes", "5000", "log.cleanup.policy", "compact"),
                Map.of("log.flush.scheduler.interval.ms", "1000", "log.roll.jitter.hours", "1"))) {
            BrokerConfig config = BrokerConfig.parse(raw);
            assertThat(new ConfigDescriber(config).topicDefaults()).as("%s", raw).isEqualTo(config.topicDefaults());
        }
    }

    @Test
    void topicDefaultsIncludeDynamicBrokerConfigs() {
        Map<String, String> defaults = describer(Map.of("log.cleanup.policy", "compact,delete"),
                Map.of("log.retention.ms", "7200000", "log.cleanup.policy", "compact")).topicDefaults();
        assertThat(defaults).containsEntry("cleanup.policy", "compact,delete").containsEntry("retention.ms", "7200000")
                .containsEntry("segment.bytes", "1073741824");
    }
}
