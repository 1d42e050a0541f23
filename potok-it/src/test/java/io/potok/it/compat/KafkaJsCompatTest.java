package io.potok.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.CompressionType;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KafkaJS 2.2.4 (pure JavaScript, its own protocol code: ApiVersions v2, Metadata v6, Produce v7,
 * Fetch v11, ListOffsets v3, CreateTopics v3, DeleteTopics v1) against a real {@code ./potok start}
 * process. The scenarios live in {@code src/test/resources/compat/kafkajs-client.js}; they print
 * facts, this class asserts. KafkaJS runs with its DEBUG log on stderr, from which a failure names
 * the requests Potok never answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaJsCompatTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("KafkaJsCompatTest").build();

    private static final Duration LIMIT = Duration.ofSeconds(40);

    private static Path node;

    /** Per test (not per class) so that a missing tool shows as skipped tests with the reason. */
    @BeforeEach
    void findNode() {
        node = Tools.node();
    }

    @Test
    void adminCreatesDescribesListsOffsetsAndDeletesTopics() {
        String topic = "js-admin";
        ToolProcess.Result r = kafkaJs("admin", topic, "3");
        String why = failure(r);
        assertThat(r.exitCode()).as(why).isZero();

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.fact("created")).as(why).containsExactly("created", topic, "true");
        // KafkaJS answers false for a topic that already exists (TOPIC_ALREADY_EXISTS is not an error to it).
        soft.assertThat(r.fact("created-again")).as(why).containsExactly("created-again", topic, "false");
        soft.assertThat(r.fact("metadata")).as(why).containsExactly("metadata", topic, "partitions", "3");
        soft.assertThat(r.facts("partition")).as(why).containsExactly(
                List.of("partition", topic, "0", "leader", "1", "replicas", "1", "isr", "1", "error", "0"),
                List.of("partition", topic, "1", "leader", "1", "replicas", "1", "isr", "1", "error", "0"),
                List.of("partition", topic, "2", "leader", "1", "replicas", "1", "isr", "1", "error", "0"));
        soft.assertThat(r.fact("sent")).as(why).containsExactly("sent", topic, "3");
        // 5 messages round-robin over 3 partitions: 2, 2, 1.
        soft.assertThat(r.facts("offsets")).as("fetchTopicOffsets (ListOffsets v3); " + why).containsExactly(
                List.of("offsets", topic, "0", "low", "0", "high", "2", "offset", "2"),
                List.of("offsets", topic, "1", "low", "0", "high", "2", "offset", "2"),
                List.of("offsets", topic, "2", "low", "0", "high", "1", "offset", "1"));
        soft.assertThat(r.fact("deleted")).as(why).containsExactly("deleted", topic, "ok");
        soft.assertThat(r.fact("listed")).as(why).containsExactly("listed", topic, "absent");
        soft.assertThat(r.facts("error")).as("errors KafkaJS reported; " + why).isEmpty();
        soft.assertAll();
    }

    @Test
    void producerSendsKeysAndHeadersWithGzip() {
        String topic = "js-produce";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);

        ToolProcess.Result r = kafkaJs("produce", topic, "3", "9");
        String why = failure(r);
        assertThat(r.exitCode()).as(why).isZero();
        assertThat(r.facts("error")).as(why).isEmpty();
        assertThat(r.facts("sent")).as(why).containsExactly(
                List.of("sent", topic, "0", "error", "0", "baseOffset", "0"),
                List.of("sent", topic, "1", "error", "0", "baseOffset", "0"),
                List.of("sent", topic, "2", "error", "0", "baseOffset", "0"));

        String padding = "compressible-".repeat(20);
        assertThat(JavaClients.readAll(NODE.bootstrap(), JavaClients.partitions(topic, 3), 9))
                .as("what the Java consumer reads of it")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9)
                        .mapToObj(i -> new JavaClients.Read(i % 3, i / 3, "k" + i, "v" + i + "-" + padding,
                                "h=x" + i + ",trace=potok"))
                        .collect(Collectors.toList()));
        for (int p = 0; p < 3; p++) {
            assertThat(RawWire.fetchBatches(NODE.port(), topic, p))
                    .as("stored batches of partition %d", p)
                    .extracting(RawWire.Batch::compression)
                    .containsExactly(CompressionType.GZIP);
        }
    }

    /** consumer.run() in a group from the beginning; the offsets it committed are read back with admin.fetchOffsets. */
    @Test
    void groupConsumerRunConsumesWhatWasProducedAndCommits() {
        Tools.assumeGroups(NODE.port());
        String topic = "js-group";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("h", ("x" + i).getBytes(StandardCharsets.UTF_8));
            records.add(new ProducerRecord<>(topic, i % 3, null, "k" + i, "v" + i, headers));
        }
        JavaClients.produce(NODE.bootstrap(), records);

        ToolProcess.Result r = kafkaJs("group", topic, "js-group-1", "9");
        String why = failure(r);
        assertThat(r.exitCode()).as(why).isZero();
        assertThat(r.facts("error")).as(why).isEmpty();
        assertThat(r.facts("message")).as(why).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9)
                .mapToObj(i -> List.of("message", topic, String.valueOf(i % 3), String.valueOf(i / 3), "k" + i,
                        "v" + i, "h=x" + i))
                .collect(Collectors.toList()));
        assertThat(r.fact("consumed")).as(why).containsExactly("consumed", "9", "all");
        assertThat(r.facts("committed")).as(why).containsExactly(
                List.of("committed", topic, "0", "3"),
                List.of("committed", topic, "1", "3"),
                List.of("committed", topic, "2", "3"));
    }

    private static String failure(ToolProcess.Result r) {
        return ProtocolTrace.kafkaJs(r.stderr()).summary() + "\n" + r.describe();
    }

    private static ToolProcess.Result kafkaJs(String scenario, String... args) {
        List<String> command = new ArrayList<>(List.of(node.toString(), Tools.script("kafkajs-client.js").toString(),
                NODE.bootstrap(), scenario));
        command.addAll(List.of(args));
        return ToolProcess.run("kafkajs-" + scenario + "-" + String.join("-", args), command,
                Map.of("NODE_PATH", Tools.kafkaJsModules().toString(), "KAFKAJS_LOG", "debug",
                        "KAFKAJS_NO_PARTITIONER_WARNING", "1"), "", LIMIT);
    }
}
