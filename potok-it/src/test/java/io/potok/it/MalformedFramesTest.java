package io.potok.it;

import static io.potok.it.Clients.bytes;
import static io.potok.it.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Garbage, oversized and truncated frames on one raw connection: the broker closes that connection,
 * while a {@link KafkaProducer} on another connection keeps producing throughout and the node keeps
 * serving new connections afterwards.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MalformedFramesTest {

    static final int MAX_REQUEST_BYTES = 512 * 1024;

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("MalformedFramesTest")
            .set("socket.request.max.bytes", String.valueOf(MAX_REQUEST_BYTES))
            .build();

    /** What to do to the raw connection after a valid ApiVersions exchange on it. */
    @FunctionalInterface
    interface Abuse {
        void apply(KafkaWire wire) throws Exception;
    }

    static Stream<Arguments> abuses() {
        return Stream.of(
                Arguments.of("random bytes framed with a correct size prefix", (Abuse) wire -> {
                    byte[] payload = new byte[1000];
                    new Random(20240601L).nextBytes(payload);
                    wire.writeFrame(ByteBuffer.wrap(payload));
                }),
                Arguments.of("unknown api key 32639 with a random body", (Abuse) wire -> {
                    byte[] payload = new byte[200];
                    new Random(7L).nextBytes(payload);
                    payload[0] = 0x7F;
                    payload[1] = 0x7F;
                    wire.writeFrame(ByteBuffer.wrap(payload));
                }),
                Arguments.of("valid Metadata header followed by a garbage body", (Abuse) wire -> {
                    MetadataRequest.Builder builder = MetadataRequest.Builder.allTopics();
                    short version = wire.negotiate(builder);
                    RequestHeader header = new RequestHeader(ApiKeys.METADATA, version, "potok-it-raw", 99);
                    ByteBuffer full = builder.build(version).serializeWithHeader(header);
                    int headerSize = header.size();
                    byte[] payload = new byte[headerSize + 4];
                    full.get(payload, 0, headerSize);
                    // an array length no body can satisfy, both as int32 and as unsigned varint + truncated entry
                    payload[headerSize] = 0x7F;
                    payload[headerSize + 1] = (byte) 0xFF;
                    payload[headerSize + 2] = (byte) 0xFF;
                    payload[headerSize + 3] = (byte) 0xFF;
                    wire.writeFrame(ByteBuffer.wrap(payload));
                }),
                Arguments.of("empty frame (size 0)", (Abuse) wire -> wire.writeRaw(new byte[] {0, 0, 0, 0})),
                Arguments.of("size prefix socket.request.max.bytes + 1", (Abuse) wire ->
                        wire.writeRaw(ByteBuffer.allocate(4 + 100).putInt(MAX_REQUEST_BYTES + 1).array())),
                Arguments.of("size prefix Integer.MAX_VALUE", (Abuse) wire ->
                        wire.writeRaw(ByteBuffer.allocate(4 + 100).putInt(Integer.MAX_VALUE).array())),
                Arguments.of("negative size prefix", (Abuse) wire ->
                        wire.writeRaw(ByteBuffer.allocate(4 + 100).putInt(-1).array())),
                Arguments.of("truncated ApiVersions frame, then the client closes its side", (Abuse) wire -> {
                    short version = ApiKeys.API_VERSIONS.latestVersion();
                    ByteBuffer full = new ApiVersionsRequest.Builder(version).build(version).serializeWithHeader(
                            new RequestHeader(ApiKeys.API_VERSIONS, version, "potok-it-raw", 42));
                    byte[] frame = new byte[4 + full.remaining()];
                    ByteBuffer.wrap(frame).putInt(full.remaining()).put(full);
                    wire.writeRaw(Arrays.copyOf(frame, frame.length / 2));
                    wire.shutdownOutput();
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abuses")
    void brokerClosesTheAbusedConnectionAndKeepsServingOthers(String name, Abuse abuse) throws Exception {
        String topic = "survivor-" + Integer.toHexString(name.hashCode());
        Clients.createTopic(NODE.bootstrap(), topic, 1);
        try (BackgroundProducer producer = new BackgroundProducer(NODE.bootstrap(), topic)) {
            producer.awaitAcked(20);

            String closed;
            try (KafkaWire wire = new KafkaWire("127.0.0.1", NODE.port(), Duration.ofSeconds(10))) {
                assertThat(wire.apiVersions().data().errorCode()).isEqualTo(Errors.NONE.code());
                abuse.apply(wire);
                closed = wire.awaitClosedByPeer();
            }
            assertThat(closed).as("how the broker ended the connection after: %s", name).isNotBlank();
            assertThat(NODE.isRunning()).as("node process alive after: %s", name).isTrue();

            int ackedAfterAbuse = producer.acked();
            producer.awaitAcked(ackedAfterAbuse + 20);
            assertThat(producer.errors()).as("producer errors").isEmpty();

            // a new connection is served normally
            try (KafkaWire fresh = KafkaWire.connect(NODE)) {
                assertThat(fresh.apiVersions().data().errorCode()).isEqualTo(Errors.NONE.code());
            }
            producer.stop();
            assertThat(producer.errors()).as("producer errors").isEmpty();
            assertThat(producer.acked()).isEqualTo(producer.sent());

            List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(NODE.bootstrap(),
                    List.of(new TopicPartition(topic, 0)), producer.sent());
            for (int i = 0; i < records.size(); i++) {
                assertThat(str(records.get(i).value())).isEqualTo("survivor-" + i);
            }
        }
        assertThat(NODE.isRunning()).isTrue();
    }

    /** Sends a record every few milliseconds until stopped and counts acknowledgements and errors. */
    static final class BackgroundProducer implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger acked = new AtomicInteger();
        private final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        private volatile boolean running = true;

        BackgroundProducer(String bootstrap, String topic) {
            producer = Clients.producer(bootstrap, ProducerConfig.LINGER_MS_CONFIG, 0);
            thread = new Thread(() -> {
                while (running) {
                    int i = sent.getAndIncrement();
                    producer.send(new ProducerRecord<>(topic, 0, null, bytes("survivor-" + i)), (md, e) -> {
                        if (e != null) {
                            errors.add(e);
                        } else {
                            acked.incrementAndGet();
                        }
                    });
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "background-producer");
            thread.setDaemon(true);
            thread.start();
        }

        void awaitAcked(int count) {
            Await.until(count + " acknowledged records (acked " + acked.get() + ", errors " + errors + ")",
                    Duration.ofSeconds(20), () -> acked.get() >= count || !errors.isEmpty());
        }

        int acked() {
            return acked.get();
        }

        int sent() {
            return sent.get();
        }

        List<Throwable> errors() {
            return new ArrayList<>(errors);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
            producer.flush();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
            producer.close(Duration.ofSeconds(10));
        }
    }
}
