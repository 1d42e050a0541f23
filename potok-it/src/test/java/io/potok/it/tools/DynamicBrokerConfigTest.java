package io.potok.it.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.potok.it.Await;
import io.potok.it.Clients;
import io.potok.it.PotokNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A dynamic broker config is not only reported: the running node applies it (to its logs, to its threads). */
@Timeout(120)
class DynamicBrokerConfigTest {
    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("DynamicBrokerConfigTest").build();

    @Test
    void dynamicMessageMaxBytesLimitsBatchesOfExistingTopics() throws Exception {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, NODE.bootstrap());
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, NODE.bootstrap());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.RETRIES_CONFIG, 0);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (Admin admin = Admin.create(adminProps);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic("dyn", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            byte[] value = new byte[4_000];
            producer.send(new ProducerRecord<>("dyn", value)).get(30, TimeUnit.SECONDS);

            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            admin.incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(
                    new ConfigEntry("message.max.bytes", "2000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);

            Throwable refused = catchThrowable(() -> producer.send(new ProducerRecord<>("dyn", value))
                    .get(30, TimeUnit.SECONDS));
            assertThat(refused).hasCauseInstanceOf(RecordTooLargeException.class);

            admin.incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(
                    new ConfigEntry("message.max.bytes", ""), AlterConfigOp.OpType.DELETE))))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(producer.send(new ProducerRecord<>("dyn", value)).get(30, TimeUnit.SECONDS).offset())
                    .isEqualTo(1);
        }
    }

    @Test
    void dynamicNumIoThreadsResizesTheRequestThreads() throws Exception {
        try (Admin admin = Clients.admin(NODE.bootstrap())) {
            // Kafka's rule: a thread count may at most halve or double in one step.
            assertThatThrownBy(() -> setClusterDefault(admin, "num.io.threads", "3"))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidRequestException.class)
                    .hasMessageContaining("Dynamic thread count update validation failed for num.io.threads=3, "
                            + "value should be at least half the current value 8");
            setClusterDefault(admin, "num.io.threads", "4");
            awaitLogLine("num.io.threads changed from 8 to 4");
            // Still serving on four threads.
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);

            setClusterDefault(admin, "num.io.threads", null);
            awaitLogLine("num.io.threads changed from 4 to 8");
        }
    }

    @Test
    void dynamicNumReplicaFetchersChangesTheFetcherLayout() throws Exception {
        try (Admin admin = Clients.admin(NODE.bootstrap())) {
            setClusterDefault(admin, "num.replica.fetchers", "2");
            awaitLogLine("num.replica.fetchers changed from 1 to 2");
            setClusterDefault(admin, "num.replica.fetchers", null);
            awaitLogLine("num.replica.fetchers changed from 2 to 1");
        }
    }

    /** Sets (or with {@code null} deletes) the cluster-wide default of a dynamic broker config. */
    private static void setClusterDefault(Admin admin, String key, String value) throws Exception {
        ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
        AlterConfigOp op = value == null
                ? new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE)
                : new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(clusterDefault, List.of(op))).all().get(30, TimeUnit.SECONDS);
    }

    private static void awaitLogLine(String line) {
        Await.until("the node logs '" + line + "'", Duration.ofSeconds(10), () -> NODE.recentOutput().contains(line));
    }
}
