package io.potok.it.replication;

import io.potok.it.Await;
import static io.potok.it.replication.ReplicationSupport.WAIT;
import static io.potok.it.replication.ReplicationSupport.isrOf;
import static io.potok.it.replication.ReplicationSupport.latestOffset;
import static io.potok.it.replication.ReplicationSupport.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.chaos.ChaosCluster;
import io.potok.it.chaos.RawKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;

/**
 * Rack-aware fetch from follower (KIP-392) on three brokers in racks r1, r2, r3 with
 * {@code replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector}: a leader
 * answers a consumer Fetch (v11+) from another rack with that rack's in-sync follower as preferred
 * read replica and no records; the follower serves the consumer; a consumer with {@code client.rack}
 * reads everything, and its records come from the follower in its rack.
 */
class FetchFromFollowerTest {
    private static final String TOPIC = "racks";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int RECORDS = 200;

    @Test
    void aConsumerReadsFromTheInSyncFollowerInItsRack() throws Exception {
        try (ChaosCluster cluster = ChaosCluster.builder("racks")
                .set("replica.selector.class", "org.apache.kafka.common.replica.RackAwareReplicaSelector")
                .set("auto.leader.rebalance.enable", "false")
                .set(1, "broker.rack", "r1").set(2, "broker.rack", "r2").set(3, "broker.rack", "r3")
                .start();
             Admin admin = cluster.admin()) {
            ReplicationSupport.createTopic(admin, new NewTopic(TOPIC, 1, (short) 3).configs(Map.of()));
            Await.until("a fully replicated " + TOPIC, WAIT, () -> isrOf(admin, TOPIC, 0).size() == 3);
            int leader = leaderOf(admin, TOPIC, 0);
            int follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
            String followerRack = "r" + follower;

            String value = "x".repeat(1_000);
            try (KafkaProducer<String, String> producer = ReplicationSupport.producer(cluster, "all")) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < RECORDS; i++) {
                    sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, value)));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            Await.until("the high watermark at " + RECORDS, WAIT, () -> latestOffset(admin, TP) == RECORDS);

            // The leader redirects a consumer of the follower's rack, and answers one of its own rack.
            FetchResponseData.PartitionData redirected = fetch(cluster.directPort(leader), (short) 12, followerRack);
            assertThat(Errors.forCode(redirected.errorCode())).isEqualTo(Errors.NONE);
            assertThat(redirected.preferredReadReplica()).as("preferred read replica for rack " + followerRack)
                    .isEqualTo(follower);
            assertThat(redirected.records().sizeInBytes()).as("records in a redirect").isZero();
            assertThat(redirected.highWatermark()).isEqualTo(RECORDS);
            FetchResponseData.PartitionData local = fetch(cluster.directPort(leader), (short) 12, "r" + leader);
            assertThat(local.preferredReadReplica()).isEqualTo(-1);
            assertThat(local.records().sizeInBytes()).isPositive();
            FetchResponseData.PartitionData noRack = fetch(cluster.directPort(leader), (short) 12, "");
            assertThat(noRack.preferredReadReplica()).isEqualTo(-1);

            // The follower serves consumers that carry client metadata (v11+), not older ones.
            Await.until("the follower's high watermark at " + RECORDS, WAIT, () -> {
                try {
                    return fetch(cluster.directPort(follower), (short) 12, followerRack).highWatermark() == RECORDS;
                } catch (Exception e) {
                    return false;
                }
            });
            FetchResponseData.PartitionData served = fetch(cluster.directPort(follower), (short) 12, followerRack);
            assertThat(Errors.forCode(served.errorCode())).isEqualTo(Errors.NONE);
            assertThat(served.records().sizeInBytes()).as("bytes the follower serves").isPositive();
            FetchResponseData.PartitionData old = fetch(cluster.directPort(follower), (short) 10, "");
            assertThat(Errors.forCode(old.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);

            // A real consumer in the follower's rack: everything arrives, nearly all of it from the follower.
            long fromLeaderBefore = cluster.network().bytesToClients(leader);
            long fromFollowerBefore = cluster.network().bytesToClients(follower);
            int read = ReplicationSupport.readFromBeginning(cluster.bootstrap(), TP, RECORDS, WAIT,
                    ConsumerConfig.CLIENT_RACK_CONFIG, followerRack).size();
            assertThat(read).isEqualTo(RECORDS);
            long fromFollower = cluster.network().bytesToClients(follower) - fromFollowerBefore;
            long fromLeader = cluster.network().bytesToClients(leader) - fromLeaderBefore;
            assertThat(fromFollower).as("bytes the consumer got from follower %d (leader sent %d)", follower,
                    fromLeader).isGreaterThan((long) RECORDS * value.length());
            assertThat(fromLeader).as("bytes the consumer got from leader %d", leader)
                    .isLessThan((long) RECORDS * value.length() / 4);
        }
    }

    /** One consumer Fetch of partition 0 from offset 0 straight to a broker's port. */
    private static FetchResponseData.PartitionData fetch(int port, short version, String rack) throws Exception {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1)
                .setRackId(rack);
        data.topics().add(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1))));
        try (RawKafka wire = RawKafka.connect(port)) {
            FetchResponse response = wire.send(new FetchRequest(data, version));
            return response.data().responses().get(0).partitions().get(0);
        }
    }
}
