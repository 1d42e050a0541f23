package io.potok.it.replication;

import io.potok.it.Await;
import static io.potok.it.replication.ReplicationSupport.WAIT;
import static io.potok.it.replication.ReplicationSupport.isrOf;
import static io.potok.it.replication.ReplicationSupport.leaderOf;
import static io.potok.it.replication.ReplicationSupport.logContains;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.chaos.ChaosCluster;
import io.potok.it.chaos.NetworkFaults;
import io.potok.it.chaos.ReplicaLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Leader election when the whole ISR is gone. A partition on brokers 1 and 2 (broker 3 only keeps
 * the controller quorum alive): broker 2 is killed and leaves the ISR, broker 1 alone acknowledges
 * records, then broker 1 is cut off the network and broker 2 comes back, out of sync.
 * <ul>
 *   <li>With {@code unclean.leader.election.enable=true} broker 2 is elected, the active controller logs a
 *       WARN that data may be lost, the records only broker 1 had are gone, and when
 *       broker 1 returns it truncates them (the replicas' logs end up identical).</li>
 *   <li>Without it (clean elections only) the partition stays offline until broker 1, the last in-sync
 *       replica, is back; it leads again and no acknowledged record is lost.</li>
 * </ul>
 */
class LeaderElectionTest {

    @Test
    void uncleanElectionElectsAnOutOfSyncReplicaAndWarnsThatDataMayBeLost() throws Exception {
        String topic = "unclean";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (ChaosCluster cluster = ChaosCluster.builder("unclean").set("auto.leader.rebalance.enable", "false").start();
             Admin admin = cluster.admin()) {
            List<String> acked = loseTheIsr(cluster, admin, topic, true);

            Await.until("broker 2 elected although out of sync", WAIT, () -> leaderOf(admin, topic, 0) == 2);
            // The active controller that elected it says so in its log (which node that is depends on timing).
            Await.until("the controller's WARN", Duration.ofSeconds(10), () -> cluster.ids().stream().anyMatch(id ->
                    logContains(cluster.logFile(id), "[WARN] ControllerLogic - Unclean leader election for "
                            + topic + "-0: no in-sync replica of [1] is alive, electing out-of-sync replica 2")
                            && logContains(cluster.logFile(id), "data may be lost")));

            List<String> after = new ArrayList<>();
            // Clients bootstrap from brokers 2 and 3: broker 1 is still cut off and would only make them wait.
            String reachable = cluster.bootstrap(2) + "," + cluster.bootstrap(3);
            // A short request timeout: a metadata request that lands on broker 1 fails over to another broker soon.
            try (KafkaProducer<String, String> producer = ReplicationSupport.producer(reachable, "all",
                    "request.timeout.ms", 5_000)) {
                for (int i = 0; i < 3; i++) {
                    after.add("after-" + i);
                    producer.send(new ProducerRecord<>(topic, 0, "k", "after-" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            // What only broker 1 had is lost: that is what unclean election means.
            assertThat(ReplicationSupport.values(ReplicationSupport.readFromBeginning(reachable, tp,
                    acked.size() + after.size(), Duration.ofSeconds(5)))).containsExactlyElementsOf(after);

            // The former leader comes back, truncates its diverging records and rejoins.
            cluster.heal(1);
            Await.until("broker 1 back in the ISR", WAIT, () -> isrOf(admin, topic, 0).equals(List.of(1, 2)));
            cluster.stopAll();
            ReplicaLogs.Comparison logs = ReplicaLogs.compare(Map.of(1, cluster.logDir(1), 2, cluster.logDir(2)),
                    topic, 1);
            assertThat(logs.problems()).isEmpty();
            assertThat(logs.identicalToEnd()).as("broker 1 truncated what broker 2 never had").isTrue();
            assertThat(logs.highWatermarkSum()).isEqualTo(after.size());
        }
    }

    @Test
    void cleanElectionWaitsForTheLastInSyncReplicaAndLosesNothing() throws Exception {
        String topic = "clean";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (ChaosCluster cluster = ChaosCluster.builder("clean").set("auto.leader.rebalance.enable", "false").start();
             Admin admin = cluster.admin()) {
            List<String> acked = loseTheIsr(cluster, admin, topic, false);

            // Broker 2 is alive and registered, but not in sync: no leader, rather than a lossy one.
            Await.until("broker 1 fenced", WAIT, () -> leaderOf(admin, topic, 0) == -1);
            ReplicationSupport.sleep(3_000);
            assertThat(leaderOf(admin, topic, 0)).as("leader while only an out-of-sync replica lives").isEqualTo(-1);
            assertThat(isrOf(admin, topic, 0)).as("ISR keeps its last member").containsExactly(1);

            cluster.heal(1);
            Await.until("broker 1 leading again", WAIT, () -> leaderOf(admin, topic, 0) == 1);
            Await.until("broker 2 back in the ISR", WAIT, () -> isrOf(admin, topic, 0).equals(List.of(1, 2)));
            assertThat(ReplicationSupport.values(ReplicationSupport.readFromBeginning(cluster.bootstrap(), tp,
                    acked.size(), WAIT))).containsExactlyElementsOf(acked);
            assertThat(cluster.ids().stream().noneMatch(id ->
                    logContains(cluster.logFile(id), "Unclean leader election for " + topic))).isTrue();
            cluster.stopAll();
            Map<Integer, Path> dirs = new TreeMap<>(Map.of(1, cluster.logDir(1), 2, cluster.logDir(2)));
            ReplicaLogs.Comparison logs = ReplicaLogs.compare(dirs, topic, 1);
            assertThat(logs.problems()).isEmpty();
            assertThat(logs.highWatermarkSum()).isEqualTo(acked.size());
        }
    }

    /**
     * Topic on brokers [1, 2] (broker 1 preferred); kills broker 2 until it leaves the ISR, has broker 1
     * alone acknowledge 10 records, then cuts broker 1 off and restarts broker 2 (with an empty log).
     * Returns the records acknowledged.
     */
    private static List<String> loseTheIsr(ChaosCluster cluster, Admin admin, String topic, boolean unclean)
            throws Exception {
        ReplicationSupport.createTopic(admin, new NewTopic(topic, Map.of(0, List.of(1, 2)))
                .configs(Map.of("min.insync.replicas", "1", "unclean.leader.election.enable", Boolean.toString(unclean))));
        Await.until("a fully replicated " + topic, WAIT, () -> isrOf(admin, topic, 0).equals(List.of(1, 2))
                && leaderOf(admin, topic, 0) == 1);
        List<String> acked = new ArrayList<>();
        try (KafkaProducer<String, String> producer = ReplicationSupport.producer(cluster, "all")) {
            // Broker 2 goes before any record: an unclean election makes a leader of an empty log, whose
            // epoch history starts after everything broker 1 has.
            cluster.kill(2);
            Await.until("broker 2 out of the ISR", WAIT, () -> isrOf(admin, topic, 0).equals(List.of(1)));
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "only-on-1-" + i)).get(30, TimeUnit.SECONDS);
                acked.add("only-on-1-" + i);
            }
        }
        cluster.isolate(1, NetworkFaults.Mode.BLACKHOLE);
        cluster.startNode(2); // 2 and 3 form the quorum; broker 1 is fenced once its session times out
        return acked;
    }
}
