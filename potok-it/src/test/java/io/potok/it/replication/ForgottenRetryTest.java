package io.potok.it.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
import io.potok.it.chaos.RawKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;

/**
 * An idempotent producer's retry of a batch appended longer ago than the 5 batches whose offsets the
 * log keeps (its answer was lost, e.g. with a cut-off leader, while the producer went on with a new
 * leader) is answered DUPLICATE_SEQUENCE_NUMBER, which clients take as success. With
 * OUT_OF_ORDER_SEQUENCE_NUMBER the Java client retries it until it expires and then bumps its epoch,
 * resending (duplicating) the batches in flight behind it; the chaos test's network rounds found that.
 * A recent retry still gets its original offset, and a real gap is still out of order.
 */
class ForgottenRetryTest {
    private static final String TOPIC = "retries";

    @Test
    void aRetryOlderThanTheKeptBatchesIsAnsweredAsDuplicate() throws Exception {
        try (PotokNode node = PotokNode.builder("forgotten-retry").start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (RawKafka wire = RawKafka.connect(node.port())) {
                InitProducerIdResponse init = initProducerId(wire);
                long pid = init.data().producerId();
                short epoch = init.data().producerEpoch();
                for (int batch = 0; batch < 8; batch++) {
                    ProduceResponseData.PartitionProduceResponse r = produce(wire, pid, epoch, 2 * batch);
                    assertThat(Errors.forCode(r.errorCode())).as("batch %d: %s", batch, r).isEqualTo(Errors.NONE);
                    assertThat(r.baseOffset()).isEqualTo(2L * batch);
                }
                ProduceResponseData.PartitionProduceResponse recent = produce(wire, pid, epoch, 12);
                assertThat(Errors.forCode(recent.errorCode())).isEqualTo(Errors.NONE);
                assertThat(recent.baseOffset()).as("offset of a recent retry").isEqualTo(12);

                ProduceResponseData.PartitionProduceResponse old = produce(wire, pid, epoch, 0);
                assertThat(Errors.forCode(old.errorCode())).as("retry of batch 0: %s", old)
                        .isEqualTo(Errors.DUPLICATE_SEQUENCE_NUMBER);

                ProduceResponseData.PartitionProduceResponse gap = produce(wire, pid, epoch, 20);
                assertThat(Errors.forCode(gap.errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
                ProduceResponseData.PartitionProduceResponse next = produce(wire, pid, epoch, 16);
                assertThat(Errors.forCode(next.errorCode())).isEqualTo(Errors.NONE);
                assertThat(next.baseOffset()).as("nothing of the refused batches was appended").isEqualTo(16);
            }
        }
    }

    private static InitProducerIdResponse initProducerId(RawKafka wire) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            InitProducerIdResponse response = wire.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build((short) 4));
            if (response.data().errorCode() == 0 || System.nanoTime() > deadline) {
                assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NONE);
                return response;
            }
            Thread.sleep(100);
        }
    }

    /** A batch of two records with sequences {@code baseSequence} and the next, acks=all, Produce v9. */
    private static ProduceResponseData.PartitionProduceResponse produce(RawKafka wire, long pid, short epoch,
                                                                       int baseSequence) throws Exception {
        MemoryRecords batch = MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, baseSequence,
                new SimpleRecord(1_000L, null, ("v" + baseSequence).getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(1_000L, null, ("v" + (baseSequence + 1)).getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                        new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(List.of(
                                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch))))
                        .iterator()));
        ProduceResponse response = wire.send(ProduceRequest.builder(data).build((short) 9));
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }
}
