package io.potok.it;

import static io.potok.it.Clients.bytes;
import static io.potok.it.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Acknowledged records survive a restart of the process, clean (SIGTERM) or not (SIGKILL). */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RestartDurabilityTest {

    private static final int PARTITIONS = 3;

    @Test
    void cleanRestartKeepsEveryRecord() throws Exception {
        // 1 MiB segments (Kafka's minimum) and ~4 MB of records: every partition spans more than one segment
        try (PotokNode node = PotokNode.builder("RestartDurabilityTest-sigterm")
                .set("log.segment.bytes", String.valueOf(1024 * 1024))
                .start()) {
            String topic = "durable-sigterm";
            Clients.createTopic(node.bootstrap(), topic, PARTITIONS);
            Map<String, RecordMetadata> acked = produce(node, topic, 0, 4_000);

            long pid = node.pid();
            long t0 = System.nanoTime();
            boolean graceful = node.stop();
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(graceful).as("node (pid %d) exited on SIGTERM without SIGKILL; log %s", pid, node.logFile())
                    .isTrue();
            assertThat(stopMs).as("clean shutdown time in ms").isLessThan(10_000);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            node.start();
            verifyAll(node, topic, acked);
            verifyAppendsContinue(node, topic, acked);
        }
    }

    @Test
    void killMinus9KeepsEveryAcknowledgedRecordWhenFlushingEachMessage() throws Exception {
        try (PotokNode node = PotokNode.builder("RestartDurabilityTest-sigkill")
                .set("log.flush.interval.messages", "1")
                .set("log.segment.bytes", String.valueOf(1024 * 1024))
                .start()) {
            String topic = "durable-sigkill";
            Clients.createTopic(node.bootstrap(), topic, PARTITIONS);
            Map<String, RecordMetadata> acked = produce(node, topic, 0, 1_000);

            long pid = node.pid();
            node.kill();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            node.start();
            verifyAll(node, topic, acked);
            Map<String, RecordMetadata> all = verifyAppendsContinue(node, topic, acked);

            // and a clean restart after the recovery keeps everything too
            node.restart();
            verifyAll(node, topic, all);
        }
    }

    /** Produces keyed records value-i for i in [from, from+count) with acks=all; returns the acknowledgements. */
    private static Map<String, RecordMetadata> produce(PotokNode node, String topic, int from, int count)
            throws Exception {
        Map<String, RecordMetadata> acked = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, bytes("key-" + (i % 17)),
                        bytes("value-" + i + "-" + "p".repeat(1000)))));
            }
            for (int i = 0; i < count; i++) {
                acked.put("value-" + (from + i), futures.get(i).get(30, TimeUnit.SECONDS));
            }
        }
        return acked;
    }

    private static void verifyAll(PotokNode node, String topic, Map<String, RecordMetadata> acked) {
        List<TopicPartition> tps = Clients.partitions(topic, PARTITIONS);
        Map<TopicPartition, Long> expectedEnd = new HashMap<>();
        tps.forEach(tp -> expectedEnd.put(tp, 0L));
        acked.values().forEach(md -> expectedEnd.merge(new TopicPartition(topic, md.partition()), md.offset() + 1,
                Math::max));
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap())) {
            assertThat(consumer.endOffsets(tps)).as("end offsets after restart").isEqualTo(expectedEnd);
            assertThat(consumer.beginningOffsets(tps)).as("log start offsets after restart")
                    .allSatisfy((tp, offset) -> assertThat(offset).isZero());
        }
        List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(node.bootstrap(), tps, acked.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String value = str(r.value());
            String id = value.substring(0, value.indexOf('-', "value-".length()));
            RecordMetadata md = acked.get(id);
            assertThat(md).as("record %s was acknowledged", id).isNotNull();
            assertThat(r.partition()).as("partition of %s", id).isEqualTo(md.partition());
            assertThat(r.offset()).as("offset of %s", id).isEqualTo(md.offset());
            assertThat(str(r.key())).isEqualTo("key-" + (Integer.parseInt(id.substring("value-".length())) % 17));
        }
    }

    /** New appends after the restart continue the offsets: nothing acknowledged is overwritten. */
    private static Map<String, RecordMetadata> verifyAppendsContinue(PotokNode node, String topic,
                                                                     Map<String, RecordMetadata> before)
            throws Exception {
        Map<Integer, Long> nextOffset = new HashMap<>();
        before.values().forEach(md -> nextOffset.merge(md.partition(), md.offset() + 1, Math::max));
        Map<String, RecordMetadata> after = produce(node, topic, before.size(), 100);
        Map<Integer, Long> firstAfter = new HashMap<>();
        after.values().forEach(md -> firstAfter.merge(md.partition(), md.offset(), Math::min));
        firstAfter.forEach((p, offset) -> assertThat(offset).as("first offset appended to partition %d after restart", p)
                .isEqualTo(nextOffset.getOrDefault(p, 0L)));
        Map<String, RecordMetadata> all = new HashMap<>(before);
        all.putAll(after);
        verifyAll(node, topic, all);
        return all;
    }
}
