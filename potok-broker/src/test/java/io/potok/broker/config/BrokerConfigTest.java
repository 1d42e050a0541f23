package io.potok.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.potok.broker.network.SocketOptions;
import io.potok.metadata.config.ConfigKey;
import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.config.TopicConfigs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerConfigTest {

    /** What the CLI does: server.properties first, then each {@code --set key=value} on top. */
    private static BrokerConfig parse(Map<String, String> file, String... sets) {
        Map<String, String> raw = new LinkedHashMap<>(file);
        for (String set : sets) {
            int eq = set.indexOf('=');
            raw.put(set.substring(0, eq), set.substring(eq + 1));
        }
        return BrokerConfig.parse(raw);
    }

    private static InvalidConfigValueException refused(Map<String, String> raw) {
        InvalidConfigValueException e = catchThrowableOfType(InvalidConfigValueException.class,
                () -> BrokerConfig.parse(raw));
        assertThat(e).as("%s must be refused", raw).isNotNull();
        return e;
    }

    @Test
    void defaults() {
        BrokerConfig config = BrokerConfig.parse(Map.of());
        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.listener()).isEqualTo(new Endpoint("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(config.advertisedListener()).isEqualTo(new Endpoint("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(config.logDirs()).containsExactly(Path.of("./data"));
        assertThat(config.metadataLogDir()).isEqualTo(Path.of("./data", "__potok_metadata"));
        assertThat(config.numPartitions()).isEqualTo(1);
        assertThat(config.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.autoCreateTopicsEnable()).isTrue();
        assertThat(config.deleteTopicEnable()).isTrue();
        assertThat(config.socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(config.numIoThreads()).isEqualTo(8);
        assertThat(config.numNetworkThreads()).isEqualTo(3);
        assertThat(config.rack()).isEmpty();
        assertThat(config.unknownKeys()).isEmpty();
        assertThat(config.explicit()).isEmpty();
        assertThat(config.longValue("log.retention.check.interval.ms")).isEqualTo(300000L);
    }

    @Test
    void everyPotokDefaultParsesUnderItsOwnRule() {
        for (ConfigKey key : BrokerConfigs.KEYS.all()) {
            key.defaultValue().ifPresent(d -> key.parse(d));
        }
    }

    @Test
    void setOverridesWinOverTheFile() {
        BrokerConfig config = parse(Map.of("node.id", "2", "num.partitions", "3", "log.dirs", "/var/a"),
                "node.id=7", "log.dirs=/data/1, /data/2", "listeners=PLAINTEXT://0.0.0.0:19092",
                "broker.rack=r1", "delete.topic.enable=false", " num.io.threads = 2 ");
        assertThat(config.nodeId()).isEqualTo(7);
        assertThat(config.numPartitions()).isEqualTo(3);
        assertThat(config.logDirs()).containsExactly(Path.of("/data/1"), Path.of("/data/2"));
        assertThat(config.metadataLogDir()).isEqualTo(Path.of("/data/1/__potok_metadata"));
        assertThat(config.listener()).isEqualTo(new Endpoint("PLAINTEXT", "0.0.0.0", 19092));
        // A wildcard bind address is not something a client can connect to.
        assertThat(config.advertisedListener()).isEqualTo(new Endpoint("PLAINTEXT", "127.0.0.1", 19092));
        assertThat(config.rack()).contains("r1");
        assertThat(config.deleteTopicEnable()).isFalse();
        assertThat(config.numIoThreads()).isEqualTo(2);
        assertThat(config.explicit()).containsEntry("num.io.threads", "2").containsEntry("node.id", "7");
    }

    @Test
    void advertisedListenersAndMetadataDirCanBeSetExplicitly() {
        BrokerConfig config = BrokerConfig.parse(Map.of(
                "listeners", "CONTROLLER://:9093,PLAINTEXT://:9092",
                "advertised.listeners", "PLAINTEXT://broker.example.com:29092",
                "metadata.log.dir", "/meta"));
        assertThat(config.listener()).isEqualTo(new Endpoint("PLAINTEXT", "", 9092));
        assertThat(config.advertisedListener()).isEqualTo(new Endpoint("PLAINTEXT", "broker.example.com", 29092));
        assertThat(config.metadataLogDir()).isEqualTo(Path.of("/meta/__potok_metadata"));
    }

    @Test
    void emptyHostIsAdvertisedAsLoopback() {
        BrokerConfig config = BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://:9094"));
        assertThat(config.advertisedListener()).isEqualTo(new Endpoint("PLAINTEXT", "127.0.0.1", 9094));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "num.partitions|0|[1,...]",
            "num.partitions|-1|[1,...]",
            "message.max.bytes|abc|32-bit integer",
            "node.id|-5|[0,...]",
            "auto.create.topics.enable|yes|true or false",
            "log.cleaner.min.cleanable.ratio|2|[0,...,1]",
            "compression.type|brotli|[uncompressed, zstd, lz4, snappy, gzip, producer]",
            "log.cleanup.policy|purge|[delete, compact]",
            "process.roles|broker,voter|[broker, controller]",
            "log.retention.ms|10 days|64-bit integer",
            "fetch.max.bytes|100|[1024,...]",
            "listeners|garbage|NAME://host:port",
            "listeners|PLAINTEXT://localhost:99999|[0,...,65535]",
            "listeners|CONTROLLER://:9093|client listener",
            "advertised.listeners|nonsense|NAME://host:port",
    })
    void invalidValueNamesKeyValueAndWhatIsAllowed(String key, String value, String allowed) {
        InvalidConfigValueException e = refused(Map.of(key, value));
        assertThat(e.getMessage()).contains(key).contains(value).contains(allowed);
    }

    @Test
    void unknownKeysAreListedButKafkaKeysAreNot() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("num.network.threads", "4");           // Potok implements it
        raw.put("socket.send.buffer.bytes", "-1");      // Potok implements it
        raw.put("background.threads", "10");            // Kafka knows it, Potok ignores it
        raw.put("no.such.key", "1");
        raw.put("log.retention.hourz", "1");            // a typo
        BrokerConfig config = BrokerConfig.parse(raw);
        assertThat(config.unknownKeys()).containsExactly("no.such.key", "log.retention.hourz");
        assertThat(config.numNetworkThreads()).isEqualTo(4);
        assertThat(config.socketOptions()).isEqualTo(new SocketOptions(-1, 102_400, 50));
        // Kafka-only keys are kept as given even though Potok does not act on them.
        assertThat(config.explicit()).containsEntry("background.threads", "10");
    }

    @Test
    void kafkaDefaultsCatalogueIsLoaded() {
        assertThat(BrokerConfigs.KAFKA_DEFAULTS).hasSizeGreaterThan(100)
                .containsEntry("socket.send.buffer.bytes", "102400")
                .containsKeys("num.network.threads", "leader.imbalance.check.interval.seconds");
    }

    @Test
    void oldKeyNameIsAnAlias() {
        BrokerConfig config = BrokerConfig.parse(Map.of("leader.imbalance.interval.seconds", "60"));
        assertThat(config.longValue("leader.imbalance.check.interval.seconds")).isEqualTo(60L);
        assertThat(config.unknownKeys()).isEmpty();
        assertThat(config.explicit()).containsEntry("leader.imbalance.check.interval.seconds", "60");

        InvalidConfigValueException e = refused(Map.of("leader.imbalance.interval.seconds", "0"));
        assertThat(e.getMessage()).contains("leader.imbalance").contains("0").contains("[1,...]");
    }

    @Test
    void topicDefaultsFollowExplicitBrokerSynonyms() {
        BrokerConfig config = BrokerConfig.parse(Map.of("log.retention.hours", "1", "log.segment.bytes", "1048576",
                "log.cleanup.policy", "compact", "message.max.bytes", "2000000"));
        Map<String, String> defaults = config.topicDefaults();
        assertThat(defaults).containsEntry("retention.ms", "3600000")
                .containsEntry("segment.bytes", "1048576")
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("max.message.bytes", "2000000");
        assertThat(config.brokerSynonymValue("retention.ms"))
                .contains(new BrokerConfig.BrokerSynonym("log.retention.hours", "3600000"));
        assertThat(config.brokerSynonymValue("segment.ms")).isEmpty();
        // Every topic key has a default, and every default is valid for the topic key.
        assertThat(defaults.keySet()).containsAll(TopicConfigs.KEYS.names().stream()
                .filter(k -> TopicConfigs.KEYS.get(k).orElseThrow().defaultValue().isPresent()).toList());
        TopicConfigs.validate(defaults);
    }

    @Test
    void topicDefaultsWithoutOverridesAreKafkaTopicDefaults() {
        Map<String, String> defaults = BrokerConfig.parse(Map.of()).topicDefaults();
        assertThat(defaults).containsEntry("retention.ms", "604800000")
                .containsEntry("segment.bytes", "1073741824")
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("max.message.bytes", "1048588");
    }

    @Test
    void finerRetentionUnitWins() {
        BrokerConfig config = BrokerConfig.parse(Map.of("log.retention.hours", "1", "log.retention.minutes", "5"));
        assertThat(config.topicDefaults()).containsEntry("retention.ms", "300000");
        config = BrokerConfig.parse(Map.of("log.retention.hours", "1", "log.retention.minutes", "5",
                "log.retention.ms", "42"));
        assertThat(config.topicDefaults()).containsEntry("retention.ms", "42");
        assertThat(config.brokerSynonymValue("retention.ms"))
                .isEqualTo(Optional.of(new BrokerConfig.BrokerSynonym("log.retention.ms", "42")));
    }

    @Test
    void unlimitedRetentionInHoursStaysUnlimited() {
        // BUG: TopicConfigs.fromBrokerValue multiplies -1 hours into -3600000 ms. Kafka treats any
        // negative broker retention as -1 (unlimited); -3600000 is not even a valid retention.ms.
        BrokerConfig config = BrokerConfig.parse(Map.of("log.retention.hours", "-1"));
        assertThat(config.topicDefaults()).containsEntry("retention.ms", "-1");
    }
}
