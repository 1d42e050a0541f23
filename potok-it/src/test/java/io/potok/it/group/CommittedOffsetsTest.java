package io.potok.it.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Committed offsets are where a group resumes: after the committing consumer is replaced, and
 * after the Potok process itself restarts (the coordinator rebuilds them from
 * {@code __consumer_offsets}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommittedOffsetsTest {

    @RegisterExtension
    static final PotokNode NODE = GroupClients.node("CommittedOffsetsTest").build();

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aNewConsumerResumesAtTheCommittedOffsetsAlsoAfterABrokerRestart(String protocol) throws Exception {
        String topic = "resume-" + protocol;
        String group = "resume-" + protocol;
        GroupClients.createTopic(NODE.bootstrap(), topic, 3);
        GroupClients.produce(NODE.bootstrap(), topic, 3, 20);
        Map<TopicPartition, OffsetAndMetadata> commits = Map.of(
                new TopicPartition(topic, 0), new OffsetAndMetadata(5, "five"),
                new TopicPartition(topic, 1), new OffsetAndMetadata(7),
                new TopicPartition(topic, 2), new OffsetAndMetadata(9));

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(group, protocol)) {
            consumer.subscribe(List.of(topic));
            pollUntilAssigned(consumer, 3);
            consumer.commitSync(commits);
            assertThat(consumer.committed(commits.keySet())).isEqualTo(commits);
        }
        assertResumesAt(group, protocol, topic, commits);

        NODE.restart();
        assertResumesAt(group, protocol, topic, commits);
    }

    private static void assertResumesAt(String group, String protocol, String topic,
                                        Map<TopicPartition, OffsetAndMetadata> commits) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(group, protocol)) {
            consumer.subscribe(List.of(topic));
            Map<TopicPartition, Long> firstOffsets = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (firstOffsets.size() < 3 && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    firstOffsets.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                }
            }
            Map<TopicPartition, Long> expected = new HashMap<>();
            commits.forEach((tp, om) -> expected.put(tp, om.offset()));
            assertThat(firstOffsets).as("first offset read per partition").isEqualTo(expected);
            assertThat(consumer.committed(Set.copyOf(commits.keySet()))).isEqualTo(commits);
        }
    }

    private static void pollUntilAssigned(KafkaConsumer<byte[], byte[]> consumer, int partitions) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.assignment().size() < partitions) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no assignment of " + partitions + " partitions: " + consumer.assignment());
            }
            consumer.poll(Duration.ofMillis(100));
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String group, String protocol) {
        return new KafkaConsumer<>(GroupClients.consumerConfig(NODE.bootstrap(), group, protocol, group),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
