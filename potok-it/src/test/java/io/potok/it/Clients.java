package io.potok.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Kafka clients configured to fail fast against a broken broker, and the read loops tests share. */
public final class Clients {

    static final int REQUEST_TIMEOUT_MS = 10_000;
    static final int API_TIMEOUT_MS = 20_000;

    private Clients() {
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Object... keyValues) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "potok-it-producer");
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        putAll(c, keyValues);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer without group.id: use it with assign() and seek only. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Object... keyValues) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "potok-it-consumer");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        putAll(c, keyValues);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public static Admin admin(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "potok-it-admin");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        return Admin.create(c);
    }

    public static void createTopic(String bootstrap, String topic, int partitions) {
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, partitions, Map.of());
        }
    }

    public static void createTopic(Admin admin, String topic, int partitions, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all().get(API_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("creating topic " + topic + " with " + partitions + " partitions failed", e);
        }
        awaitLeaders(admin, topic, partitions);
    }

    /**
     * Waits until every partition of the topic answers ListOffsets on its leader. A broker may
     * acknowledge CreateTopics before its partitions serve (Kafka does); tests that produce right
     * away would otherwise start with NOT_LEADER_OR_FOLLOWER retries.
     */
    public static void awaitLeaders(Admin admin, String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions(topic, partitions).forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                    admin.listOffsets(specs).all().get(API_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertThat(offsets).as("ListOffsets of new topic %s", topic).hasSize(partitions);
        } catch (Exception e) {
            throw new AssertionError("partitions of new topic " + topic + " do not answer ListOffsets", e);
        }
    }

    public static List<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toList());
    }

    /**
     * Assigns the partitions, seeks to their beginning and polls until {@code expected} records arrived
     * (fails if more arrive or the timeout passes). Records are returned in poll order, which keeps the
     * per-partition offset order.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, Collection<TopicPartition> partitions,
                                                        int expected, Object... consumerConfig) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, consumerConfig)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return poll(consumer, expected, Duration.ofSeconds(30));
        }
    }

    public static List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer, int expected,
                                                     Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        assertThat(out).as("records read from %s", consumer.assignment()).hasSize(expected);
        // Nothing beyond the expected records.
        assertThat(consumer.poll(Duration.ofMillis(300))).as("records beyond the expected %d", expected).isEmpty();
        return out;
    }

    public static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    public static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void putAll(Map<String, Object> c, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put((String) keyValues[i], keyValues[i + 1]);
        }
    }
}
