package io.potok.it.cluster;

import io.potok.it.Await;
import io.potok.it.Clients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;
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
 * Partition reassignment (KIP-455) on a three-node cluster of real processes: Admin's
 * AlterPartitionReassignments and ListPartitionReassignments, the data following the move, the old
 * replicas dropping their logs, cancel, and Kafka's own {@code kafka-reassign-partitions} tool.
 *
 * <p>One cluster serves the class; each test starts with every node running and uses its own topic.
 * Deleted partition directories are removed one second after their rename ({@code log.segment.delete.delay.ms}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReassignPartitionsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int RECORDS_PER_PARTITION = 300;

    private PotokCluster cluster;
    /** Where each node's log file ended when the current test began. */
    private final Map<Integer, Long> logStart = new HashMap<>();

    @BeforeAll
    void startCluster() {
        cluster = PotokCluster.builder("reassign")
                .set("broker.heartbeat.interval.ms", "500")
                .set("broker.session.timeout.ms", "6000")
                // The tests check where replicas and leaders are: no leader moves of their own.
                .set("auto.leader.rebalance.enable", "false")
                .set("log.segment.delete.delay.ms", "1000")
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
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            Await.until("three live brokers", WAIT, () -> liveBrokers(admin).equals(Set.of(1, 2, 3)));
        }
        for (int id : cluster.ids()) {
            try {
                logStart.put(id, Files.size(cluster.node(id).logFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void adminMovesReplicasTheDataFollowsAndRemovedReplicasDropTheirLogs() throws Exception {
        String topic = "moving";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            createOnBroker1(admin, topic, 2);
            produce(topic, 2);
            assertThat(partitionDir(1, p0)).isDirectory();
            assertThat(partitionDir(1, p1)).isDirectory();

            Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new LinkedHashMap<>();
            moves.put(p0, Optional.of(new NewPartitionReassignment(List.of(2, 3))));
            moves.put(p1, Optional.of(new NewPartitionReassignment(List.of(3, 1))));
            admin.alterPartitionReassignments(moves).all().get(30, TimeUnit.SECONDS);

            // While a move is in progress it is listed with consistent lists (it may already be done).
            Map<TopicPartition, PartitionReassignment> listed =
                    admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS);
            assertThat(listed.keySet()).as("%s", listed).isSubsetOf(p0, p1);
            Map<TopicPartition, List<Integer>> targets = Map.of(p0, List.of(2, 3), p1, List.of(3, 1));
            listed.forEach((tp, r) -> {
                List<Integer> target = targets.get(tp);
                assertThat(r.replicas()).as("%s %s", tp, r).startsWith(target.toArray(Integer[]::new))
                        .containsAll(r.removingReplicas());
                assertThat(r.addingReplicas()).as("%s %s", tp, r).isSubsetOf(target);
                assertThat(r.removingReplicas()).as("%s %s", tp, r).doesNotContainAnyElementsOf(target);
            });

            awaitAssignment(admin, topic, 0, List.of(2, 3));
            awaitAssignment(admin, topic, 1, List.of(3, 1));
            Await.until("no reassignment listed", WAIT, () -> listReassignments(admin).isEmpty());
            TopicDescription described = describe(admin, topic);
            assertThat(leader(described, 0)).isIn(2, 3);
            assertThat(leader(described, 1)).isIn(1, 3);

            // Every record is still there, read from the new replicas.
            assertThat(readAll(List.of(p0, p1))).containsExactlyInAnyOrderElementsOf(expectedValues(topic, 2));

            // Broker 1 left partition 0: its directory is renamed for deletion, then removed.
            Await.until("broker 1 dropped " + p0, WAIT, () -> !Files.exists(partitionDir(1, p0)));
            Await.until("broker 1's " + p0 + " -delete directory removed", WAIT, () -> deleteDirs(1, p0).isEmpty());
            // The new replicas hold the data; broker 2 was never a replica of partition 1.
            assertThat(partitionDir(2, p0)).isDirectory();
            assertThat(partitionDir(3, p0)).isDirectory();
            assertThat(partitionDir(1, p1)).isDirectory();
            assertThat(partitionDir(3, p1)).isDirectory();
            assertThat(partitionDir(2, p1)).doesNotExist();
            assertThat(segmentBytes(partitionDir(2, p0))).isPositive();
            assertThat(segmentBytes(partitionDir(3, p1))).isPositive();

            // Nothing in progress: a cancel is refused.
            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(p0, Optional.empty())).all()
                    .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NoReassignmentInProgressException.class);

            // And the moved partitions keep working.
            produce(topic, 2);
            assertThat(readAll(List.of(p0, p1))).hasSize(4 * RECORDS_PER_PARTITION);
        }
        // Partition 0's new leader was added to the ISR by the very decision that completed the move
        // and elected it: a clean election, which must not be reported as an unclean one.
        assertNoUncleanElectionLogged();
    }

    @Test
    @Order(2)
    void aMoveThatCannotCompleteIsListedUntilItIsCancelled() throws Exception {
        String topic = "stuck";
        TopicPartition p0 = new TopicPartition(topic, 0);
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            createOnBroker1(admin, topic, 1);
            produce(topic, 1);
        }
        // Broker 3 stops (it stays registered, fenced): a move onto it cannot complete.
        cluster.stop(3);
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            Await.until("broker 3 fenced", WAIT, () -> !liveBrokers(admin).contains(3));
            admin.alterPartitionReassignments(Map.of(p0, Optional.of(new NewPartitionReassignment(List.of(2, 3)))))
                    .all().get(30, TimeUnit.SECONDS);

            Map<TopicPartition, PartitionReassignment> listed = listReassignments(admin);
            assertThat(listed).containsOnlyKeys(p0);
            assertThat(listed.get(p0).replicas()).containsExactly(2, 3, 1);
            assertThat(listed.get(p0).addingReplicas()).containsExactly(2, 3);
            assertThat(listed.get(p0).removingReplicas()).containsExactly(1);
            // Asking for the partition, or for the topic, lists it too; other partitions are not listed.
            assertThat(admin.listPartitionReassignments(Set.of(p0, new TopicPartition(topic, 7))).reassignments()
                    .get(30, TimeUnit.SECONDS)).containsOnlyKeys(p0);

            // Broker 2 follows and catches up (joins the ISR) while the move waits for broker 3.
            Await.until("broker 2 hosts " + p0, WAIT, () -> Files.isDirectory(partitionDir(2, p0)));
            Await.until("broker 2 in the ISR of " + p0, WAIT, () -> isr(describe(admin, topic), 0).contains(2));
            TopicPartitionInfo during = describe(admin, topic).partitions().get(0);
            assertThat(ids(during.replicas())).containsExactly(2, 3, 1);
            assertThat(during.leader().id()).isEqualTo(1);
            assertThat(listReassignments(admin)).containsOnlyKeys(p0);

            admin.alterPartitionReassignments(Map.of(p0, Optional.empty())).all().get(30, TimeUnit.SECONDS);
            awaitAssignment(admin, topic, 0, List.of(1));
            assertThat(listReassignments(admin)).isEmpty();
            assertThat(leader(describe(admin, topic), 0)).isEqualTo(1);
            // The replica that was being added drops its log again.
            Await.until("broker 2 dropped " + p0, WAIT, () -> !Files.exists(partitionDir(2, p0)));
            assertThat(readAll(List.of(p0))).containsExactlyInAnyOrderElementsOf(expectedValues(topic, 1));

            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(p0, Optional.empty())).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(NoReassignmentInProgressException.class);
        }
    }

    @Test
    @Order(3)
    void kafkaReassignPartitionsToolExecutesAndVerifies() throws Exception {
        String topic = "tool";
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            Map<Integer, List<Integer>> assignment = Map.of(0, List.of(1), 1, List.of(2));
            admin.createTopics(List.of(new NewTopic(topic, assignment))).all().get(30, TimeUnit.SECONDS);
            Await.until("topic " + topic + " has leaders", WAIT, () -> describe(admin, topic).partitions().stream()
                    .allMatch(p -> p.leader() != null));
            produce(topic, 2);
        }
        Path json = Files.createTempFile("reassign-", ".json");
        try {
            Files.writeString(json, "{\"version\":1,\"partitions\":["
                    + "{\"topic\":\"tool\",\"partition\":0,\"replicas\":[2,3]},"
                    + "{\"topic\":\"tool\",\"partition\":1,\"replicas\":[3,1]}]}");
            ToolRun execute = reassignTool("--bootstrap-server", cluster.bootstrap(), "--reassignment-json-file",
                    json.toString(), "--execute");
            System.out.println("kafka-reassign-partitions --execute: " + execute);
            assertThat(execute.exitCode()).as("%s", execute).isZero();
            assertThat(execute.out()).as("%s", execute)
                    .contains("Current partition replica assignment")
                    .contains("Successfully started partition reassignments for tool-0,tool-1");

            try (Admin admin = cluster.admin(cluster.bootstrap())) {
                awaitAssignment(admin, topic, 0, List.of(2, 3));
                awaitAssignment(admin, topic, 1, List.of(3, 1));
            }
            // --verify asks any broker; a broker's metadata may trail the controller's for a moment.
            ToolRun verify = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                verify = reassignTool("--bootstrap-server", cluster.bootstrap(), "--reassignment-json-file",
                        json.toString(), "--verify");
                if (verify.out().contains("Reassignment of partition tool-0 is completed.")
                        && verify.out().contains("Reassignment of partition tool-1 is completed.")) {
                    break;
                }
                Thread.sleep(1_000);
            }
            System.out.println("kafka-reassign-partitions --verify: " + verify);
            assertThat(verify.exitCode()).as("%s", verify).isZero();
            assertThat(verify.out()).as("%s", verify)
                    .contains("Status of partition reassignment:")
                    .contains("Reassignment of partition tool-0 is completed.")
                    .contains("Reassignment of partition tool-1 is completed.");
        } finally {
            Files.deleteIfExists(json);
        }
        assertThat(readAll(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1))))
                .containsExactlyInAnyOrderElementsOf(expectedValues(topic, 2));
        assertNoUncleanElectionLogged();
    }

    @Test
    @Order(4)
    void producersKeepGoingThroughAMoveThatMovesTheLeader() throws Exception {
        String topic = "busy";
        TopicPartition p0 = new TopicPartition(topic, 0);
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            createOnBroker1(admin, topic, 1);
        }
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "reassign-it-busy-producer");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        List<String> acked = new ArrayList<>();
        long slowestMs = 0;
        String slowest = "";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c, new StringSerializer(),
                new StringSerializer()); Admin admin = cluster.admin(cluster.bootstrap())) {
            int i = 0;
            boolean started = false;
            long doneAt = Long.MAX_VALUE;
            long deadline = System.nanoTime() + WAIT.toNanos();
            // One record at a time, each waited for, until the move is done and a few more went through.
            while ((doneAt == Long.MAX_VALUE || System.currentTimeMillis() < doneAt + 2_000)
                    && System.nanoTime() < deadline) {
                String value = "busy-" + i++;
                long start = System.currentTimeMillis();
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get(120, TimeUnit.SECONDS);
                long took = System.currentTimeMillis() - start;
                acked.add(value);
                if (took > slowestMs) {
                    slowestMs = took;
                    slowest = value;
                }
                if (i == 50) {
                    admin.alterPartitionReassignments(Map.of(p0, Optional.of(new NewPartitionReassignment(
                            List.of(2, 3))))).all().get(30, TimeUnit.SECONDS);
                    started = true;
                }
                if (started && doneAt == Long.MAX_VALUE && i % 10 == 0) {
                    TopicPartitionInfo p = describe(admin, topic).partitions().get(0);
                    if (ids(p.replicas()).equals(List.of(2, 3))) {
                        doneAt = System.currentTimeMillis();
                    }
                }
            }
            awaitAssignment(admin, topic, 0, List.of(2, 3));
        }
        System.out.println("busy: " + acked.size() + " records, slowest send " + slowestMs + " ms (" + slowest + ")");
        // Every acknowledged record once, in order: the idempotent producer's retries on the new leader
        // are recognised as duplicates (the followers kept the producer state).
        assertThat(readAll(List.of(p0))).containsExactlyElementsOf(acked);
        // An append waiting for the old leader's ISR when that leader leaves the assignment is answered
        // at once (NOT_LEADER_OR_FOLLOWER: the producer retries on the new leader), not after the
        // request timeout.
        assertThat(slowestMs).as("slowest acks=all send (%s)", slowest).isLessThan(15_000);
    }

    @Test
    @Order(5)
    void badTargetsAndReplicationFactorChangesAreRefusedPerPartition() throws Exception {
        String topic = "refusals";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            createOnBroker1(admin, topic, 2);
            // KIP-860: with allowReplicationFactorChange=false a move must keep the replica count.
            Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new LinkedHashMap<>();
            moves.put(p0, Optional.of(new NewPartitionReassignment(List.of(2, 3))));
            moves.put(p1, Optional.of(new NewPartitionReassignment(List.of(3))));
            var result = admin.alterPartitionReassignments(moves,
                    new org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions()
                            .allowReplicationFactorChange(false)).values();
            assertThatThrownBy(() -> result.get(p0).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidReplicationFactorException.class);
            result.get(p1).get(30, TimeUnit.SECONDS);
            awaitAssignment(admin, topic, 1, List.of(3));

            // A broker that does not exist, a duplicate, an unknown partition.
            var bad = admin.alterPartitionReassignments(Map.of(
                    p0, Optional.of(new NewPartitionReassignment(List.of(2, 9))),
                    p1, Optional.of(new NewPartitionReassignment(List.of(2, 2))),
                    new TopicPartition(topic, 5), Optional.of(new NewPartitionReassignment(List.of(2))))).values();
            assertThatThrownBy(() -> bad.get(p0).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidReplicaAssignmentException.class);
            assertThatThrownBy(() -> bad.get(p1).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidReplicaAssignmentException.class);
            assertThatThrownBy(() -> bad.get(new TopicPartition(topic, 5)).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class);
            TopicDescription after = describe(admin, topic);
            assertThat(ids(after.partitions().get(0).replicas())).containsExactly(1);
            assertThat(ids(after.partitions().get(1).replicas())).containsExactly(3);
            assertThat(listReassignments(admin)).isEmpty();
        }
        Await.until("broker 1 dropped " + p1, WAIT, () -> !Files.exists(partitionDir(1, p1)));
    }

    @Test
    @Order(6)
    void aThrottledReassignmentCopiesAtTheThrottledRateUntilTheThrottleIsLifted() throws Exception {
        String topic = "throttled";
        TopicPartition tp = new TopicPartition(topic, 0);
        int recordBytes = 10 * 1024;
        int records = 400; // 4 MiB
        try (Admin admin = cluster.admin(cluster.bootstrap())) {
            createOnBroker1(admin, topic, 1);
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, null, new byte[recordBytes])));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(90, TimeUnit.SECONDS);
            }
        }
        long total = segmentBytes(partitionDir(1, tp));
        Path json = Files.createTempFile("reassign-", ".json");
        try {
            Files.writeString(json, "{\"version\":1,\"partitions\":[{\"topic\":\"throttled\",\"partition\":0,"
                    + "\"replicas\":[1,2]}]}");
            // 100 kB/s: the first fetch of up to 1 MiB uses the quota's 10-second allowance, then the copy waits.
            ToolRun execute = reassignTool("--bootstrap-server", cluster.bootstrap(), "--reassignment-json-file",
                    json.toString(), "--execute", "--throttle", "100000");
            assertThat(execute.exitCode()).as("%s", execute).isZero();
            assertThat(execute.out()).as("%s", execute).contains("The inter-broker throttle limit was set to 100000 B/s");
            Thread.sleep(5_000);
            long copied = Files.exists(partitionDir(2, tp)) ? segmentBytes(partitionDir(2, tp)) : 0;
            assertThat(copied).as("bytes copied to broker 2 after 5 s at 100 kB/s, of %d", total)
                    .isLessThan(total / 2);
            try (Admin admin = cluster.admin(cluster.bootstrap())) {
                assertThat(listReassignments(admin)).as("the move is still going on").containsKey(tp);

                // Lifting the throttle (as an operator would with kafka-configs) lets the copy finish.
                Map<org.apache.kafka.common.config.ConfigResource, java.util.Collection<
                        org.apache.kafka.clients.admin.AlterConfigOp>> lift = new HashMap<>();
                for (int broker : List.of(1, 2)) {
                    lift.put(new org.apache.kafka.common.config.ConfigResource(
                            org.apache.kafka.common.config.ConfigResource.Type.BROKER, Integer.toString(broker)), List.of(
                            deleteOp("leader.replication.throttled.rate"),
                            deleteOp("follower.replication.throttled.rate")));
                }
                admin.incrementalAlterConfigs(lift).all().get(30, TimeUnit.SECONDS);
                awaitAssignment(admin, topic, 0, List.of(1, 2));
            }
            assertThat(segmentBytes(partitionDir(2, tp))).isEqualTo(total);
            ToolRun verify = reassignTool("--bootstrap-server", cluster.bootstrap(), "--reassignment-json-file",
                    json.toString(), "--verify");
            assertThat(verify.out()).as("%s", verify).contains("Reassignment of partition throttled-0 is completed.");
        } finally {
            Files.deleteIfExists(json);
        }
    }

    private static org.apache.kafka.clients.admin.AlterConfigOp deleteOp(String key) {
        return new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(key, ""),
                org.apache.kafka.clients.admin.AlterConfigOp.OpType.DELETE);
    }

    // ------------------------------------------------------------------ helpers

    private void createOnBroker1(Admin admin, String topic, int partitions) throws Exception {
        Map<Integer, List<Integer>> assignment = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            assignment.put(p, List.of(1));
        }
        admin.createTopics(List.of(new NewTopic(topic, assignment))).all().get(30, TimeUnit.SECONDS);
        Await.until("topic " + topic + " led by broker 1", WAIT, () -> describe(admin, topic).partitions().stream()
                .allMatch(p -> p.leader() != null && p.leader().id() == 1));
    }

    private void produce(String topic, int partitions) throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "reassign-it-producer");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 90_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c, new StringSerializer(),
                new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, p, "k" + i, value(topic, p, i))));
                }
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(90, TimeUnit.SECONDS);
            }
        }
        produced.merge(topic, 1, Integer::sum);
    }

    /** How many rounds of {@link #produce} each topic had. */
    private final Map<String, Integer> produced = new HashMap<>();

    private static String value(String topic, int partition, int i) {
        return topic + "-" + partition + "-" + i;
    }

    private List<String> expectedValues(String topic, int partitions) {
        List<String> values = new ArrayList<>();
        for (int round = 0; round < produced.getOrDefault(topic, 0); round++) {
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    values.add(value(topic, p, i));
                }
            }
        }
        return values;
    }

    /** Every record of the partitions, read from the beginning with assign() (no group). */
    private List<String> readAll(List<TopicPartition> tps) throws Exception {
        int expected = 0;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "reassign-it-consumer");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
            for (long end : ends.values()) {
                expected += (int) end;
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static TopicDescription describe(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("DescribeTopics " + topic + " failed", e);
        }
    }

    private static Map<TopicPartition, PartitionReassignment> listReassignments(Admin admin) {
        try {
            return admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("ListPartitionReassignments failed", e);
        }
    }

    private static Set<Integer> liveBrokers(Admin admin) {
        try {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id)
                    .collect(Collectors.toSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("DescribeCluster failed", e);
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static Set<Integer> isr(TopicDescription d, int partition) {
        return new TreeSet<>(ids(d.partitions().get(partition).isr()));
    }

    private static int leader(TopicDescription d, int partition) {
        Node leader = d.partitions().get(partition).leader();
        return leader == null ? -1 : leader.id();
    }

    /** Waits until the partition has exactly {@code replicas} (in order) and all of them in its ISR. */
    private static void awaitAssignment(Admin admin, String topic, int partition, List<Integer> replicas) {
        String[] last = {""};
        try {
            Await.until(topic + "-" + partition + " on " + replicas + " with all of them in sync", WAIT, () -> {
                TopicPartitionInfo p = describe(admin, topic).partitions().get(partition);
                last[0] = p.toString();
                return ids(p.replicas()).equals(replicas) && isr(describe(admin, topic), partition)
                        .equals(new TreeSet<>(replicas)) && p.leader() != null && replicas.contains(p.leader().id());
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen " + last[0], e);
        }
    }

    private Path partitionDir(int node, TopicPartition tp) {
        return cluster.node(node).dataDir().resolve("data").resolve(tp.topic() + "-" + tp.partition());
    }

    /** {@code <topic>-<partition>.<uuid>-delete} directories of the partition on the node. */
    private List<Path> deleteDirs(int node, TopicPartition tp) {
        Path data = cluster.node(node).dataDir().resolve("data");
        String prefix = tp.topic() + "-" + tp.partition() + ".";
        try (Stream<Path> entries = Files.list(data)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith("-delete")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long segmentBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** No node logged an unclean leader election since this test began. */
    private void assertNoUncleanElectionLogged() throws IOException {
        for (int id : cluster.ids()) {
            Path log = cluster.node(id).logFile();
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(bytes.length, logStart.getOrDefault(id, 0L));
            List<String> unclean = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).lines()
                    .filter(line -> line.contains("unclean leader election")).toList();
            assertThat(unclean).as("node %d (%s)", id, log).isEmpty();
        }
    }

    // ------------------------------------------------------------------ kafka-reassign-partitions

    /** What {@code kafka-reassign-partitions} printed and its exit code. */
    private record ToolRun(int exitCode, String out) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- output ---\n" + out;
        }
    }

    /**
     * Runs {@code org.apache.kafka.tools.reassign.ReassignPartitionsCommand} (kafka-tools, test scope)
     * in a JVM of its own on this test's class path, so its {@code Exit.exit} and its output stay out
     * of the test JVM. The process is killed by PID if it outlives its time limit.
     */
    private static ToolRun reassignTool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.apache.kafka.tools.reassign.ReassignPartitionsCommand");
        command.addAll(List.of(args));
        Path output = Files.createTempFile("reassign-tool-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("kafka-reassign-partitions " + String.join(" ", args)
                        + " did not finish within 120 s:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new ToolRun(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(output);
        }
    }
}
