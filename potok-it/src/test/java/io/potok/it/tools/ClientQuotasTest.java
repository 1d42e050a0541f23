package io.potok.it.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.Await;
import io.potok.it.Clients;
import io.potok.it.PotokNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.tools.ConfigCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client quotas (KIP-13, KIP-55) on one real Potok process: set and described with Kafka's {@code kafka-configs}
 * tool and the admin client, and enforced on the real Java producer and consumer, which report the throttle time
 * the broker sends them.
 */
class ClientQuotasTest {
    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("ClientQuotasTest").build();

    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = Clients.admin(NODE.bootstrap());
    }

    @AfterAll
    static void disconnect() {
        if (admin != null) {
            admin.close();
        }
    }

    private static KafkaTool.Result configs(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = NODE.bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        return KafkaTool.run(ConfigCommand::main, all);
    }

    @Test
    void kafkaConfigsSetsDescribesAndDeletesClientQuotas() throws Exception {
        KafkaTool.Result set = configs("--alter", "--entity-type", "clients", "--entity-name", "cli-app",
                "--add-config", "producer_byte_rate=1048576,consumer_byte_rate=2097152");
        assertThat(set.exitCode()).as("%s", set).isZero();
        KafkaTool.Result defaults = configs("--alter", "--entity-type", "users", "--entity-default",
                "--add-config", "request_percentage=50");
        assertThat(defaults.exitCode()).as("%s", defaults).isZero();

        KafkaTool.Result described = configs("--describe", "--entity-type", "clients", "--entity-name", "cli-app");
        assertThat(described.exitCode()).as("%s", described).isZero();
        assertThat(described.out()).contains("cli-app").contains("producer_byte_rate=1048576.0")
                .contains("consumer_byte_rate=2097152.0");
        Map<ClientQuotaEntity, Map<String, Double>> all = admin.describeClientQuotas(ClientQuotaFilter.all())
                .entities().get(20, TimeUnit.SECONDS);
        assertThat(all).containsEntry(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "cli-app")),
                Map.of("producer_byte_rate", 1048576.0, "consumer_byte_rate", 2097152.0));
        java.util.HashMap<String, String> defaultUser = new java.util.HashMap<>();
        defaultUser.put(ClientQuotaEntity.USER, null);
        assertThat(all).containsEntry(new ClientQuotaEntity(defaultUser), Map.of("request_percentage", 50.0));
        // Only the default user: a filter on the default.
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.containsOnly(List.of(
                ClientQuotaFilterComponent.ofDefaultEntity(ClientQuotaEntity.USER)))).entities()
                .get(20, TimeUnit.SECONDS)).containsOnlyKeys(new ClientQuotaEntity(defaultUser));

        KafkaTool.Result bad = configs("--alter", "--entity-type", "clients", "--entity-name", "cli-app",
                "--add-config", "producer_byte_rate=10.5");
        assertThat(bad.exitCode()).as("%s", bad).isNotZero();
        assertThat(bad.out() + bad.err()).contains("producer_byte_rate");

        KafkaTool.Result deleted = configs("--alter", "--entity-type", "clients", "--entity-name", "cli-app",
                "--delete-config", "producer_byte_rate,consumer_byte_rate");
        assertThat(deleted.exitCode()).as("%s", deleted).isZero();
        assertThat(configs("--alter", "--entity-type", "users", "--entity-default", "--delete-config",
                "request_percentage").exitCode()).isZero();
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(20, TimeUnit.SECONDS))
                .doesNotContainKey(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "cli-app")));
    }

    @Test
    void aProducerAndAConsumerOverTheirByteRateAreThrottledAndOthersAreNot() throws Exception {
        String topic = "quota-topic";
        Clients.createTopic(NODE.bootstrap(), topic, 1);
        // 10 KiB/s: the 11-second window lets about 100 KiB through before a client is over its rate.
        admin.alterClientQuotas(List.of(
                new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "slow-producer")),
                        List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 10240.0))),
                new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "slow-consumer")),
                        List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", 10240.0)))))
                .all().get(20, TimeUnit.SECONDS);

        byte[] value = new byte[1024];
        try (KafkaProducer<byte[], byte[]> free = Clients.producer(NODE.bootstrap(), "client.id", "free-producer")) {
            for (int i = 0; i < 300; i++) {
                free.send(new ProducerRecord<>(topic, value));
            }
            free.flush();
            assertThat(metric(free.metrics(), "produce-throttle-time-max")).as("unthrottled producer").isZero();
        }
        KafkaProducer<byte[], byte[]> slow = Clients.producer(NODE.bootstrap(), "client.id", "slow-producer",
                "linger.ms", 0, "batch.size", 4096);
        try {
            for (int i = 0; i < 300; i++) {
                slow.send(new ProducerRecord<>(topic, value));
            }
            Await.until("the broker tells the producer over 10 KiB/s to wait", Duration.ofSeconds(30),
                    () -> metric(slow.metrics(), "produce-throttle-time-max") > 0);
        } finally {
            slow.close(Duration.ZERO);
        }

        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(NODE.bootstrap(), "client.id",
                "slow-consumer")) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Await.until("the broker tells the consumer over 10 KiB/s to wait", Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(200));
                return metric(consumer.metrics(), "fetch-throttle-time-max") > 0;
            });
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(NODE.bootstrap(), "client.id",
                "free-consumer")) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            int got = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got < 300 && System.nanoTime() < deadline) {
                got += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(got).isGreaterThanOrEqualTo(300);
            assertThat(metric(consumer.metrics(), "fetch-throttle-time-max")).as("unthrottled consumer").isZero();
        }
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().tags().isEmpty()
                    || e.getKey().name().equals(name) && e.getKey().tags().containsKey("client-id")
                    && e.getKey().tags().size() == 1) {
                Object v = e.getValue().metricValue();
                return v instanceof Double d && !d.isNaN() ? d : 0.0;
            }
        }
        throw new AssertionError("No metric " + name + " in " + metrics.keySet());
    }
}
