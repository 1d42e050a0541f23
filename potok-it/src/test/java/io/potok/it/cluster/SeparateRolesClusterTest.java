package io.potok.it.cluster;

import io.potok.it.Await;
import io.potok.it.Clients;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * KRaft's separate roles with real processes: node 1 is a controller only (the one voter of the
 * quorum, no Kafka listener), nodes 2 and 3 are brokers only (no voters: they follow the metadata
 * log by fetching it from the active controller and forward their commands to it).
 *
 * <p>One cluster for the class, three JVMs; the tests run in order and the last one kills a broker.
 * Heartbeats every 500 ms, fencing after 4 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeparateRolesClusterTest {
    private static final String TOPIC = "split";
    private static final int PARTITIONS = 2;

    private PotokCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = PotokCluster.builder("separate-roles")
                .roles(1, "controller")
                .roles(2, "broker")
                .roles(3, "broker")
                .set("broker.heartbeat.interval.ms", "500")
                .set("broker.session.timeout.ms", "4000")
                .start();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void onlyTheBrokersAreListedAndClientsAreToldABrokerAsController() throws Exception {
        assertThat(cluster.brokerIds()).containsExactly(2, 3);
        Await.until("both brokers list brokers 2 and 3 only", Duration.ofMillis(30_000), () -> cluster.brokerIds().stream()
                .allMatch(id -> brokerIds(cluster.metadata(id)).equals(Set.of(2, 3))));
        String clusterId = cluster.metadata(2).clusterId();
        for (int id : cluster.brokerIds()) {
            MetadataResponseData m = cluster.metadata(id);
            assertThat(m.clusterId()).isEqualTo(clusterId);
            // The active controller (node 1) is no broker, so clients are told a live broker, which
            // forwards controller requests (as KRaft brokers do).
            assertThat(m.controllerId()).as("controller id on node %d", id).isIn(2, 3);
            m.brokers().forEach(b -> assertThat(b.port()).isEqualTo(cluster.clientPort(b.nodeId())));
        }
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            DescribeClusterResult described = admin.describeCluster();
            assertThat(described.clusterId().get(20, TimeUnit.SECONDS)).isEqualTo(clusterId);
            assertThat(described.nodes().get(20, TimeUnit.SECONDS)).extracting(Node::id)
                    .containsExactlyInAnyOrder(2, 3);
            assertThat(described.controller().get(20, TimeUnit.SECONDS).id()).isIn(2, 3);
        }
    }

    @Test
    @Order(2)
    void aReplicatedTopicCreatedThroughABrokerTakesAcksAllAndIsConsumed() throws Exception {
        // Admin talks to broker 2 alone: CreateTopics is forwarded to the active controller on node 1.
        try (Admin admin = cluster.admin(cluster.bootstrap(2))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        for (int id : cluster.brokerIds()) {
            Await.until("node " + id + " has both replicas in sync", Duration.ofMillis(30_000), () -> {
                MetadataResponseTopic t = topicOrNull(cluster.metadata(id), TOPIC);
                return t != null && t.partitions().size() == PARTITIONS && t.partitions().stream().allMatch(p ->
                        Set.copyOf(p.replicaNodes()).equals(Set.of(2, 3)) && p.isrNodes().size() == 2);
            });
        }
        produce(0, 10);
        assertThat(consume(PARTITIONS * 10)).hasSize(PARTITIONS * 10);
    }

    @Test
    @Order(3)
    void theMetadataQuorumHasTheControllerAsVoterAndTheBrokersAsObservers() throws Exception {
        // Asked of a broker, which forwards it to the active controller (as a Kafka broker does).
        try (Admin admin = cluster.admin(cluster.bootstrap(3))) {
            Await.until("both brokers are observers with every entry of the leader", Duration.ofMillis(30_000), () -> {
                QuorumInfo q;
                try {
                    q = admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("DescribeQuorum failed", e);
                }
                return q.observers().size() == 2 && q.observers().stream()
                        .allMatch(o -> o.logEndOffset() == q.voters().get(0).logEndOffset());
            });
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS);
            assertThat(quorum.leaderId()).isEqualTo(1);
            assertThat(quorum.leaderEpoch()).isPositive();
            assertThat(quorum.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactly(1);
            assertThat(quorum.highWatermark()).isPositive()
                    .isLessThanOrEqualTo(quorum.voters().get(0).logEndOffset());
            assertThat(quorum.observers()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactly(2, 3);
            assertThat(quorum.observers()).allSatisfy(o -> {
                assertThat(o.lastFetchTimestamp()).isPresent();
                assertThat(o.lastCaughtUpTimestamp()).isPresent();
            });
            // The voter's endpoint, under the controller listener's name.
            assertThat(quorum.nodes().get(1).endpoints()).singleElement()
                    .satisfies(e -> assertThat(e.listener()).isEqualTo("CONTROLLER"));
        }
    }

    @Test
    @Order(4)
    void aKilledBrokerIsFencedAndItsLeadershipMoves() throws Exception {
        cluster.kill(3);
        Await.until("broker 3 is fenced: only broker 2 is listed and leads every partition", Duration.ofMillis(30_000), () -> {
            MetadataResponseData m = cluster.metadata(2);
            MetadataResponseTopic t = topicOrNull(m, TOPIC);
            return brokerIds(m).equals(Set.of(2)) && t != null && t.partitions().stream()
                    .allMatch(p -> p.leaderId() == 2 && p.isrNodes().equals(List.of(2)));
        });
        assertThat(cluster.metadata(2).controllerId()).isEqualTo(2);
        produce(10, 10);
        assertThat(consume(PARTITIONS * 20)).hasSize(PARTITIONS * 20);
    }

    // ------------------------------------------------------------------ helpers

    /** Records {@code first..first+count-1} to every partition, acks=all, each one acknowledged. */
    private void produce(int first, int count) throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 200);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c, new StringSerializer(),
                new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = first; i < first + count; i++) {
                    sent.add(producer.send(new ProducerRecord<>(TOPIC, p, "k" + i, "p" + p + "-" + i)));
                }
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Every record of the topic, read from the beginning with assign() (no group); fails unless exactly {@code n}. */
    private List<ConsumerRecord<byte[], byte[]>> consume(int n) {
        return Clients.readAll(cluster.bootstrap(), Clients.partitions(TOPIC, PARTITIONS), n,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    }

    private static Set<Integer> brokerIds(MetadataResponseData m) {
        return m.brokers().stream().map(b -> b.nodeId()).collect(Collectors.toSet());
    }

    private static MetadataResponseTopic topicOrNull(MetadataResponseData m, String name) {
        return m.topics().stream().filter(t -> name.equals(t.name())).findFirst().orElse(null);
    }
}
