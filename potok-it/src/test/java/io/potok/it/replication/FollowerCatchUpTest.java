package io.potok.it.replication;

import io.potok.it.Await;
import static io.potok.it.replication.ReplicationSupport.WAIT;
import static io.potok.it.replication.ReplicationSupport.isrOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.chaos.ChaosCluster;
import io.potok.it.chaos.ReplicaLogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A follower that was down (SIGKILL, fenced, out of every ISR) while records were written catches up
 * after its restart, rejoins the ISR of every partition, and then holds a byte-identical copy of
 * each partition's log.
 */
class FollowerCatchUpTest {
    private static final String TOPIC = "catch-up";
    private static final int PARTITIONS = 3;
    private static final int RECORDS_WHILE_DOWN = 3_000;

    @Test
    void aRestartedFollowerCatchesUpAndRejoinsTheIsr() throws Exception {
        try (ChaosCluster cluster = ChaosCluster.builder("catch-up").start(); Admin admin = cluster.admin()) {
            ReplicationSupport.createTopic(admin, new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")));
            Await.until("a fully replicated " + TOPIC, WAIT, () -> ChaosCluster.fullyReplicated(
                    ChaosCluster.describe(admin, TOPIC), PARTITIONS));
            int victim = 3;
            try (KafkaProducer<String, String> producer = ReplicationSupport.producer(cluster, "all",
                    "retries", Integer.MAX_VALUE, "enable.idempotence", true, "max.in.flight.requests.per.connection", 5)) {
                send(producer, 0, 300);

                cluster.kill(victim);
                Await.until("node " + victim + " out of every ISR", WAIT, () -> {
                    for (int p = 0; p < PARTITIONS; p++) {
                        if (isrOf(admin, TOPIC, p).contains(victim)) {
                            return false;
                        }
                    }
                    return true;
                });
                send(producer, 300, RECORDS_WHILE_DOWN);

                cluster.startNode(victim);
                Await.until("node " + victim + " back in every ISR", WAIT, () -> cluster.fullyReplicatedEverywhere(TOPIC,
                        PARTITIONS));
                send(producer, 300 + RECORDS_WHILE_DOWN, 300);
            }
            int total = 600 + RECORDS_WHILE_DOWN;
            int read = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                read += ReplicationSupport.readFromBeginning(cluster.bootstrap(), new TopicPartition(TOPIC, p),
                        total / PARTITIONS, WAIT).size();
            }
            assertThat(read).as("records read back").isEqualTo(total);

            cluster.stopAll();
            Map<Integer, Path> dirs = new TreeMap<>();
            cluster.ids().forEach(id -> dirs.put(id, cluster.logDir(id)));
            ReplicaLogs.Comparison comparison = ReplicaLogs.compare(dirs, TOPIC, PARTITIONS);
            assertThat(comparison.problems()).as("replica logs").isEmpty();
            assertThat(comparison.identicalToEnd()).as("replica logs identical to their ends").isTrue();
            assertThat(comparison.highWatermarkSum()).as("committed records over all partitions").isEqualTo(total);
        }
    }

    private static void send(KafkaProducer<String, String> producer, int from, int count) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            sent.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, "v" + i)));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS);
        }
    }
}
