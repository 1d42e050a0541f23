package io.potok.it;

import static io.potok.it.Clients.bytes;
import static io.potok.it.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotent produce on the wire: ApiVersions, InitProducerId and Produce requests built with
 * kafka-clients' own request classes, sent over a plain socket, so that the very same batch
 * (same producer id, epoch and sequence) can be sent twice.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IdempotentProduceRawTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("IdempotentProduceRawTest").build();

    private static final long TIMESTAMP = System.currentTimeMillis() - 60_000L;

    @Test
    void brokerAdvertisesTheApisAnIdempotentProducerNeeds() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(NODE)) {
            ApiVersionsResponse response = wire.apiVersions();
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            for (ApiKeys key : List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID,
                    ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS)) {
                ApiVersion av = response.data().apiKeys().find(key.id);
                assertThat(av).as("%s in ApiVersions", key).isNotNull();
                assertThat(av.minVersion()).as("%s min version", key).isLessThanOrEqualTo(av.maxVersion());
                assertThat(av.maxVersion()).as("%s max version overlaps kafka-clients 4.4", key)
                        .isGreaterThanOrEqualTo(key.oldestVersion());
            }
        }
    }

    @Test
    void theSameBatchSentTwiceIsAppendedOnce() throws Exception {
        String topic = "idempotent-dedup";
        Uuid topicId = createTopic(topic);
        try (KafkaWire wire = KafkaWire.connect(NODE)) {
            wire.apiVersions();
            InitProducerIdResponse init = initProducerId(wire);
            long producerId = init.data().producerId();
            short epoch = init.data().producerEpoch();

            ProduceResponseData.PartitionProduceResponse first =
                    produce(wire, topic, topicId, producerId, epoch, 0, "a", "b", "c");
            ProduceResponseData.PartitionProduceResponse again =
                    produce(wire, topic, topicId, producerId, epoch, 0, "a", "b", "c");
            assertThat(Errors.forCode(first.errorCode())).as("first send: %s", first).isEqualTo(Errors.NONE);
            assertThat(Errors.forCode(again.errorCode())).as("duplicate send: %s", again).isEqualTo(Errors.NONE);
            assertThat(first.baseOffset()).isZero();
            assertThat(again.baseOffset()).as("base offset of the duplicate").isEqualTo(first.baseOffset());

            ProduceResponseData.PartitionProduceResponse next =
                    produce(wire, topic, topicId, producerId, epoch, 3, "d", "e", "f");
            assertThat(Errors.forCode(next.errorCode())).as("next batch: %s", next).isEqualTo(Errors.NONE);
            assertThat(next.baseOffset()).isEqualTo(3);

            // a late retry of the first batch (still among the last five) is still recognised
            ProduceResponseData.PartitionProduceResponse late =
                    produce(wire, topic, topicId, producerId, epoch, 0, "a", "b", "c");
            assertThat(Errors.forCode(late.errorCode())).as("late duplicate: %s", late).isEqualTo(Errors.NONE);
            assertThat(late.baseOffset()).isEqualTo(first.baseOffset());
        }
        List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(NODE.bootstrap(),
                List.of(new TopicPartition(topic, 0)), 6);
        assertThat(records).extracting(r -> str(r.value())).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(records).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(records).extracting(ConsumerRecord::timestamp).containsOnly(TIMESTAMP);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(NODE.bootstrap())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            assertThat(consumer.endOffsets(List.of(tp))).isEqualTo(Map.of(tp, 6L));
        }
    }

    @Test
    void aSequenceGapIsRejectedAsOutOfOrder() throws Exception {
        String topic = "idempotent-gap";
        Uuid topicId = createTopic(topic);
        try (KafkaWire wire = KafkaWire.connect(NODE)) {
            wire.apiVersions();
            InitProducerIdResponse init = initProducerId(wire);
            long producerId = init.data().producerId();
            short epoch = init.data().producerEpoch();

            ProduceResponseData.PartitionProduceResponse first =
                    produce(wire, topic, topicId, producerId, epoch, 0, "one", "two");
            assertThat(Errors.forCode(first.errorCode())).as("first send: %s", first).isEqualTo(Errors.NONE);
            // next expected sequence is 2; 5 leaves a gap
            ProduceResponseData.PartitionProduceResponse gap =
                    produce(wire, topic, topicId, producerId, epoch, 5, "gap");
            assertThat(Errors.forCode(gap.errorCode())).as("batch with a sequence gap: %s", gap)
                    .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            // the right sequence still goes in after the rejection
            ProduceResponseData.PartitionProduceResponse ok =
                    produce(wire, topic, topicId, producerId, epoch, 2, "three");
            assertThat(Errors.forCode(ok.errorCode())).as("in-sequence batch after the gap: %s", ok)
                    .isEqualTo(Errors.NONE);
            assertThat(ok.baseOffset()).isEqualTo(2);
        }
        List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(NODE.bootstrap(),
                List.of(new TopicPartition(topic, 0)), 3);
        assertThat(records).extracting(r -> str(r.value())).containsExactly("one", "two", "three");
    }

    private static Uuid createTopic(String topic) throws Exception {
        try (Admin admin = Clients.admin(NODE.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            Uuid id = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
            assertThat(id).as("topic id of %s", topic).isNotNull().isNotEqualTo(Uuid.ZERO_UUID);
            Clients.awaitLeaders(admin, topic, 1);
            return id;
        }
    }

    /** InitProducerId without transactional id; retriable errors are retried for a while, as the Java client does. */
    private static InitProducerIdResponse initProducerId(KafkaWire wire) throws IOException, InterruptedException {
        InitProducerIdResponse response;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            response = wire.<InitProducerIdResponse>send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData()
                            .setTransactionalId(null)
                            .setTransactionTimeoutMs(60_000))).response();
            Errors error = Errors.forCode(response.data().errorCode());
            if (!(error.exception() instanceof RetriableException) || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(Errors.forCode(response.data().errorCode())).as("InitProducerId: %s", response.data())
                .isEqualTo(Errors.NONE);
        assertThat(response.data().producerId()).as("producer id").isNotNegative();
        assertThat(response.data().producerEpoch()).as("producer epoch").isNotNegative();
        return response;
    }

    /** One idempotent batch to partition 0 with acks=-1; returns the partition's response. */
    private static ProduceResponseData.PartitionProduceResponse produce(KafkaWire wire, String topic, Uuid topicId,
            long producerId, short epoch, int baseSequence, String... values) throws IOException {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(TIMESTAMP, bytes("key-" + values[i]), bytes(values[i]));
        }
        MemoryRecords batch = MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence,
                records);
        ProduceRequestData data = new ProduceRequestData()
                .setAcks((short) -1)
                .setTimeoutMs(10_000)
                .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                        new ProduceRequestData.TopicProduceData()
                                .setName(topic)
                                .setTopicId(topicId)
                                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                                        .setIndex(0)
                                        .setRecords(batch)))).iterator()));
        KafkaWire.Exchange<ProduceResponse> exchange = wire.send(ProduceRequest.builder(data));
        ProduceResponseData response = exchange.response().data();
        assertThat(response.responses()).as("topics in Produce v%d response %s", exchange.header().apiVersion(),
                response).hasSize(1);
        ProduceResponseData.TopicProduceResponse topicResponse = response.responses().iterator().next();
        if (exchange.header().apiVersion() >= 13) {
            assertThat(topicResponse.topicId()).isEqualTo(topicId);
        } else {
            assertThat(topicResponse.name()).isEqualTo(topic);
        }
        assertThat(topicResponse.partitionResponses()).hasSize(1);
        ProduceResponseData.PartitionProduceResponse partition = topicResponse.partitionResponses().get(0);
        assertThat(partition.index()).isZero();
        return partition;
    }
}
