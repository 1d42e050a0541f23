package io.potok.it.group;

import io.potok.it.PotokNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Node and client settings for the consumer-group tests: groups rebalance at once (no initial
 * delay) and sessions are short, so that a member that goes away is noticed in seconds.
 * ({@code io.potok.it.Clients} is package-private to {@code io.potok.it}; these are the few group
 * specific bits on top of the same settings.)
 */
final class GroupClients {
    static final int SESSION_TIMEOUT_MS = 6000;
    static final int REQUEST_TIMEOUT_MS = 10_000;
    static final int API_TIMEOUT_MS = 20_000;

    private GroupClients() {
    }

    /** A node whose group coordinator reacts fast; {@code name} names its log file. */
    static PotokNode.Builder node(String name) {
        return PotokNode.builder(name)
                .set("group.initial.rebalance.delay.ms", "0")
                .set("offsets.topic.num.partitions", "10")
                .set("group.min.session.timeout.ms", "1000")
                .set("group.consumer.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS))
                .set("group.consumer.min.session.timeout.ms", "1000")
                .set("group.consumer.heartbeat.interval.ms", "500")
                .set("group.consumer.min.heartbeat.interval.ms", "100");
    }

    /** Consumer settings for a group member of the given protocol ("classic" or "consumer"). */
    static Map<String, Object> consumerConfig(String bootstrap, String groupId, String protocol, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        if (protocol.equals("classic")) {
            c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
            c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        }
        return c;
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "potok-it-group-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS));
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(API_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes {@code perPartition} records to every partition, waiting for each acknowledgement. */
    static void produce(String bootstrap, String topic, int partitions, int perPartition) throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    producer.send(new ProducerRecord<>(topic, p, null, ("r" + i).getBytes()));
                }
            }
            producer.flush();
        }
    }
}
