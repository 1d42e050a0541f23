package io.potok.broker.config;

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

import io.potok.metadata.config.ConfigKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker keys Potok implements (typed and validated, Kafka's names and defaults), and the full
 * list of keys Kafka 4.4 knows, so that a Kafka {@code server.properties} starts without warnings
 * for keys Potok accepts but does not act on.
 */
public final class BrokerConfigs {
    private static final String MAX = Long.toString(Long.MAX_VALUE);

    public static final ConfigKeys KEYS = new ConfigKeys()
            .define("node.id", INT, "1", "[0,...]", atLeast(0), "this node's id")
            .define("process.roles", LIST, "broker,controller", "[broker, controller]", listOf("broker", "controller"), "")
            .define("listeners", STRING, "PLAINTEXT://127.0.0.1:9092", "PLAINTEXT://host:port", v -> true, "")
            .define("advertised.listeners", STRING, null, "PLAINTEXT://host:port", v -> true, "")
            .define("log.dirs", STRING, null, "comma-separated directories", v -> true, "")
            .define("log.dir", STRING, "./data", "a directory", v -> true, "")
            .define("metadata.log.dir", STRING, null, "a directory", v -> true, "")
            .define("num.partitions", INT, "1", "[1,...]", atLeast(1), "")
            .define("default.replication.factor", INT, "1", "[1,...]", atLeast(1), "")
            .define("auto.create.topics.enable", BOOLEAN, "true", "")
            .define("delete.topic.enable", BOOLEAN, "true", "")
            .define("message.max.bytes", INT, "1048588", "[0,...]", atLeast(0), "")
            .define("socket.request.max.bytes", INT, "104857600", "[1,...]", atLeast(1), "")
            .define("socket.send.buffer.bytes", INT, "102400", "SO_SNDBUF of client connections; -1: the OS default")
            .define("socket.receive.buffer.bytes", INT, "102400", "SO_RCVBUF of client connections; -1: the OS default")
            .define("socket.listen.backlog.size", INT, "50", "[1,...]", atLeast(1), "")
            .define("num.io.threads", INT, "8", "[1,...]", atLeast(1), "")
            .define("num.network.threads", INT, "3", "[1,...]", atLeast(1), "")
            .define("queued.max.requests", INT, "500", "[1,...]", atLeast(1), "")
            .define("fetch.max.bytes", INT, "57671680", "[1024,...]", atLeast(1024), "")
            .define("max.incremental.fetch.session.cache.slots", INT, "1000", "[0,...]", atLeast(0), "")
            .define("quota.window.num", INT, "11", "[1,...]", atLeast(1), "samples of client quota rates")
            .define("quota.window.size.seconds", INT, "1", "[1,...]", atLeast(1), "")
            .define("replication.quota.window.num", INT, "11", "[1,...]", atLeast(1), "")
            .define("num.replica.fetchers", INT, "1", "[1,...]", atLeast(1), "")
            .define("replication.quota.window.size.seconds", INT, "1", "[1,...]", atLeast(1), "")
            .define("num.recovery.threads.per.data.dir", INT, "2", "[1,...]", atLeast(1), "")
            .define("log.retention.check.interval.ms", LONG, "300000", "[1,...]", atLeast(1), "")
            .define("log.flush.scheduler.interval.ms", LONG, MAX, "")
            .define("log.flush.offset.checkpoint.interval.ms", INT, "60000", "[0,...]", atLeast(0), "")
            .define("log.cleaner.enable", BOOLEAN, "true", "")
            .define("log.cleaner.backoff.ms", LONG, "15000", "[0,...]", atLeast(0), "")
            .define("log.cleanup.policy", LIST, "delete", "[delete, compact]", listOf("delete", "compact"), "")
            .define("log.segment.bytes", INT, "1073741824", "[14,...]", atLeast(14), "")
            .define("log.roll.ms", LONG, null, "[1,...]", atLeast(1), "")
            .define("log.roll.hours", INT, "168", "[1,...]", atLeast(1), "")
            .define("log.roll.jitter.ms", LONG, null, "[0,...]", atLeast(0), "")
            .define("log.roll.jitter.hours", INT, "0", "[0,...]", atLeast(0), "")
            .define("log.retention.ms", LONG, null, "[-1,...]", atLeast(-1), "")
            .define("log.retention.minutes", INT, null, "[-1,...]", atLeast(-1), "")
            .define("log.retention.hours", INT, "168", "[-1,...]", atLeast(-1), "")
            .define("log.retention.bytes", LONG, "-1", "")
            .define("log.segment.delete.delay.ms", LONG, "60000", "[0,...]", atLeast(0), "")
            .define("log.flush.interval.messages", LONG, MAX, "[1,...]", atLeast(1), "")
            .define("log.flush.interval.ms", LONG, null, "[0,...]", atLeast(0), "")
            .define("log.index.interval.bytes", INT, "4096", "[0,...]", atLeast(0), "")
            .define("log.index.size.max.bytes", INT, "10485760", "[4,...]", atLeast(4), "")
            .define("log.preallocate", BOOLEAN, "false", "")
            .define("log.message.timestamp.type", STRING, "CreateTime", "[CreateTime, LogAppendTime]",
                    oneOf("CreateTime", "LogAppendTime"), "")
            .define("log.message.timestamp.before.max.ms", LONG, MAX, "[0,...]", atLeast(0), "")
            .define("log.message.timestamp.after.max.ms", LONG, "3600000", "[0,...]", atLeast(0), "")
            .define("log.cleaner.delete.retention.ms", LONG, "86400000", "[0,...]", atLeast(0), "")
            .define("log.cleaner.min.cleanable.ratio", DOUBLE, "0.5", "[0,...,1]", between(0, 1), "")
            .define("log.cleaner.min.compaction.lag.ms", LONG, "0", "[0,...]", atLeast(0), "")
            .define("log.cleaner.max.compaction.lag.ms", LONG, MAX, "[1,...]", atLeast(1), "")
            .define("compression.type", STRING, "producer", "[uncompressed, zstd, lz4, snappy, gzip, producer]",
                    oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), "")
            .define("min.insync.replicas", INT, "1", "[1,...]", atLeast(1), "")
            .define("unclean.leader.election.enable", BOOLEAN, "false", "")
            .define("broker.rack", STRING, null, "")
            // Potok's own: the Prometheus /metrics HTTP port on the listener's host; 0 = no endpoint.
            .define("metrics.port", INT, "0", "[0,...,65535]", between(0, 65535), "")
            .define("controller.quorum.voters", LIST, "", "")
            .define("controller.listener.names", LIST, "CONTROLLER", "")
            .define("controller.quorum.election.timeout.ms", INT, "1000", "[1,...]", atLeast(1), "")
            .define("offsets.topic.num.partitions", INT, "50", "[1,...]", atLeast(1), "")
            .define("offsets.topic.replication.factor", INT, "3", "[1,...]", atLeast(1), "")
            .define("group.initial.rebalance.delay.ms", INT, "3000", "[0,...]", atLeast(0), "")
            // Group coordinator (io.potok.broker.group.GroupConfig reads these and checks cross-key rules).
            .define("offsets.topic.segment.bytes", INT, "104857600", "[1,...]", atLeast(1), "")
            .define("offsets.retention.minutes", INT, "10080", "[1,...]", atLeast(1), "")
            .define("offsets.retention.check.interval.ms", LONG, "600000", "[1,...]", atLeast(1), "")
            .define("offsets.commit.timeout.ms", INT, "5000", "[1,...]", atLeast(1), "")
            .define("offsets.load.buffer.size", INT, "5242880", "[1,...]", atLeast(1), "")
            .define("offset.metadata.max.bytes", INT, "4096", "[0,...]", atLeast(0), "")
            .define("group.min.session.timeout.ms", INT, "6000", "[1,...]", atLeast(1), "")
            .define("group.max.session.timeout.ms", INT, "1800000", "[1,...]", atLeast(1), "")
            .define("group.max.size", INT, "2147483647", "[1,...]", atLeast(1), "")
            .define("group.coordinator.threads", INT, "4", "[1,...]", atLeast(1), "")
            .define("group.coordinator.rebalance.protocols", LIST, "classic,consumer", "[classic, consumer]",
                    listOf("classic", "consumer"), "")
            .define("group.consumer.session.timeout.ms", INT, "45000", "[1,...]", atLeast(1), "")
            .define("group.consumer.min.session.timeout.ms", INT, "45000", "[1,...]", atLeast(1), "")
            .define("group.consumer.max.session.timeout.ms", INT, "60000", "[1,...]", atLeast(1), "")
            .define("group.consumer.heartbeat.interval.ms", INT, "5000", "[1,...]", atLeast(1), "")
            .define("group.consumer.min.heartbeat.interval.ms", INT, "5000", "[1,...]", atLeast(1), "")
            .define("group.consumer.max.heartbeat.interval.ms", INT, "15000", "[1,...]", atLeast(1), "")
            .define("group.consumer.max.size", INT, "2147483647", "[1,...]", atLeast(1), "")
            .define("group.consumer.assignors", LIST, "uniform,range", "[uniform, range]", listOf("uniform", "range"), "")
            .define("auto.leader.rebalance.enable", BOOLEAN, "true", "")
            .define("leader.imbalance.check.interval.seconds", LONG, "300", "[1,...]", atLeast(1), "")
            .define("leader.imbalance.per.broker.percentage", INT, "10", "[0,...,100]", between(0, 100), "")
            .define("replica.lag.time.max.ms", LONG, "30000", "[0,...]", atLeast(0), "")
            .define("replica.fetch.wait.max.ms", INT, "500", "[0,...]", atLeast(0), "")
            .define("replica.fetch.max.bytes", INT, "1048576", "[0,...]", atLeast(0), "")
            .define("replica.fetch.response.max.bytes", INT, "10485760", "[0,...]", atLeast(0), "")
            .define("replica.fetch.backoff.ms", LONG, "1000", "[0,...]", atLeast(0), "")
            .define("replica.socket.timeout.ms", INT, "30000", "[1,...]", atLeast(1), "")
            // Kafka's two selectors, recognised by name and implemented by Potok (see ReplicaSelector).
            .define("replica.selector.class", STRING, null,
                    "[, org.apache.kafka.common.replica.LeaderSelector, org.apache.kafka.common.replica.RackAwareReplicaSelector]",
                    oneOf("", "org.apache.kafka.common.replica.LeaderSelector",
                            "org.apache.kafka.common.replica.RackAwareReplicaSelector"), "")
            .define("broker.session.timeout.ms", INT, "9000", "[1,...]", atLeast(1), "")
            .define("broker.heartbeat.interval.ms", INT, "2000", "[1,...]", atLeast(1), "");

    /** Old names Potok accepts for a key, mapped to the key they stand for. */
    public static final Map<String, String> ALIASES = Map.of(
            "leader.imbalance.interval.seconds", "leader.imbalance.check.interval.seconds");

    /** Every broker key Kafka 4.4 reports, with its default as Kafka prints it. */
    public static final Map<String, String> KAFKA_DEFAULTS = loadKafkaDefaults();

    private BrokerConfigs() {
    }

    private static Map<String, String> loadKafkaDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        try (InputStream in = BrokerConfigs.class.getResourceAsStream("kafka-4.4-broker-defaults.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    defaults.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(defaults);
    }
}
