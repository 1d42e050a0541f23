package io.potok.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
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
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (Debian's python3-confluent-kafka, run with
 * /usr/bin/python3) against a real {@code ./potok start} process. The scenarios live in
 * {@code src/test/resources/compat/confluent_kafka_client.py}; they print facts, this class asserts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfluentKafkaPythonCompatTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("ConfluentKafkaPythonCompatTest").build();

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static Path python;

    /** Per test (not per class) so that a missing tool shows as skipped tests with the reason. */
    @BeforeEach
    void findPython() {
        python = Tools.python();
    }

    @Test
    void adminClientCreatesListsAndDeletesTopics() {
        String topic = "py-admin";
        ToolProcess.Result r = python("admin", topic, "3");
        String why = failure(r);
        assertThat(r.exitCode()).as(why).isZero();

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.fact("create")).as(why).containsExactly("create", topic, "NONE");
        soft.assertThat(r.facts("listed")).as(why).first()
                .isEqualTo(List.of("listed", topic, "partitions", "3", "error", "NONE"));
        soft.assertThat(r.facts("partition")).as(why).containsExactly(
                List.of("partition", topic, "0", "leader", "1", "replicas", "1", "isrs", "1"),
                List.of("partition", topic, "1", "leader", "1", "replicas", "1", "isrs", "1"),
                List.of("partition", topic, "2", "leader", "1", "replicas", "1", "isrs", "1"));
        soft.assertThat(r.fact("brokers")).as(why).containsExactly("brokers", "1@127.0.0.1:" + NODE.port());
        soft.assertThat(r.fact("create-again")).as(why).containsExactly("create-again", topic, "TOPIC_ALREADY_EXISTS");
        soft.assertThat(r.fact("delete")).as(why).containsExactly("delete", topic, "NONE");
        soft.assertThat(r.facts("listed")).as(why).last().isEqualTo(List.of("listed", topic, "absent"));
        soft.assertAll();
    }

    /** An idempotent producer with delivery callbacks: every message is reported with its partition and offset. */
    @Test
    void producerDeliveryCallbacksReportPartitionAndOffset() {
        String topic = "py-produce";
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);

        ToolProcess.Result r = python("produce", topic, "3", "9");
        String why = failure(r);
        assertThat(r.exitCode()).as(why).isZero();
        assertThat(r.facts("failed")).as(why).isEmpty();
        // delivered TOPIC PARTITION OFFSET KEY VALUE; message i goes to partition i % 3 at offset i / 3.
        assertThat(r.facts("delivered")).as(why).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9)
                .mapToObj(i -> List.of("delivered", topic, String.valueOf(i % 3), String.valueOf(i / 3), "k" + i, "v" + i))
                .collect(Collectors.toList()));
        assertThat(r.fact("undelivered")).as(why).containsExactly("undelivered", "0");

        assertThat(JavaClients.readAll(NODE.bootstrap(), JavaClients.partitions(topic, 3), 9))
                .as("what the Java consumer reads of it")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9)
                        .mapToObj(i -> new JavaClients.Read(i % 3, i / 3, "k" + i, "v" + i, "h=x" + i))
                        .collect(Collectors.toList()));
    }

    /** assign() at offset 0 on every partition: Fetch only. */
    @Test
    void consumerAssignReadsEveryPartitionFromOffsetZero() {
        assertAssignedConsumerReadsAll("py-assign-zero", "0");
    }

    /** assign() at OFFSET_BEGINNING: librdkafka asks ListOffsets (v2) for the earliest offset first. */
    @Test
    void consumerAssignReadsEveryPartitionFromTheBeginning() {
        assertAssignedConsumerReadsAll("py-assign-beginning", "beginning");
    }

    private void assertAssignedConsumerReadsAll(String topic, String start) {
        JavaClients.createTopic(NODE.bootstrap(), topic, 3);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("h", ("x" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            records.add(new ProducerRecord<>(topic, i % 3, null, "k" + i, "v" + i, headers));
        }
        JavaClients.produce(NODE.bootstrap(), records);

        ToolProcess.Result r = python("consume", topic, "3", "9", start);
        String why = failure(r);
        assertThat(r.exitCode()).as(why).isZero();
        assertThat(r.facts("error")).as(why).isEmpty();
        // message TOPIC PARTITION OFFSET KEY VALUE HEADERS
        assertThat(r.facts("message")).as(why).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 9)
                .mapToObj(i -> List.of("message", topic, String.valueOf(i % 3), String.valueOf(i / 3), "k" + i, "v" + i,
                        "h=x" + i))
                .collect(Collectors.toList()));
        assertThat(r.fact("consumed")).as(why).containsExactly("consumed", "9", "eof", "3");
    }

    private static String failure(ToolProcess.Result r) {
        return ProtocolTrace.librdkafka(r.stderr()).summary() + "\n" + r.describe();
    }

    private static ToolProcess.Result python(String scenario, String... args) {
        List<String> command = new ArrayList<>(List.of(python.toString(),
                Tools.script("confluent_kafka_client.py").toString(), NODE.bootstrap(), scenario));
        command.addAll(List.of(args));
        return ToolProcess.run("python-" + scenario + "-" + String.join("-", args), command,
                Map.of("PYTHONUNBUFFERED", "1", "PYTHONDONTWRITEBYTECODE", "1"), "", LIMIT);
    }
}
