package io.potok.it;

import static io.potok.it.Clients.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code auto.create.topics.enable} off and on (the default), with {@code num.partitions}. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AutoCreateTopicsTest {

    @RegisterExtension
    static final PotokNode NO_AUTO_CREATE = PotokNode.builder("AutoCreateTopicsTest-off")
            .set("auto.create.topics.enable", "false")
            .build();

    @RegisterExtension
    static final PotokNode AUTO_CREATE = PotokNode.builder("AutoCreateTopicsTest-on")
            .set("num.partitions", "3")
            .build();

    @Test
    void produceToAMissingTopicFailsWhenAutoCreateIsOff() throws Exception {
        String topic = "never-created";
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NO_AUTO_CREATE.bootstrap(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000)) {
            long start = System.nanoTime();
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, bytes("k"), bytes("v")));
            Throwable t = catchThrowable(() -> f.get(30, TimeUnit.SECONDS));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // kafka-clients 4.4 waits max.block.ms for the topic to appear in metadata (the broker answers
            // UNKNOWN_TOPIC_OR_PARTITION for it) and then fails the send with this TimeoutException.
            assertThat(t).isInstanceOf(ExecutionException.class);
            assertThat(t.getCause()).isInstanceOf(TimeoutException.class)
                    .hasMessage("Topic " + topic + " not present in metadata after 3000 ms.");
            assertThat(tookMs).as("send failed after max.block.ms").isBetween(2_500L, 20_000L);
        }
        try (Admin admin = Clients.admin(NO_AUTO_CREATE.bootstrap())) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void metadataForAMissingTopicAnswersUnknownTopicWhenAutoCreateIsOff() throws Exception {
        String topic = "never-created-raw";
        try (KafkaWire wire = KafkaWire.connect(NO_AUTO_CREATE)) {
            wire.apiVersions();
            KafkaWire.Exchange<MetadataResponse> exchange =
                    wire.send(new MetadataRequest.Builder(List.of(topic), true));
            MetadataResponseData.MetadataResponseTopic t = exchange.response().data().topics().find(topic);
            assertThat(t).as("topic in Metadata v%d response %s", exchange.header().apiVersion(),
                    exchange.response().data()).isNotNull();
            assertThat(Errors.forCode(t.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(t.partitions()).isEmpty();
        }
        try (Admin admin = Clients.admin(NO_AUTO_CREATE.bootstrap())) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void metadataWithoutAllowAutoTopicCreationCreatesNothingEvenWhenAutoCreateIsOn() throws Exception {
        String topic = "not-to-be-created";
        try (KafkaWire wire = KafkaWire.connect(AUTO_CREATE)) {
            wire.apiVersions();
            KafkaWire.Exchange<MetadataResponse> exchange =
                    wire.send(new MetadataRequest.Builder(List.of(topic), false));
            MetadataResponseData.MetadataResponseTopic t = exchange.response().data().topics().find(topic);
            assertThat(t).isNotNull();
            assertThat(Errors.forCode(t.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        try (Admin admin = Clients.admin(AUTO_CREATE.bootstrap())) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void produceToANewTopicCreatesItWithNumPartitions() throws Exception {
        String topic = "auto-created";
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(AUTO_CREATE.bootstrap())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, bytes("key-" + i), bytes("value-" + i))));
            }
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(producer.partitionsFor(topic)).hasSize(3);
        }
        Set<Integer> partitions = new TreeSet<>();
        acks.forEach(md -> partitions.add(md.partition()));
        assertThat(partitions).isSubsetOf(0, 1, 2).hasSizeGreaterThan(1);
        try (Admin admin = Clients.admin(AUTO_CREATE.bootstrap())) {
            assertThat(admin.listTopics().names().get()).contains(topic);
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.partitions()).hasSize(3);
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.leader()).isNotNull());
        }
        assertThat(Clients.readAll(AUTO_CREATE.bootstrap(), Clients.partitions(topic, 3), 30)).hasSize(30);
    }
}
