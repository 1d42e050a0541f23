package io.potok.it.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.chaos.ChaosCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Clients and waits shared by the replication tests, against a {@link ChaosCluster}. */
final class ReplicationSupport {
    static final Duration WAIT = Duration.ofSeconds(60);

    private ReplicationSupport() {
    }

    /** A producer without idempotence (so that acks=1 is allowed) that fails fast: no retries. */
    static KafkaProducer<String, String> producer(ChaosCluster cluster, String acks, Object... keyValues) {
        return producer(cluster.bootstrap(), acks, keyValues);
    }

    /** As {@link #producer(ChaosCluster, String, Object...)}, bootstrapping from {@code bootstrap} only. */
    static KafkaProducer<String, String> producer(String bootstrap, String acks, Object... keyValues) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "replication-it-" + acks);
        c.put(ProducerConfig.ACKS_CONFIG, acks);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        c.put(ProducerConfig.RETRIES_CONFIG, 0);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, Object... keyValues) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "replication-it-consumer");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    }

    static void createTopic(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("creating " + topic + " failed", e);
        }
    }

    static TopicPartitionInfo partition(Admin admin, String topic, int partition) {
        return ChaosCluster.describe(admin, topic).get(partition);
    }

    static int leaderOf(Admin admin, String topic, int partition) {
        TopicPartitionInfo p = partition(admin, topic, partition);
        return p == null || p.leader() == null ? -1 : p.leader().id();
    }

    static List<Integer> isrOf(Admin admin, String topic, int partition) {
        TopicPartitionInfo p = partition(admin, topic, partition);
        return p == null ? List.of() : p.isr().stream().map(Node::id).sorted().toList();
    }

    /** ListOffsets latest: the high watermark, what consumers can read up to. */
    static long latestOffset(Admin admin, TopicPartition tp) {
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, TimeUnit.SECONDS)
                    .offset();
        } catch (Exception e) {
            throw new AssertionError("ListOffsets of " + tp + " failed", e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Reads {@code tp} from the beginning until {@code expected} records arrived or {@code timeout} passed. */
    static List<ConsumerRecord<String, String>> readFromBeginning(String bootstrap, TopicPartition tp, int expected,
                                                                  Duration timeout, Object... consumerConfig) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, consumerConfig)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    /** True if the node's log file (all its starts) contains {@code text}. */
    static boolean logContains(Path logFile, String text) {
        try {
            return Files.exists(logFile) && new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertIsr(Admin admin, String topic, int partition, List<Integer> expected) {
        assertThat(isrOf(admin, topic, partition)).as("ISR of %s-%d", topic, partition).isEqualTo(expected);
    }
}
