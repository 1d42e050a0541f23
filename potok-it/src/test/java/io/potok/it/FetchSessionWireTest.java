package io.potok.it;

import static io.potok.it.Clients.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Incremental fetch sessions (KIP-227) on the wire: a full Fetch opens a session, and the next requests of the session
 * name no partition yet get the records of every partition in it, while partitions with nothing new are left out.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FetchSessionWireTest {
    private static final short VERSION = 12; // topics by name
    private static final String TOPIC = "fetch-sessions";

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("FetchSessionWireTest").build();

    private static AbstractRequest.Builder<FetchRequest> fetch(FetchRequestData data) {
        return new AbstractRequest.Builder<>(ApiKeys.FETCH) {
            @Override
            public FetchRequest build(short version) {
                return new FetchRequest(data, version);
            }
        };
    }

    private static FetchRequestData request(int sessionId, int epoch, int maxWaitMs, int... partitions) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(sessionId).setSessionEpoch(epoch);
        if (partitions.length > 0) {
            FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopic(TOPIC);
            for (int p : partitions) {
                topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(p).setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1).setLogStartOffset(-1));
            }
            data.topics().add(topic);
        }
        return data;
    }

    /** "partition:records" for every partition in the response. */
    private static List<String> partitions(FetchResponseData response) {
        List<String> out = new ArrayList<>();
        for (FetchResponseData.FetchableTopicResponse topic : response.responses()) {
            for (FetchResponseData.PartitionData p : topic.partitions()) {
                assertThat(Errors.forCode(p.errorCode())).as("partition %d", p.partitionIndex()).isEqualTo(Errors.NONE);
                int[] count = {0};
                FetchResponse.recordsOrFail(p).batches().forEach(b -> b.forEach(r -> count[0]++));
                out.add(p.partitionIndex() + ":" + count[0]);
            }
        }
        return out;
    }

    @Test
    void aSessionSendsOnlyThePartitionsWithSomethingNew() throws Exception {
        Clients.createTopic(NODE.bootstrap(), TOPIC, 3);
        try (KafkaWire wire = KafkaWire.connect(NODE);
             KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap())) {
            wire.apiVersions();
            FetchResponse full = wire.<FetchResponse>send(fetch(request(0, FetchMetadata.INITIAL_EPOCH, 0, 0, 1, 2)),
                    VERSION).response();
            int session = full.data().sessionId();
            assertThat(session).as("a full fetch opens a session").isNotEqualTo(FetchMetadata.INVALID_SESSION_ID);
            assertThat(partitions(full.data())).containsExactly("0:0", "1:0", "2:0");

            producer.send(new ProducerRecord<>(TOPIC, 1, null, bytes("one"))).get(20, TimeUnit.SECONDS);
            FetchResponse news = wire.<FetchResponse>send(fetch(request(session, 1, 5_000)), VERSION).response();
            assertThat(news.error()).isEqualTo(Errors.NONE);
            assertThat(news.data().sessionId()).isEqualTo(session);
            assertThat(partitions(news.data())).as("only the partition that got a record")
                    .containsExactly("1:1");

            // The client moves partition 1 past the record; nothing is new, so the long poll ends empty.
            FetchRequestData moved = request(session, 2, 200);
            moved.topics().add(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(new ArrayList<>(List.of(
                    new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(1)
                            .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1).setLogStartOffset(-1)))));
            FetchResponse quiet = wire.<FetchResponse>send(fetch(moved), VERSION).response();
            assertThat(quiet.data().sessionId()).isEqualTo(session);
            assertThat(partitions(quiet.data())).isEmpty();

            FetchResponse stale = wire.<FetchResponse>send(fetch(request(session, 2, 0)), VERSION).response();
            assertThat(stale.error()).as("epoch 2 was used").isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
        }
    }

    @Test
    void theJavaConsumerReadsEverythingThroughItsSession() {
        String topic = "fetch-sessions-consumer";
        Clients.createTopic(NODE.bootstrap(), topic, 3);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>(topic, i % 3, null, bytes("r" + i)));
            }
            producer.flush();
        }
        // The consumer keeps one session over many polls (small fetches force many incremental requests).
        assertThat(Clients.readAll(NODE.bootstrap(), Clients.partitions(topic, 3), 300,
                "max.partition.fetch.bytes", 256, "fetch.max.bytes", 1024)).hasSize(300);
    }
}
