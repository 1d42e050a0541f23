package io.potok.it.replication;

import io.potok.it.Await;
import static io.potok.it.replication.ReplicationSupport.WAIT;
import static io.potok.it.replication.ReplicationSupport.isrOf;
import static io.potok.it.replication.ReplicationSupport.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.it.chaos.ChaosCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;

/**
 * {@code min.insync.replicas}: with 2 of 3 brokers stopped, the ISR of the survivor's partition is
 * the survivor alone, so acks=all is refused with NOT_ENOUGH_REPLICAS while acks=1 still answers
 * after the leader's append; once the brokers are back and in the ISR, acks=all works again.
 */
class MinInsyncReplicasTest {
    private static final String TOPIC = "min-isr";

    @Test
    void acksAllNeedsMinInsyncReplicasAcksOneDoesNot() throws Exception {
        try (ChaosCluster cluster = ChaosCluster.builder("min-isr").start(); Admin admin = cluster.admin()) {
            ReplicationSupport.createTopic(admin, new NewTopic(TOPIC, 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")));
            Await.until("a fully replicated " + TOPIC, WAIT, () -> isrOf(admin, TOPIC, 0).size() == 3);
            int leader = leaderOf(admin, TOPIC, 0);
            List<Integer> others = cluster.ids().stream().filter(id -> id != leader).toList();

            try (KafkaProducer<String, String> all = ReplicationSupport.producer(cluster, "all");
                 KafkaProducer<String, String> one = ReplicationSupport.producer(cluster, "1")) {
                all.send(new ProducerRecord<>(TOPIC, 0, "k", "with 3 in sync")).get(30, TimeUnit.SECONDS);

                // One broker gone: 2 in sync, still enough.
                cluster.stop(others.get(0));
                Await.until("ISR of 2", WAIT, () -> isrOf(admin, TOPIC, 0).size() == 2);
                all.send(new ProducerRecord<>(TOPIC, 0, "k", "with 2 in sync")).get(30, TimeUnit.SECONDS);

                // Two gone: the leader alone is in sync (its controlled shutdown still reached the quorum).
                cluster.stop(others.get(1));
                assertThat(leaderOf(admin, TOPIC, 0)).as("leader after stopping two followers").isEqualTo(leader);
                assertThat(isrOf(admin, TOPIC, 0)).as("ISR with one broker left").containsExactly(leader);
                assertThatThrownBy(() -> all.send(new ProducerRecord<>(TOPIC, 0, "k", "refused"))
                        .get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(NotEnoughReplicasException.class);
                RecordMetadata acked = one.send(new ProducerRecord<>(TOPIC, 0, "k", "acks=1 alone"))
                        .get(10, TimeUnit.SECONDS);
                assertThat(acked.offset()).as("offset of the acks=1 record").isEqualTo(2);

                // Back to three: acks=all works again once both are in the ISR.
                cluster.startNode(others.get(0));
                cluster.startNode(others.get(1));
                Await.until("ISR of 3 again", WAIT, () -> isrOf(admin, TOPIC, 0).size() == 3);
                RecordMetadata after = all.send(new ProducerRecord<>(TOPIC, 0, "k", "with 3 in sync again"))
                        .get(30, TimeUnit.SECONDS);
                assertThat(after.offset()).isEqualTo(3);
            }
            assertThat(ReplicationSupport.values(ReplicationSupport.readFromBeginning(cluster.bootstrap(),
                    new TopicPartition(TOPIC, 0), 4, WAIT)))
                    .containsExactly("with 3 in sync", "with 2 in sync", "acks=1 alone", "with 3 in sync again");
        }
    }
}
