package io.potok.it.replication;

import io.potok.it.Await;
import static io.potok.it.replication.ReplicationSupport.WAIT;
import static io.potok.it.replication.ReplicationSupport.isrOf;
import static io.potok.it.replication.ReplicationSupport.latestOffset;
import static io.potok.it.replication.ReplicationSupport.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.chaos.ChaosCluster;
import io.potok.it.chaos.NetworkFaults;
import io.potok.it.chaos.RawKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;

/**
 * The high watermark with a follower cut off (it stays in the ISR: the session and lag timeouts are
 * long here): acks=1 is answered right after the leader's append, acks=all waits until the follower
 * has the records, and consumers see nothing at or above the high watermark until it moves.
 */
class HighWatermarkTest {
    private static final String TOPIC = "hw";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void acksOneIsAnsweredAtOnceAndConsumersOnlySeeRecordsBelowTheHighWatermark() throws Exception {
        try (ChaosCluster cluster = ChaosCluster.builder("hw")
                .set("broker.session.timeout.ms", "60000")
                .set("replica.lag.time.max.ms", "60000")
                .set("auto.leader.rebalance.enable", "false")
                // The follower's fetch lost in the cut is given up after this, not Kafka's 30 s, so that after the
                // heal it catches up well before the parked acks=all produce expires.
                .set("replica.socket.timeout.ms", "5000")
                .start();
             Admin admin = cluster.admin()) {
            ReplicationSupport.createTopic(admin, new NewTopic(TOPIC, 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "1")));
            Await.until("a fully replicated " + TOPIC, WAIT, () -> isrOf(admin, TOPIC, 0).size() == 3);
            int leader = leaderOf(admin, TOPIC, 0);
            int follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();

            // Clients bootstrap from the leader: the follower about to be cut off would only make them wait.
            try (KafkaProducer<String, String> all = ReplicationSupport.producer(cluster.bootstrap(leader), "all",
                         "request.timeout.ms", 60_000, "delivery.timeout.ms", 90_000);
                 KafkaProducer<String, String> one = ReplicationSupport.producer(cluster.bootstrap(leader), "1")) {
                for (int i = 0; i < 5; i++) {
                    all.send(new ProducerRecord<>(TOPIC, 0, "k", "committed-" + i)).get(30, TimeUnit.SECONDS);
                }
                assertThat(latestOffset(admin, TP)).as("high watermark with all in sync").isEqualTo(5);
                // Both producers know the topic before the cut (else they may ask the cut-off node for it).
                one.partitionsFor(TOPIC);
                all.partitionsFor(TOPIC);

                cluster.isolate(follower, NetworkFaults.Mode.BLACKHOLE);
                try {
                    long started = System.nanoTime();
                    RecordMetadata quick = one.send(new ProducerRecord<>(TOPIC, 0, "k", "acks=1"))
                            .get(10, TimeUnit.SECONDS);
                    long acksOneMs = (System.nanoTime() - started) / 1_000_000;
                    assertThat(quick.offset()).isEqualTo(5);
                    assertThat(acksOneMs).as("acks=1 latency with a follower cut off (ms)").isLessThan(3_000);

                    Future<RecordMetadata> waiting = all.send(new ProducerRecord<>(TOPIC, 0, "k", "acks=all"));
                    assertThat(waitFails(waiting, 3_000)).as("acks=all answered while a follower in the ISR lacks "
                            + "the record").isTrue();

                    // Still in the ISR, so the high watermark stays at 5 though the leader has 7 records. (The admin
                    // client may first ask the cut-off node and get no answer: an empty read is asked again.)
                    List<Integer> isrDuringCut = new java.util.ArrayList<>();
                    Await.until("a Metadata answer during the cut", WAIT, () -> {
                        isrDuringCut.clear();
                        isrDuringCut.addAll(isrOf(admin, TOPIC, 0));
                        return !isrDuringCut.isEmpty();
                    });
                    assertThat(isrDuringCut).as("ISR during the cut").hasSize(3);
                    assertThat(latestOffset(admin, TP)).as("ListOffsets latest = high watermark").isEqualTo(5);
                    // (bootstrap from the leader: the cut-off follower would only make the client wait)
                    List<ConsumerRecord<String, String>> seen = ReplicationSupport.readFromBeginning(
                            cluster.bootstrap(leader), TP, 7, Duration.ofSeconds(6));
                    assertThat(ReplicationSupport.values(seen)).as("what a consumer sees during the cut")
                            .containsExactly("committed-0", "committed-1", "committed-2", "committed-3", "committed-4");
                    FetchResponseData.PartitionData raw = rawFetch(cluster.directPort(leader), 5);
                    assertThat(raw.highWatermark()).isEqualTo(5);
                    assertThat(raw.records().sizeInBytes()).as("bytes a consumer gets at the high watermark").isZero();

                    cluster.heal(follower);
                    RecordMetadata acked = waiting.get(60, TimeUnit.SECONDS);
                    assertThat(acked.offset()).isEqualTo(6);
                } finally {
                    cluster.heal(follower);
                }
                Await.until("the high watermark to pass both records", WAIT, () -> latestOffset(admin, TP) == 7);
                assertThat(ReplicationSupport.values(ReplicationSupport.readFromBeginning(cluster.bootstrap(), TP, 7,
                        WAIT))).endsWith("acks=1", "acks=all");
            }
        }
    }

    private static boolean waitFails(Future<?> future, long ms) throws Exception {
        try {
            future.get(ms, TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException e) {
            return true;
        }
    }

    /** A consumer's Fetch (replica id -1, v12) straight to the leader's port. */
    static FetchResponseData.PartitionData rawFetch(int port, long offset) throws Exception {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1);
        data.topics().add(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
                        .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1))));
        try (RawKafka wire = RawKafka.connect(port)) {
            FetchResponse response = wire.send(new FetchRequest(data, (short) 12));
            return response.data().responses().get(0).partitions().get(0);
        }
    }
}
