package io.potok.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.it.PotokNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A node started with {@code metrics.port} serves Prometheus metrics at {@code /metrics}, and the
 * request, topic, partition and group metrics move when clients produce, consume and commit.
 */
class MetricsEndpointTest {
    private static final String TOPIC = "metered";
    private static final int RECORDS = 200;
    private static final int VALUE_BYTES = 100;

    @Test
    void metricsMoveAfterProducingAndConsuming() throws Exception {
        int metricsPort = freePort();
        try (PotokNode node = PotokNode.builder("MetricsEndpointTest").set("metrics.port", Integer.toString(metricsPort))
                .set("group.initial.rebalance.delay.ms", "0").set("offsets.topic.num.partitions", "3").start()) {
            String url = "http://127.0.0.1:" + metricsPort + "/metrics";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrap(),
                    "request.timeout.ms", 10_000, "default.api.timeout.ms", 20_000))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            Scrape before = Scrape.of(url);

            // JVM and process metrics from Micrometer's binders, and the node-level gauges.
            assertThat(before.value("jvm_memory_used_bytes", "area", "heap")).as(before.text()).isPresent();
            assertThat(before.all("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
            assertThat(before.valueOrZero("jvm_threads_live_threads")).isPositive();
            assertThat(before.value("process_cpu_usage")).isPresent();
            assertThat(before.value("potok_active_controller")).contains(1.0);
            assertThat(before.value("potok_under_replicated_partitions")).contains(0.0);
            assertThat(before.value("potok_offline_partitions")).contains(0.0);
            assertThat(before.value("potok_isr_shrinks_total")).contains(0.0);
            assertThat(before.value("potok_isr_expands_total")).isPresent();
            assertThat(before.value("potok_partition_log_size_bytes", "topic", TOPIC, "partition", "0")).contains(0.0);
            assertThat(before.value("potok_partition_log_segments", "topic", TOPIC, "partition", "0")).contains(1.0);
            assertThat(before.valueOrZero("potok_request_latency_seconds_count", "api", "CreateTopics")).isEqualTo(1.0);

            produce(node.bootstrap());
            Scrape afterProduce = Scrape.of(url);
            double produceRequests = afterProduce.valueOrZero("potok_request_latency_seconds_count", "api", "Produce")
                    - before.valueOrZero("potok_request_latency_seconds_count", "api", "Produce");
            assertThat(produceRequests).as(afterProduce.text()).isPositive();
            assertThat(afterProduce.value("potok_request_latency_seconds_bucket", "api", "Produce", "le", "+Inf"))
                    .as("latency histogram").isPresent();
            assertThat(afterProduce.valueOrZero("potok_topic_messages_in_total", "topic", TOPIC)).isEqualTo(RECORDS);
            double bytesIn = afterProduce.valueOrZero("potok_topic_bytes_in_total", "topic", TOPIC);
            assertThat(bytesIn).as(afterProduce.text()).isGreaterThan(RECORDS * VALUE_BYTES);
            double logSize = afterProduce.valueOrZero("potok_partition_log_size_bytes", "topic", TOPIC, "partition", "0");
            assertThat(logSize).isGreaterThan(RECORDS * VALUE_BYTES);
            assertThat(afterProduce.value("potok_partition_log_end_offset", "topic", TOPIC, "partition", "0"))
                    .contains((double) RECORDS);

            consumeAndCommit(node.bootstrap(), RECORDS / 2);
            Scrape afterConsume = Scrape.of(url);
            assertThat(afterConsume.valueOrZero("potok_topic_bytes_out_total", "topic", TOPIC))
                    .as(afterConsume.text()).isGreaterThan(RECORDS / 2.0 * VALUE_BYTES);
            assertThat(afterConsume.valueOrZero("potok_request_latency_seconds_count", "api", "Fetch")).isPositive();
            assertThat(afterConsume.valueOrZero("potok_request_latency_seconds_count", "api", "OffsetCommit"))
                    .isPositive();
            assertThat(afterConsume.value("potok_group_lag", "group", "metered-group", "topic", TOPIC, "partition", "0"))
                    .as(afterConsume.text()).contains(RECORDS / 2.0);

            HttpResponse<String> notFound = Scrape.get("http://127.0.0.1:" + metricsPort + "/other");
            assertThat(notFound.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aTakenMetricsPortRefusesTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            PotokNode node = PotokNode.builder("MetricsPortTaken")
                    .set("metrics.port", Integer.toString(taken.getLocalPort())).build();
            try {
                assertThatThrownBy(node::start).hasMessageContaining("metrics.port")
                        .hasMessageContaining(Integer.toString(taken.getLocalPort()));
            } finally {
                node.close();
            }
        }
    }

    private static void produce(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("request.timeout.ms", "10000");
        props.put("delivery.timeout.ms", "30000");
        props.put("max.block.ms", "15000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            byte[] value = "v".repeat(VALUE_BYTES).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        value)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /** Reads {@code count} records by assignment and commits that position for group metered-group. */
    private static void consumeAndCommit(String bootstrap, int count) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "metered-group");
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("request.timeout.ms", "10000");
        props.put("default.api.timeout.ms", "20000");
        props.put("max.poll.records", Integer.toString(count));
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0);
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                }
            }
            assertThat(read).isGreaterThanOrEqualTo(count);
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(count)));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
