package io.potok.it.tools;

import io.potok.it.Await;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.cluster.PotokCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.tools.LeaderElectionCommand;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kafka-leader-election (Kafka 4.4.0's tool, in-process) against a 3-node Potok cluster: a
 * preferred election moves leadership back to the first replica once it is in sync again, and an
 * unclean election brings an offline partition back on a live replica that was not in sync.
 * Automatic leader rebalancing is off so that only the tool moves leadership.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderElectionClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private PotokCluster cluster;
    private Admin admin;

    @BeforeAll
    void startCluster() {
        cluster = PotokCluster.builder("LeaderElectionClusterTest")
                .set("auto.leader.rebalance.enable", "false")
                .set("broker.heartbeat.interval.ms", "500")
                .set("broker.session.timeout.ms", "3000")
                .set("replica.lag.time.max.ms", "5000")
                .start();
        admin = cluster.admin(cluster.bootstrap());
    }

    @AfterAll
    void stopCluster() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void preferredElectionMovesLeadershipBackToTheFirstReplica() throws Exception {
        KafkaTool.Result created = KafkaTool.run(TopicCommand::main, "--bootstrap-server", cluster.bootstrap(),
                "--create", "--topic", "le-pref", "--replica-assignment", "1:2:3,2:3:1");
        assertThat(created.lines()).as("%s", created).containsExactly("Created topic le-pref.");
        awaitIsr("le-pref", 0, 1, 2, 3);
        awaitIsr("le-pref", 1, 1, 2, 3);

        // Nothing to do while every partition is led by its preferred replica.
        KafkaTool.Result nothing = election("--election-type", "preferred", "--all-topic-partitions");
        assertThat(nothing.exitCode()).as("%s", nothing).isZero();
        assertThat(nothing.out()).isEmpty();

        // Broker 1 stops (controlled shutdown): partition 0 moves to broker 2. It comes back as a follower.
        cluster.stop(1);
        Await.until("le-pref-0 led by 2", WAIT, () -> leader("le-pref", 0) == 2);
        cluster.restart(1);
        awaitIsr("le-pref", 0, 1, 2, 3);
        assertThat(leader("le-pref", 0)).isEqualTo(2);
        assertThat(describeLine("le-pref", 0)).containsEntry("Leader", "2").containsEntry("Replicas", "1,2,3");

        KafkaTool.Result one = election("--election-type", "preferred", "--topic", "le-pref", "--partition", "1");
        assertThat(one.lines()).containsExactly("Valid replica already elected for partitions le-pref-1");

        KafkaTool.Result elected = election("--election-type", "preferred", "--all-topic-partitions");
        assertThat(elected.exitCode()).as("%s", elected).isZero();
        assertThat(elected.lines()).containsExactly("Successfully completed leader election (PREFERRED) for partitions le-pref-0");
        // The answer comes once the election is committed; the broker the next Metadata request reaches may apply it
        // a moment later (as in Kafka, brokers learn the metadata asynchronously).
        Await.until("le-pref-0 led by 1 again", WAIT, () -> leader("le-pref", 0) == 1);
        Await.until("kafka-topics --describe shows leader 1", WAIT,
                () -> "1".equals(describeLine("le-pref", 0).get("Leader")));
        assertThat(describeLine("le-pref", 0)).containsEntry("Replicas", "1,2,3");
    }

    @Test
    @Order(2)
    void uncleanElectionBringsAnOfflinePartitionBack() throws Exception {
        KafkaTool.Result created = KafkaTool.run(TopicCommand::main, "--bootstrap-server", cluster.bootstrap(),
                "--create", "--topic", "le-unclean", "--replica-assignment", "2:3");
        assertThat(created.lines()).as("%s", created).containsExactly("Created topic le-unclean.");
        awaitIsr("le-unclean", 0, 2, 3);

        // 3 stops: the ISR shrinks to [2]. Then 2 stops: the partition is offline with ISR [2].
        cluster.stop(3);
        awaitIsr("le-unclean", 0, 2);
        cluster.stop(2);
        // With 2 of 3 quorum voters down the metadata cannot change until 3 is back.
        cluster.restart(3);
        Await.until("le-unclean-0 offline", WAIT, () -> leader("le-unclean", 0) == -1);

        KafkaTool.Result preferred = election("--election-type", "preferred", "--topic", "le-unclean", "--partition", "0");
        assertThat(preferred.exitCode()).isEqualTo(1);
        assertThat(preferred.lines()).first().asString().startsWith("Error completing leader election (PREFERRED) for "
                + "partition: le-unclean-0: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException");

        KafkaTool.Result unclean = election("--election-type", "unclean", "--topic", "le-unclean", "--partition", "0");
        assertThat(unclean.exitCode()).as("%s", unclean).isZero();
        assertThat(unclean.lines()).containsExactly(
                "Successfully completed leader election (UNCLEAN) for partitions le-unclean-0");
        Await.until("le-unclean-0 led by 3", WAIT, () -> leader("le-unclean", 0) == 3);
        Await.until("kafka-topics --describe shows leader 3 with ISR 3", WAIT, () -> {
            Map<String, String> line = describeLine("le-unclean", 0);
            return "3".equals(line.get("Leader")) && "3".equals(line.get("Isr"));
        });
    }

    // ------------------------------------------------------------------ helpers

    private KafkaTool.Result election(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrap()));
        all.addAll(List.of(args));
        return KafkaTool.run(LeaderElectionCommand::main, all.toArray(String[]::new));
    }

    /** The fields of kafka-topics --describe's line for one partition: "Leader" -> "1", "Isr" -> "1,2,3", ... */
    private Map<String, String> describeLine(String topic, int partition) {
        KafkaTool.Result r = KafkaTool.run(TopicCommand::main, "--bootstrap-server", cluster.bootstrap(), "--describe",
                "--topic", topic);
        assertThat(r.exitCode()).as("%s", r).isZero();
        String prefix = "\tTopic: " + topic + "\tPartition: " + partition + "\t";
        String line = r.lines().stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(
                () -> new AssertionError("no line for partition " + partition + " in " + r));
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : line.substring(1).split("\t")) {
            int colon = field.indexOf(": ");
            fields.put(field.substring(0, colon), field.substring(colon + 2).trim());
        }
        return fields;
    }

    private TopicPartitionInfo partition(String topic, int partition) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            return d.partitions().get(partition);
        } catch (Exception e) {
            return null;
        }
    }

    private int leader(String topic, int partition) {
        TopicPartitionInfo p = partition(topic, partition);
        return p == null || p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id();
    }

    private void awaitIsr(String topic, int partition, Integer... isr) {
        Await.until(topic + "-" + partition + " ISR " + Arrays.toString(isr), WAIT, () -> {
            TopicPartitionInfo p = partition(topic, partition);
            return p != null && p.isr().stream().map(Node::id).sorted().toList().equals(List.of(isr));
        });
    }
}
