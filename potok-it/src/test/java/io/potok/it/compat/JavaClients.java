package io.potok.it.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java client (kafka-clients 4.4, which Potok is known to serve) as the reference side of a
 * compatibility test: it sets up topics and data for the other client, or reads back what the other
 * client produced.
 */
final class JavaClients {

    private JavaClients() {
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "potok-compat-java-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Creates the topic and waits until every partition answers ListOffsets (leaders in place). */
    static void createTopic(String bootstrap, String topic, int partitions) {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            partitions(topic, partitions).forEach(tp -> specs.put(tp, OffsetSpec.latest()));
            admin.listOffsets(specs).all().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("creating topic " + topic + " with the Java admin failed", e);
        }
    }

    static List<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toList());
    }

    /** Sends each record (key, value, partition) with acks=all and waits for all of them. */
    static void produce(String bootstrap, List<ProducerRecord<String, String>> records) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "potok-compat-java-producer");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c, new StringSerializer(),
                new StringSerializer())) {
            var futures = records.stream().map(producer::send).collect(Collectors.toList());
            for (var f : futures) {
                f.get(20, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("producing with the Java client failed", e);
        }
    }

    /** A consumed record in a form that compares well: partition, offset, key, value, headers k=v joined by ','. */
    record Read(int partition, long offset, String key, String value, String headers) {
    }

    /** Reads exactly {@code expected} records from the beginning of the partitions (assign + seek, no group). */
    static List<Read> readAll(String bootstrap, List<TopicPartition> partitions, int expected) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "potok-compat-java-consumer");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        List<Read> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new Read(r.partition(), r.offset(), r.key(), r.value(), headers(r.headers())));
                }
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                out.add(new Read(r.partition(), r.offset(), r.key(), r.value(), headers(r.headers())));
            }
        }
        return out;
    }

    private static String headers(Iterable<Header> headers) {
        List<String> kv = new ArrayList<>();
        for (Header h : headers) {
            kv.add(h.key() + "=" + (h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return String.join(",", kv);
    }
}
