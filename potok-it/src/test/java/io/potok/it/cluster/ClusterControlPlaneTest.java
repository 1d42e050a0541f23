package io.potok.it.cluster;

import io.potok.it.Await;
import io.potok.it.Clients;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The control plane of a three-node cluster of real processes: one active controller, placement,
 * failover of the controller, fencing of dead brokers and leader moves, controlled shutdown and
 * leader rebalance, seen through the Kafka clients and each node's own Metadata answers.
 *
 * <p>One cluster serves the whole class (starting three JVMs costs more than any test); each test
 * begins with every node running and leaves them so. Timings are short: heartbeats every 500 ms,
 * fencing after 4 s, a leader-imbalance check every second.
 *
 * <p>Replication between brokers is being built; these tests assert only what does not depend on
 * it: acks=1 produce to a partition's leader, and consumption of single-replica topics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterControlPlaneTest {
    private static final long SESSION_TIMEOUT_MS = 4_000;

    private PotokCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = PotokCluster.builder("control-plane")
                .set("broker.heartbeat.interval.ms", "500")
                .set("broker.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS))
                .set("auto.leader.rebalance.enable", "true")
                .set("leader.imbalance.check.interval.seconds", "1")
                .start();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void everyNodeRuns() {
        cluster.startStopped();
        Await.until("every node lists three live brokers", Duration.ofMillis(20_000), () -> cluster.ids().stream()
                .allMatch(id -> brokerIds(cluster.metadata(id)).equals(Set.of(1, 2, 3))));
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void threeNodesFormOneClusterWithOneController() throws Exception {
        Map<Integer, MetadataResponseData> answers = new TreeMap<>();
        for (int id : cluster.ids()) {
            answers.put(id, cluster.metadata(id));
        }
        // Every node describes the same cluster: id, brokers with their own client ports, controller.
        String clusterId = answers.get(1).clusterId();
        assertThat(clusterId).isNotBlank();
        int controller = answers.get(1).controllerId();
        assertThat(controller).isIn(1, 2, 3);
        for (Map.Entry<Integer, MetadataResponseData> e : answers.entrySet()) {
            MetadataResponseData m = e.getValue();
            assertThat(m.clusterId()).as("cluster id on node %d", e.getKey()).isEqualTo(clusterId);
            assertThat(m.controllerId()).as("controller on node %d", e.getKey()).isEqualTo(controller);
            assertThat(m.brokers()).hasSize(3);
            m.brokers().forEach(b -> assertThat(b.port()).as("broker %d", b.nodeId())
                    .isEqualTo(cluster.clientPort(b.nodeId())));
        }
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            DescribeClusterResult described = admin.describeCluster();
            assertThat(described.clusterId().get(20, TimeUnit.SECONDS)).isEqualTo(clusterId);
            assertThat(described.nodes().get(20, TimeUnit.SECONDS)).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 2, 3);
            assertThat(described.controller().get(20, TimeUnit.SECONDS).id()).isEqualTo(controller);
        }
    }

    @Test
    @Order(2)
    void topicWithReplicationFactorThreeIsSpreadAndEveryNodeKnowsIt() throws Exception {
        try (Admin admin = cluster.admin(cluster.bootstrap(1))) {
            admin.createTopics(List.of(new NewTopic("orders", 6, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        for (int id : cluster.ids()) {
            MetadataResponseTopic topic = awaitTopic(id, "orders");
            assertThat(topic.partitions()).hasSize(6);
            assertThat(leaderCounts(topic)).as("leaders on node %d's answer", id).isEqualTo(Map.of(1, 2, 2, 2, 3, 2));
            for (MetadataResponsePartition p : topic.partitions()) {
                assertThat(p.replicaNodes()).as("%s", p).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(p.isrNodes()).as("%s", p).containsExactlyInAnyOrderElementsOf(p.replicaNodes());
                assertThat(p.leaderId()).as("%s", p).isEqualTo(p.replicaNodes().get(0));
            }
        }
    }

    @Test
    @Order(3)
    void producersReachTheLeaderOfEveryPartition() throws Exception {
        createTopic("orders", 6, 3);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int p = 0; p < 6; p++) {
                RecordMetadata sent = producer.send(new ProducerRecord<>("orders", p, "k", "v" + p))
                        .get(30, TimeUnit.SECONDS);
                assertThat(sent.partition()).isEqualTo(p);
                assertThat(sent.offset()).isGreaterThanOrEqualTo(0);
            }
        }
        // Single-replica partitions led by each of the three nodes: produced and read back.
        createTopic("solo", 3, 1);
        assertThat(leaderCounts(awaitTopic(1, "solo")).keySet()).containsExactlyInAnyOrder(1, 2, 3);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int p = 0; p < 3; p++) {
                producer.send(new ProducerRecord<>("solo", p, "k" + p, "hello-" + p)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<Integer, String> read = consumeFirst("solo", 3);
        assertThat(read).isEqualTo(Map.of(0, "hello-0", 1, "hello-1", 2, "hello-2"));
    }

    @Test
    @Order(4)
    void killingTheActiveControllerElectsAnotherAndAdminKeepsWorking() throws Exception {
        createTopic("orders", 6, 3);
        int controller = describedController(cluster.bootstrap());
        long killedAt = System.currentTimeMillis();
        cluster.kill(controller);

        int[] next = {-1};
        Await.until("a surviving node is the active controller", Duration.ofMillis(10_000), () -> {
            next[0] = describedController(cluster.bootstrap());
            return next[0] != -1 && next[0] != controller;
        });
        long failoverMs = System.currentTimeMillis() - killedAt;
        assertThat(failoverMs).as("time to a new controller").isLessThan(10_000);
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("after-failover", 3, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        for (int id : cluster.runningIds()) {
            assertThat(awaitTopic(id, "after-failover").partitions()).hasSize(3);
        }

        // The dead node is fenced after the session timeout: no longer listed, leads nothing.
        Await.until("node " + controller + " is fenced", Duration.ofMillis(SESSION_TIMEOUT_MS + 10_000), () -> cluster.runningIds()
                .stream().noneMatch(id -> brokerIds(cluster.metadata(id)).contains(controller)));
        assertLeadsNothingAndLeftTheIsrs(cluster.runningIds().get(0), "orders", controller);

        // Back on its old directory: it registers, is listed again and has every topic.
        cluster.restart(controller);
        Await.until("node " + controller + " is listed again", Duration.ofMillis(10_000),
                () -> brokerIds(cluster.metadata(next[0])).contains(controller));
        MetadataResponseData own = cluster.metadata(controller);
        assertThat(topicNames(own)).contains("orders", "after-failover");
    }

    @Test
    @Order(5)
    void killingABrokerMovesItsLeadershipAndProducersCarryOn() throws Exception {
        createTopic("orders", 6, 3);
        int controller = describedController(cluster.bootstrap());
        int victim = cluster.ids().stream().filter(id -> id != controller)
                .max((a, b) -> Integer.compare(led(a, "orders").size(), led(b, "orders").size())).orElseThrow();
        MetadataResponseTopic before = awaitTopic(controller, "orders");
        cluster.kill(victim);

        Await.until("node " + victim + " is fenced", Duration.ofMillis(SESSION_TIMEOUT_MS + 10_000),
                () -> !brokerIds(cluster.metadata(controller)).contains(victim));
        MetadataResponseTopic after = assertLeadsNothingAndLeftTheIsrs(controller, "orders", victim);
        for (MetadataResponsePartition p : after.partitions()) {
            MetadataResponsePartition old = before.partitions().get(p.partitionIndex());
            if (old.leaderId() == victim) {
                assertThat(p.leaderEpoch()).as("%s", p).isGreaterThan(old.leaderEpoch());
            }
        }
        // Producers find the new leaders.
        try (KafkaProducer<String, String> producer = producer()) {
            for (int p = 0; p < 6; p++) {
                producer.send(new ProducerRecord<>("orders", p, "k", "after-kill")).get(30, TimeUnit.SECONDS);
            }
        }

        cluster.restart(victim);
        Await.until("node " + victim + " is listed again", Duration.ofMillis(10_000),
                () -> brokerIds(cluster.metadata(controller)).contains(victim));
    }

    @Test
    @Order(6)
    void sigtermMovesLeadershipAwayBeforeTheProcessExits() throws Exception {
        createTopic("orders", 6, 3);
        createTopic("solo", 3, 1);
        int leaving = cluster.ids().stream()
                .max((a, b) -> Integer.compare(led(a, "orders").size(), led(b, "orders").size())).orElseThrow();
        assertThat(led(leaving, "orders")).as("node %d leads something to move", leaving).isNotEmpty();
        int observer = cluster.ids().stream().filter(id -> id != leaving).findFirst().orElseThrow();

        long signalledAt = System.currentTimeMillis();
        assertThat(cluster.stop(leaving)).as("clean exit on SIGTERM").isTrue();
        MetadataResponseData m = cluster.metadata(observer);
        long elapsed = System.currentTimeMillis() - signalledAt;
        // Well inside the session timeout, so only the controlled shutdown can have done this.
        assertThat(elapsed).as("checked before a session timeout could fence it").isLessThan(SESSION_TIMEOUT_MS);
        assertThat(brokerIds(m)).doesNotContain(leaving);
        for (MetadataResponsePartition p : topic(m, "orders").partitions()) {
            assertThat(p.leaderId()).as("%s", p).isNotEqualTo(leaving).isNotEqualTo(-1);
            assertThat(p.isrNodes()).as("%s", p).doesNotContain(leaving);
        }
        // A single-replica partition of the leaving node has no one to move to: it is offline.
        for (MetadataResponsePartition p : topic(m, "solo").partitions()) {
            if (p.replicaNodes().equals(List.of(leaving))) {
                assertThat(p.leaderId()).isEqualTo(-1);
            }
        }
        assertThat(java.nio.file.Files.readString(cluster.node(leaving).logFile()))
                .contains("Controlled shutdown of broker " + leaving + " done");

        // Coming back, it leads its single-replica partitions again (it is their last ISR member).
        cluster.restart(leaving);
        Await.until("node " + leaving + " leads its single-replica partitions again", Duration.ofMillis(10_000), () ->
                topic(cluster.metadata(observer), "solo").partitions().stream()
                        .filter(p -> p.replicaNodes().equals(List.of(leaving)))
                        .allMatch(p -> p.leaderId() == leaving));
    }

    /**
     * Auto rebalance moves leadership back to a partition's preferred (first) replica only when that
     * replica is live and in the ISR. A broker that was fenced left every ISR, and today nothing puts
     * it back (the ISR grows again only once followers replicate and the leader sends AlterPartition),
     * so after the kills and stops above those partitions keep their new leaders. Partitions whose
     * preferred replica is in the ISR must be led by it within a few check intervals.
     */
    @Test
    @Order(7)
    void autoRebalanceReturnsLeadershipWhereTheIsrAllows() {
        createTopic("orders", 6, 3);
        Map<String, String> state = new TreeMap<>();
        Await.until("every partition whose preferred replica is in the ISR is led by it", Duration.ofMillis(10_000), () -> {
            state.clear();
            MetadataResponseTopic topic = topic(cluster.metadata(1), "orders");
            boolean settled = true;
            for (MetadataResponsePartition p : topic.partitions()) {
                int preferred = p.replicaNodes().get(0);
                state.put("orders-" + p.partitionIndex(), "preferred " + preferred + ", leader " + p.leaderId()
                        + ", isr " + p.isrNodes());
                if (p.isrNodes().contains(preferred) && p.leaderId() != preferred) {
                    settled = false;
                }
            }
            return settled;
        });
        System.out.println("Leadership after auto rebalance: " + state);
        // Partitions whose preferred replica left the ISR stay with a live leader from the ISR.
        for (MetadataResponsePartition p : topic(cluster.metadata(1), "orders").partitions()) {
            assertThat(p.leaderId()).as("%s", p).isNotEqualTo(-1);
            assertThat(p.isrNodes()).as("%s", p).contains(p.leaderId());
        }
    }

    /** Kafka deletes "stray" replicas at start-up (KAFKA-14616): logs of a topic deleted while the broker was down. */
    @Test
    @Order(8)
    void aTopicDeletedWhileABrokerIsDownLeavesNoLogOnItsDisk() throws Exception {
        createTopic("doomed", 2, 3);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int p = 0; p < 2; p++) {
                producer.send(new ProducerRecord<>("doomed", p, "k", "v")).get(30, TimeUnit.SECONDS);
            }
        }
        int down = cluster.ids().get(2);
        int up = cluster.ids().get(0);
        Path logDir = cluster.node(down).dataDir().resolve("data");
        assertThat(logDir.resolve("doomed-0")).isDirectory();
        assertThat(cluster.stop(down)).isTrue();
        try (Admin admin = cluster.admin(cluster.bootstrap(up))) {
            admin.deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
        }
        Await.until("the topic is gone", Duration.ofMillis(10_000),
                () -> !topicNames(cluster.metadata(up)).contains("doomed"));
        assertThat(logDir.resolve("doomed-0")).as("nobody told the stopped broker").isDirectory();

        cluster.restart(down);
        Await.until("node " + down + " is listed again", Duration.ofMillis(10_000),
                () -> brokerIds(cluster.metadata(up)).contains(down));
        assertThat(logDir.resolve("doomed-0")).doesNotExist();
        assertThat(logDir.resolve("doomed-1")).doesNotExist();
        assertThat(Files.readString(cluster.node(down).logFile())).contains("deleting stray log");
    }

    // ------------------------------------------------------------------ helpers

    /** Creates the topic unless an earlier test did. */
    private void createTopic(String name, int partitions, int rf) {
        if (cluster.runningIds().stream().anyMatch(id -> topicNames(cluster.metadata(id)).contains(name))) {
            return;
        }
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) rf))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("create " + name, e);
        }
    }

    private int describedController(String bootstrap) {
        try (Admin admin = cluster.admin(bootstrap)) {
            Node node = admin.describeCluster().controller().get(10, TimeUnit.SECONDS);
            return node == null || node.isEmpty() ? -1 : node.id();
        } catch (Exception e) {
            return -1;
        }
    }

    private KafkaProducer<String, String> producer() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        c.put(ProducerConfig.ACKS_CONFIG, "1");
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 200);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
    }

    /** The first record of each partition, read with assign() and seek. */
    private Map<Integer, String> consumeFirst(String topic, int partitions) {
        Map<Integer, String> firsts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(cluster.bootstrap(),
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)) {
            List<TopicPartition> tps = Clients.partitions(topic, partitions);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            while (firsts.size() < partitions && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    firsts.putIfAbsent(r.partition(), Clients.str(r.value()));
                }
            }
        }
        return firsts;
    }

    private MetadataResponseTopic awaitTopic(int node, String name) {
        MetadataResponseTopic[] found = {null};
        Await.until("node " + node + " knows topic " + name, Duration.ofMillis(10_000), () -> {
            found[0] = topicOrNull(cluster.metadata(node), name);
            return found[0] != null && !found[0].partitions().isEmpty();
        });
        return found[0];
    }

    /** Asserts (as node {@code observer} sees it) that {@code broker} leads no partition and is in no ISR. */
    private MetadataResponseTopic assertLeadsNothingAndLeftTheIsrs(int observer, String topic, int broker) {
        MetadataResponseTopic t = topic(cluster.metadata(observer), topic);
        for (MetadataResponsePartition p : t.partitions()) {
            assertThat(p.leaderId()).as("%s", p).isNotEqualTo(broker).isNotEqualTo(-1);
            assertThat(p.isrNodes()).as("%s", p).doesNotContain(broker).contains(p.leaderId());
        }
        return t;
    }

    private List<Integer> led(int broker, String topic) {
        return topic(cluster.metadata(broker), topic).partitions().stream().filter(p -> p.leaderId() == broker)
                .map(MetadataResponsePartition::partitionIndex).toList();
    }

    private static Set<Integer> brokerIds(MetadataResponseData m) {
        return m.brokers().stream().map(b -> b.nodeId()).collect(Collectors.toSet());
    }

    private static List<String> topicNames(MetadataResponseData m) {
        return m.topics().stream().map(MetadataResponseTopic::name).toList();
    }

    private static MetadataResponseTopic topicOrNull(MetadataResponseData m, String name) {
        return m.topics().stream().filter(t -> name.equals(t.name())).findFirst().orElse(null);
    }

    private static MetadataResponseTopic topic(MetadataResponseData m, String name) {
        return Optional.ofNullable(topicOrNull(m, name))
                .orElseThrow(() -> new AssertionError("no topic " + name + " in " + topicNames(m)));
    }

    private static Map<Integer, Integer> leaderCounts(MetadataResponseTopic topic) {
        Map<Integer, Integer> counts = new TreeMap<>();
        topic.partitions().forEach(p -> counts.merge(p.leaderId(), 1, Integer::sum));
        return counts;
    }
}
