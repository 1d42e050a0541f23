package io.potok.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kcat 1.7.1 on librdkafka 2.0.2 (Debian's kcat) against a real {@code ./potok start} process.
 *
 * <p>librdkafka negotiates old API versions (Produce v7, Fetch v11, ListOffsets v2, Metadata v4) and
 * decides which features to use from the version ranges in ApiVersions, so these tests catch what
 * the Java client never exercises. Every kcat run logs {@code -d protocol} to its stderr (kept in
 * {@code target/potok-it-logs/compat/}); a failure names the requests Potok never answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KcatCompatTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("KcatCompatTest").build();

    /** Long enough for any local answer, short enough that a request Potok never answers fails fast. */
    private static final Duration CONSUME_LIMIT = Duration.ofSeconds(10);
    private static final Duration PRODUCE_LIMIT = Duration.ofSeconds(20);

    private static Path kcat;

    /** Per test (not per class) so that a missing tool shows as skipped tests with the reason. */
    @BeforeEach
    void findKcat() {
        kcat = Tools.kcat();
    }

    @Test
    void metadataListShowsTheTopicItsPartitionsAndTheLeader() {
        String topic = "kcat-metadata";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);

        ToolProcess.Result r = kcat("metadata", "", CONSUME_LIMIT, "-L", "-t", topic);

        assertThat(r.exitCode()).as(r.describe()).isZero();
        List<String> lines = r.stdout().stream().map(String::strip).collect(Collectors.toList());
        assertThat(lines).as(r.describe()).containsSubsequence(
                "1 brokers:",
                "broker 1 at 127.0.0.1:" + NODE.port() + " (controller)",
                "1 topics:",
                "topic \"" + topic + "\" with 3 partitions:",
                "partition 0, leader 1, replicas: 1, isrs: 1",
                "partition 1, leader 1, replicas: 1, isrs: 1",
                "partition 2, leader 1, replicas: 1, isrs: 1");
    }

    @Test
    void keyedMessagesToOnePartitionAreConsumedFromTheBeginning() {
        String topic = "kcat-one-partition";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);
        produceKeyed(topic, "-p", "1");

        ToolProcess.Result r = kcat("consume-p1-beginning", "", CONSUME_LIMIT,
                "-C", "-t", topic, "-p", "1", "-o", "beginning", "-e", "-f", "%k:%s:%p:%o\\n");

        assertConsumed(r, List.of("k0:v0:1:0", "k1:v1:1:1", "k2:v2:1:2", "k3:v3:1:3", "k4:v4:1:4"));
    }

    /**
     * The same as above from absolute offset 0: Fetch only, no ListOffsets. Tells a Fetch problem from a
     * ListOffsets one when the test above fails.
     */
    @Test
    void keyedMessagesToOnePartitionAreConsumedFromOffsetZero() {
        String topic = "kcat-offset-zero";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);
        produceKeyed(topic, "-p", "1");

        ToolProcess.Result r = kcat("consume-p1-offset0", "", CONSUME_LIMIT,
                "-C", "-t", topic, "-p", "1", "-o", "0", "-e", "-f", "%k:%s:%p:%o\\n");

        assertConsumed(r, List.of("k0:v0:1:0", "k1:v1:1:1", "k2:v2:1:2", "k3:v3:1:3", "k4:v4:1:4"));
    }

    @Test
    void keyedMessagesAcrossPartitionsAreConsumedFromAllPartitions() {
        String topic = "kcat-all-partitions";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);
        StringBuilder in = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 6; k++) {
                in.append("key").append(k).append(":r").append(round).append('\n');
            }
        }
        ToolProcess.Result produced = kcat("produce-all-partitions", in.toString(), PRODUCE_LIMIT,
                "-P", "-t", topic, "-K:");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();

        // The reference: what the Java consumer reads, partition and offset included.
        List<String> expected = JavaClients.readAll(NODE.bootstrap(), JavaClients.partitions(topic, 3), 12).stream()
                .map(rec -> rec.key() + ":" + rec.value() + ":" + rec.partition() + ":" + rec.offset())
                .collect(Collectors.toList());
        assertThat(expected).as("Java consumer reading what kcat produced").hasSize(12);

        ToolProcess.Result r = kcat("consume-all-beginning", "", CONSUME_LIMIT,
                "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s:%p:%o\\n");

        assertThat(r.exitCode()).as(failure(r)).isZero();
        assertThat(r.stdout()).as(failure(r)).containsExactlyInAnyOrderElementsOf(expected);
        // librdkafka's partitioner keeps a key on one partition, in produce order.
        Map<String, List<String>> byKey = new HashMap<>();
        for (String line : r.stdout()) {
            String[] f = line.split(":");
            byKey.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[2]);
        }
        byKey.forEach((key, parts) -> assertThat(parts).as("partitions of %s", key).containsOnly(parts.get(0)));
    }

    /**
     * librdkafka compresses with a codec only when the broker's ApiVersions makes it think the broker
     * supports it; otherwise it sends the batch uncompressed and says so only in its debug log. The
     * stored batches must carry the codec, and kcat must read the messages back.
     */
    @ParameterizedTest(name = "-z {0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecIsUsedAndReadBack(String codec) {
        String topic = "kcat-codec-" + codec;
        JavaClients.createTopic(NODE.bootstrap(), topic, 1);
        List<String> lines = IntStream.range(0, 20)
                .mapToObj(i -> "k" + i + ":" + (codec + "-value-" + i + "-").repeat(20))
                .collect(Collectors.toList());

        ToolProcess.Result produced = kcat("produce-" + codec, String.join("\n", lines) + "\n", PRODUCE_LIMIT,
                "-P", "-t", topic, "-p", "0", "-K:", "-z", codec, "-d", "msg,protocol");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();

        ToolProcess.Result consumed = kcat("consume-" + codec, "", CONSUME_LIMIT,
                "-C", "-t", topic, "-p", "0", "-o", "0", "-e", "-f", "%k:%s\\n");
        assertThat(consumed.exitCode()).as(failure(consumed)).isZero();
        assertThat(consumed.stdout()).as(failure(consumed)).containsExactlyElementsOf(lines);

        List<RawWire.Batch> batches = RawWire.fetchBatches(NODE.port(), topic, 0);
        List<String> librdkafkaSaid = produced.stderr().stream()
                .filter(l -> l.contains("compression") || l.contains("Produce MessageSet"))
                .map(l -> l.substring(l.indexOf("]: ") + 3)) // drop librdkafka's log prefix
                .collect(Collectors.toList());
        assertThat(batches).as("batches stored for kcat -z %s", codec).isNotEmpty();
        assertThat(batches).as("compression of the stored batches (kcat -z %s); librdkafka said: %s; "
                        + "Potok advertises Produce %s", codec, librdkafkaSaid, produceRange())
                .extracting(RawWire.Batch::compression)
                .containsOnly(CompressionType.forName(codec));
    }

    @Test
    void idempotentProducerGetsAProducerIdAndContiguousSequences() {
        String topic = "kcat-idempotent";
        JavaClients.createTopic(NODE.bootstrap(), topic, 1);
        List<String> lines = IntStream.range(0, 10).mapToObj(i -> "k" + i + ":v" + i).collect(Collectors.toList());

        ToolProcess.Result produced = kcat("produce-idempotent", String.join("\n", lines) + "\n", PRODUCE_LIMIT,
                "-P", "-t", topic, "-p", "0", "-K:", "-X", "enable.idempotence=true", "-d", "protocol,eos");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();
        assertThat(ProtocolTrace.librdkafka(produced.stderr()).sentVersions()).as(produced.describe())
                .anyMatch(v -> v.startsWith("InitProducerId v"));

        ToolProcess.Result consumed = kcat("consume-idempotent", "", CONSUME_LIMIT,
                "-C", "-t", topic, "-p", "0", "-o", "0", "-e", "-f", "%k:%s:%o\\n");
        assertThat(consumed.exitCode()).as(failure(consumed)).isZero();
        assertThat(consumed.stdout()).as(failure(consumed)).containsExactlyElementsOf(
                IntStream.range(0, 10).mapToObj(i -> "k" + i + ":v" + i + ":" + i).collect(Collectors.toList()));

        List<RawWire.Batch> batches = RawWire.fetchBatches(NODE.port(), topic, 0);
        assertThat(batches).isNotEmpty();
        long producerId = batches.get(0).producerId();
        assertThat(producerId).as("producer id in the stored batches %s", batches).isNotNegative();
        int nextSequence = 0;
        for (RawWire.Batch b : batches) {
            assertThat(b.producerId()).as("producer id of %s", b).isEqualTo(producerId);
            assertThat(b.baseSequence()).as("base sequence of %s", b).isEqualTo(nextSequence);
            nextSequence += b.records();
        }
        assertThat(nextSequence).isEqualTo(10);
    }

    @Test
    void headersRoundTrip() {
        String topic = "kcat-headers";
        JavaClients.createTopic(NODE.bootstrap(), topic, 1);

        ToolProcess.Result produced = kcat("produce-headers", "k1:hello\n", PRODUCE_LIMIT,
                "-P", "-t", topic, "-p", "0", "-K:", "-H", "trace=abc-123", "-H", "origin=kcat", "-H", "empty=");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();

        ToolProcess.Result consumed = kcat("consume-headers", "", CONSUME_LIMIT,
                "-C", "-t", topic, "-p", "0", "-o", "0", "-e", "-f", "%h|%k:%s\\n");
        assertThat(consumed.exitCode()).as(failure(consumed)).isZero();
        assertThat(consumed.stdout()).as(failure(consumed))
                .containsExactly("trace=abc-123,origin=kcat,empty=|k1:hello");

        assertThat(JavaClients.readAll(NODE.bootstrap(), JavaClients.partitions(topic, 1), 1))
                .as("headers as the Java consumer reads them")
                .extracting(JavaClients.Read::headers)
                .containsExactly("trace=abc-123,origin=kcat,empty=");
    }

    /** kcat -G: a librdkafka balanced consumer in a group; a second run of the group reads nothing new. */
    @Test
    void groupConsumerReadsEverythingOnceAndCommits() {
        Tools.assumeGroups(NODE.port());
        String topic = "kcat-group";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            records.add(new ProducerRecord<>(topic, i % 3, "k" + i, "v" + i));
            expected.add("k" + i + ":v" + i + ":" + (i % 3));
        }
        JavaClients.produce(NODE.bootstrap(), records);

        Duration groupLimit = Duration.ofSeconds(30);
        // No -o: in -G mode kcat would start every assigned partition there, ignoring the group's commits.
        ToolProcess.Result first = kcat("group-first", "", groupLimit, "-G", "kcat-group-1",
                "-X", "auto.offset.reset=earliest", "-e", "-f", "%k:%s:%p\\n", topic);
        assertThat(first.exitCode()).as(failure(first)).isZero();
        assertThat(first.stdout()).as(failure(first)).containsExactlyInAnyOrderElementsOf(expected);

        ToolProcess.Result second = kcat("group-second", "", groupLimit, "-G", "kcat-group-1",
                "-X", "auto.offset.reset=earliest", "-e", "-f", "%k:%s:%p\\n", topic);
        assertThat(second.exitCode()).as(failure(second)).isZero();
        assertThat(second.stdout()).as("a second run of the group after its commits; " + failure(second)).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private void produceKeyed(String topic, String... extra) {
        List<String> args = new ArrayList<>(List.of("-P", "-t", topic, "-K:"));
        args.addAll(List.of(extra));
        ToolProcess.Result r = kcat("produce-" + topic, "k0:v0\nk1:v1\nk2:v2\nk3:v3\nk4:v4\n", PRODUCE_LIMIT,
                args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    private static void assertConsumed(ToolProcess.Result r, List<String> expected) {
        assertThat(r.exitCode()).as(failure(r)).isZero();
        assertThat(r.stdout()).as(failure(r)).containsExactlyElementsOf(expected);
    }

    /** The tool's output plus, from its protocol log, the requests Potok never answered. */
    private static String failure(ToolProcess.Result r) {
        return ProtocolTrace.librdkafka(r.stderr()).summary() + "\n" + r.describe();
    }

    private static String produceRange() {
        short[] range = RawWire.apiVersions(NODE.port()).get(0);
        return range == null ? "nothing" : "v" + range[0] + "..v" + range[1];
    }

    /** Runs kcat against the node with its protocol debug log on stderr. */
    private static ToolProcess.Result kcat(String name, String stdin, Duration limit, String... args) {
        List<String> command = new ArrayList<>(List.of(kcat.toString(), "-b", NODE.bootstrap(),
                "-X", "broker.address.family=v4"));
        List<String> rest = List.of(args);
        if (!rest.contains("-d") && !rest.contains("-L")) {
            command.addAll(List.of("-d", "protocol"));
        }
        command.addAll(rest);
        return ToolProcess.run("kcat-" + name, command, Map.of(), stdin, limit);
    }
}
