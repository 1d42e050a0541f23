package io.potok.it.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.potok.it.PotokNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.tools.ConfigCommand;
import org.apache.kafka.tools.ConsoleProducer;
import org.apache.kafka.tools.ConsumerPerformance;
import org.apache.kafka.tools.DeleteRecordsCommand;
import org.apache.kafka.tools.GetOffsetShell;
import org.apache.kafka.tools.LeaderElectionCommand;
import org.apache.kafka.tools.LogDirsCommand;
import org.apache.kafka.tools.ProducerPerformance;
import org.apache.kafka.tools.TopicCommand;
import org.apache.kafka.tools.consumer.ConsoleConsumer;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Kafka 4.4.0's own command-line tools against one real Potok process. The expected lines
 * are what the same commands print against Apache Kafka 4.4.0 (recorded with
 * {@code /work/shared/bench/kafka-anchor.sh}); where Kafka's output depends on its own set-up (its
 * sample {@code server.properties} sets {@code log.segment.bytes} statically, and its controller
 * writes {@code min.insync.replicas} as a dynamic default) the expectation is Potok's equivalent.
 *
 * <p>Each test uses its own topics and groups; tests that change broker configs put them back.
 */
class KafkaToolsTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("KafkaToolsTest").build();

    private static Admin admin;

    @TempDir
    Path tmp;

    @BeforeAll
    static void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, NODE.bootstrap()));
    }

    @AfterAll
    static void disconnect() {
        if (admin != null) {
            admin.close();
        }
    }

    // ------------------------------------------------------------------ kafka-topics

    @Test
    void topicsCreateListDescribeAlterDelete() throws Exception {
        KafkaTool.Result created = topics("--create", "--topic", "tp-orders", "--partitions", "3",
                "--replication-factor", "1");
        assertThat(created.exitCode()).as("%s", created).isZero();
        assertThat(created.lines()).containsExactly("Created topic tp-orders.");

        KafkaTool.Result list = topics("--list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.lines()).contains("tp-orders");

        String id = topicId("tp-orders");
        KafkaTool.Result described = topics("--describe", "--topic", "tp-orders");
        assertThat(described.exitCode()).as("%s", described).isZero();
        assertThat(described.lines()).containsExactly(
                "Topic: tp-orders\tTopicId: " + id + "\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: ",
                partitionLine("tp-orders", 0),
                partitionLine("tp-orders", 1),
                partitionLine("tp-orders", 2));

        KafkaTool.Result altered = topics("--alter", "--topic", "tp-orders", "--partitions", "4");
        assertThat(altered.exitCode()).as("%s", altered).isZero();
        assertThat(altered.out()).isEmpty();
        assertThat(topics("--describe", "--topic", "tp-orders").lines()).containsExactly(
                "Topic: tp-orders\tTopicId: " + id + "\tPartitionCount: 4\tReplicationFactor: 1\tConfigs: ",
                partitionLine("tp-orders", 0),
                partitionLine("tp-orders", 1),
                partitionLine("tp-orders", 2),
                partitionLine("tp-orders", 3));

        KafkaTool.Result fewer = topics("--alter", "--topic", "tp-orders", "--partitions", "2");
        assertThat(fewer.exitCode()).isEqualTo(1);
        assertThat(fewer.lines()).containsExactly("Error while executing topic command : Topic currently has 4 "
                + "partitions, which is higher than the requested 2.");

        KafkaTool.Result deleted = topics("--delete", "--topic", "tp-orders");
        assertThat(deleted.exitCode()).as("%s", deleted).isZero();
        assertThat(deleted.out()).isEmpty();
        assertThat(topics("--list").lines()).doesNotContain("tp-orders");

        KafkaTool.Result missing = topics("--describe", "--topic", "tp-orders");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.lines()).first().isEqualTo(
                "Error while executing topic command : Topic 'tp-orders' does not exist as expected");
    }

    @Test
    void topicsCreateWithConfigsShowsThemInDescribe() throws Exception {
        KafkaTool.Result created = topics("--create", "--topic", "tp-configs", "--partitions", "1",
                "--config", "retention.ms=1000", "--config", "cleanup.policy=compact");
        assertThat(created.lines()).containsExactly("Created topic tp-configs.");
        assertThat(topics("--describe", "--topic", "tp-configs").lines()).containsExactly(
                "Topic: tp-configs\tTopicId: " + topicId("tp-configs")
                        + "\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=1000",
                partitionLine("tp-configs", 0));
    }

    // ------------------------------------------------------------------ kafka-configs

    @Test
    void configsDescribeAndAlterTopicConfigs() throws Exception {
        createTopic("cf-topic", 1);
        KafkaTool.Result empty = configs("--describe", "--entity-type", "topics", "--entity-name", "cf-topic");
        assertThat(empty.lines()).containsExactly("Dynamic configs for topic cf-topic are:");

        KafkaTool.Result altered = configs("--alter", "--entity-type", "topics", "--entity-name", "cf-topic",
                "--add-config", "retention.ms=3600000,cleanup.policy=compact");
        assertThat(altered.exitCode()).as("%s", altered).isZero();
        assertThat(altered.lines()).containsExactly("Completed updating config for topic cf-topic.");
        assertThat(configs("--describe", "--entity-type", "topics", "--entity-name", "cf-topic").lines())
                .containsExactly("Dynamic configs for topic cf-topic are:",
                        "  cleanup.policy=compact sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,"
                                + " DEFAULT_CONFIG:log.cleanup.policy=delete}",
                        "  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000}");

        KafkaTool.Result deleted = configs("--alter", "--entity-type", "topics", "--entity-name", "cf-topic",
                "--delete-config", "cleanup.policy");
        assertThat(deleted.lines()).containsExactly("Completed updating config for topic cf-topic.");
        assertThat(configs("--describe", "--entity-type", "topics", "--entity-name", "cf-topic").lines())
                .containsExactly("Dynamic configs for topic cf-topic are:",
                        "  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000}");

        KafkaTool.Result all = configs("--describe", "--entity-type", "topics", "--entity-name", "cf-topic", "--all");
        assertThat(all.lines()).first().isEqualTo("All configs for topic cf-topic are:");
        assertThat(all.lines()).contains(
                "  cleanup.policy=delete sensitive=false synonyms={DEFAULT_CONFIG:log.cleanup.policy=delete}",
                "  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000}",
                "  max.message.bytes=1048588 sensitive=false synonyms={DEFAULT_CONFIG:message.max.bytes=1048588}",
                "  segment.ms=604800000 sensitive=false synonyms={}",
                "  flush.ms=9223372036854775807 sensitive=false synonyms={}");

        KafkaTool.Result bad = configs("--alter", "--entity-type", "topics", "--entity-name", "cf-topic",
                "--add-config", "retention.ms=abc");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("org.apache.kafka.common.errors.InvalidConfigurationException: "
                + "Invalid value abc for configuration retention.ms");
        KafkaTool.Result unknown = configs("--alter", "--entity-type", "topics", "--entity-name", "cf-topic",
                "--add-config", "foo.bar=1");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("InvalidConfigurationException").contains("foo.bar");
    }

    @Test
    void configsAlterAndDescribeDynamicBrokerConfigs() throws Exception {
        createTopic("cf-broker", 1);
        try {
            assertThat(configs("--describe", "--entity-type", "brokers", "--entity-name", "1").lines())
                    .containsExactly("Dynamic configs for broker 1 are:");

            KafkaTool.Result perBroker = configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                    "--add-config", "log.cleaner.threads=2,message.max.bytes=2000000");
            assertThat(perBroker.exitCode()).as("%s", perBroker).isZero();
            assertThat(perBroker.lines()).containsExactly("Completed updating config for broker 1.");
            KafkaTool.Result clusterDefault = configs("--alter", "--entity-type", "brokers", "--entity-default",
                    "--add-config", "log.retention.ms=7200000");
            assertThat(clusterDefault.lines()).containsExactly("Completed updating default config for brokers in the cluster.");

            assertThat(configs("--describe", "--entity-type", "brokers", "--entity-name", "1").lines()).containsExactly(
                    "Dynamic configs for broker 1 are:",
                    "  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2,"
                            + " DEFAULT_CONFIG:log.cleaner.threads=1}",
                    "  message.max.bytes=2000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:message.max.bytes=2000000,"
                            + " DEFAULT_CONFIG:message.max.bytes=1048588}");
            assertThat(configs("--describe", "--entity-type", "brokers", "--entity-default").lines()).containsExactly(
                    "Default configs for brokers in the cluster are:",
                    "  log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000}");
            assertThat(configs("--describe", "--entity-type", "brokers").lines()).containsExactly(
                    "Dynamic configs for broker 1 are:",
                    "  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2,"
                            + " DEFAULT_CONFIG:log.cleaner.threads=1}",
                    "  message.max.bytes=2000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:message.max.bytes=2000000,"
                            + " DEFAULT_CONFIG:message.max.bytes=1048588}",
                    "Default configs for brokers in the cluster are:",
                    "  log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000}");

            // A topic without overrides takes its defaults from the dynamic broker configs, as in Kafka.
            assertThat(configs("--describe", "--entity-type", "topics", "--entity-name", "cf-broker", "--all").lines())
                    .contains("  retention.ms=7200000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:"
                                    + "log.retention.ms=7200000, DEFAULT_CONFIG:log.retention.hours=168}",
                            "  max.message.bytes=2000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:"
                                    + "message.max.bytes=2000000, DEFAULT_CONFIG:message.max.bytes=1048588}");
            assertThat(topics("--describe", "--topic", "cf-broker").lines()).first().asString()
                    .endsWith("\tConfigs: retention.ms=7200000,max.message.bytes=2000000");

            // Kafka's refusals, word for word.
            assertRefused(configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                            "--add-config", "log.dirs=/tmp/x"),
                    "org.apache.kafka.common.errors.InvalidRequestException: Cannot update these configs dynamically: [log.dirs]");
            assertRefused(configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                            "--add-config", "node.id=5,log.dirs=/x"),
                    "org.apache.kafka.common.errors.InvalidRequestException: Cannot update these configs dynamically: "
                            + "[node.id, log.dirs]");
            assertRefused(configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                            "--add-config", "message.max.bytes=abc"),
                    "org.apache.kafka.common.errors.InvalidRequestException: Invalid value abc for configuration "
                            + "message.max.bytes: Not a number of type INT");
            assertRefused(configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                            "--add-config", "num.io.threads=0"),
                    "org.apache.kafka.common.errors.InvalidRequestException: Invalid value 0 for configuration "
                            + "num.io.threads: Value must be at least 1");
            assertRefused(configs("--alter", "--entity-type", "brokers", "--entity-default",
                            "--add-config", "listeners=PLAINTEXT://:9999"),
                    "org.apache.kafka.common.errors.InvalidRequestException: Cannot update these configs at default "
                            + "cluster level, broker id must be specified: [listeners]");

            KafkaTool.Result removed = configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                    "--delete-config", "log.cleaner.threads,message.max.bytes");
            assertThat(removed.lines()).containsExactly("Completed updating config for broker 1.");
            assertThat(configs("--describe", "--entity-type", "brokers", "--entity-name", "1").lines())
                    .containsExactly("Dynamic configs for broker 1 are:");
        } finally {
            configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                    "--delete-config", "log.cleaner.threads,message.max.bytes");
            configs("--alter", "--entity-type", "brokers", "--entity-default", "--delete-config", "log.retention.ms");
        }
        assertThat(configs("--describe", "--entity-type", "brokers", "--entity-default").lines())
                .containsExactly("Default configs for brokers in the cluster are:");
    }

    // ------------------------------------------------------------------ console producer and consumer, groups

    @Test
    void consoleProducerAndConsumerWithKeys() throws Exception {
        createTopic("cp-keys", 1);
        KafkaTool.Result produced = KafkaTool.runWithInput(ConsoleProducer::main, "k1:hello\nk2:world\nk3:again\nk4:more\n",
                "--bootstrap-server", NODE.bootstrap(), "--topic", "cp-keys",
                "--reader-property", "parse.key=true", "--reader-property", "key.separator=:");
        assertThat(produced.exitCode()).as("%s", produced).isZero();
        assertThat(produced.out()).isEmpty();

        KafkaTool.Result all = consume("cp-keys", "--from-beginning", "--max-messages", "4",
                "--formatter-property", "print.key=true");
        assertThat(all.exitCode()).as("%s", all).isZero();
        assertThat(all.lines()).containsExactly("k1\thello", "k2\tworld", "k3\tagain", "k4\tmore");
        assertThat(all.err()).contains("Processed a total of 4 messages");

        KafkaTool.Result two = consume("cp-keys", "--from-beginning", "--max-messages", "2",
                "--formatter-property", "print.key=true", "--formatter-property", "print.offset=true",
                "--formatter-property", "key.separator=|");
        assertThat(two.lines()).containsExactly("Offset:0|k1|hello", "Offset:1|k2|world");
        assertThat(two.err()).contains("Processed a total of 2 messages");

        KafkaTool.Result fromOffset = consume("cp-keys", "--partition", "0", "--offset", "2", "--max-messages", "2");
        assertThat(fromOffset.lines()).containsExactly("again", "more");
    }

    @Test
    void consumerGroupsListDescribeResetDelete() throws Exception {
        createTopic("cg-topic", 2);
        produceLines("cg-topic", "a\nb\nc\nd\ne\nf\n");
        KafkaTool.Result consumed = consume("cg-topic", "--from-beginning", "--max-messages", "6", "--group", "cg-group");
        assertThat(consumed.lines()).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
        long end0 = endOffset("cg-topic", 0);
        long end1 = endOffset("cg-topic", 1);
        assertThat(end0 + end1).isEqualTo(6);
        produceLines("cg-topic", "g\nh\n");
        long newEnd0 = endOffset("cg-topic", 0);
        long newEnd1 = endOffset("cg-topic", 1);

        assertThat(groups("--list").lines()).contains("cg-group");

        KafkaTool.Result described = groups("--describe", "--group", "cg-group");
        assertThat(described.exitCode()).as("%s", described).isZero();
        assertThat(described.err()).contains("Consumer group 'cg-group' has no active members.");
        assertThat(described.lines()).containsExactly("",
                offsetsHeader(),
                offsetsRow("cg-group", "cg-topic", 0, end0, newEnd0),
                offsetsRow("cg-group", "cg-topic", 1, end1, newEnd1));

        KafkaTool.Result state = groups("--describe", "--group", "cg-group", "--state");
        assertThat(state.lines()).containsExactly("",
                "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS",
                String.format("%-15s %-25s %-20s %-20s %s", "cg-group", NODE.bootstrap() + "  (1)", "-", "Empty", "0"));

        KafkaTool.Result dryRun = groups("--reset-offsets", "--to-earliest", "--group", "cg-group", "--topic",
                "cg-topic", "--dry-run");
        assertThat(dryRun.lines()).containsExactlyInAnyOrder("",
                "GROUP           TOPIC           PARTITION  NEW-OFFSET",
                "cg-group        cg-topic        0          0",
                "cg-group        cg-topic        1          0");
        KafkaTool.Result reset = groups("--reset-offsets", "--to-earliest", "--group", "cg-group", "--topic",
                "cg-topic", "--execute");
        assertThat(reset.exitCode()).as("%s", reset).isZero();
        assertThat(reset.lines()).containsExactlyInAnyOrder("",
                "GROUP           TOPIC           PARTITION  NEW-OFFSET",
                "cg-group        cg-topic        0          0",
                "cg-group        cg-topic        1          0");
        assertThat(groups("--describe", "--group", "cg-group").lines()).containsExactly("",
                offsetsHeader(),
                offsetsRow("cg-group", "cg-topic", 0, 0, newEnd0),
                offsetsRow("cg-group", "cg-topic", 1, 0, newEnd1));

        KafkaTool.Result deleted = groups("--delete", "--group", "cg-group");
        assertThat(deleted.lines()).containsExactly("Deletion of requested consumer groups ('cg-group') was successful.");
        assertThat(groups("--list").lines()).doesNotContain("cg-group");
    }

    // ------------------------------------------------------------------ offsets, delete-records, log dirs

    @Test
    void getOffsetsAndDeleteRecords() throws Exception {
        createTopic("dr-topic", 2);
        produceTo("dr-topic", 0, 5);
        produceTo("dr-topic", 1, 3);

        assertThat(getOffsets("--topic", "dr-topic").lines()).containsExactly("dr-topic:0:5", "dr-topic:1:3");
        assertThat(getOffsets("--topic", "dr-topic", "--time", "-2").lines()).containsExactly("dr-topic:0:0", "dr-topic:1:0");
        assertThat(getOffsets("--topic", "dr-topic", "--partitions", "1", "--time", "latest").lines())
                .containsExactly("dr-topic:1:3");

        Path json = tmp.resolve("offsets.json");
        Files.writeString(json, "{\"partitions\":[{\"topic\":\"dr-topic\",\"partition\":0,\"offset\":3},"
                + "{\"topic\":\"dr-topic\",\"partition\":1,\"offset\":-1}],\"version\":1}", StandardCharsets.UTF_8);
        KafkaTool.Result deleted = KafkaTool.run(DeleteRecordsCommand::main, "--bootstrap-server", NODE.bootstrap(),
                "--offset-json-file", json.toString());
        assertThat(deleted.exitCode()).as("%s", deleted).isZero();
        assertThat(deleted.lines()).containsExactlyInAnyOrder("Executing records delete operation",
                "Records delete operation completed:",
                "partition: dr-topic-0\tlow_watermark: 3",
                "partition: dr-topic-1\tlow_watermark: 3");
        assertThat(deleted.lines().subList(0, 2)).containsExactly("Executing records delete operation",
                "Records delete operation completed:");
        assertThat(getOffsets("--topic", "dr-topic", "--time", "-2").lines()).containsExactly("dr-topic:0:3", "dr-topic:1:3");
        assertThat(getOffsets("--topic", "dr-topic").lines()).containsExactly("dr-topic:0:5", "dr-topic:1:3");

        Path beyond = tmp.resolve("beyond.json");
        Files.writeString(beyond, "{\"partitions\":[{\"topic\":\"dr-topic\",\"partition\":0,\"offset\":99}],\"version\":1}",
                StandardCharsets.UTF_8);
        KafkaTool.Result refused = KafkaTool.run(DeleteRecordsCommand::main, "--bootstrap-server", NODE.bootstrap(),
                "--offset-json-file", beyond.toString());
        // DeleteRecords answers carry no message: the text is the client's for OFFSET_OUT_OF_RANGE, as with Kafka.
        assertThat(refused.lines()).containsExactly("Executing records delete operation",
                "Records delete operation completed:",
                "partition: dr-topic-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: "
                        + "The requested offset is not within the range of offsets maintained by the server.");
    }

    @Test
    void metadataQuorumDescribesTheOneVoter() {
        KafkaTool.Result status = KafkaTool.run(org.apache.kafka.tools.MetadataQuorumCommand::main, "--bootstrap-server",
                NODE.bootstrap(), "describe", "--status");
        assertThat(status.exitCode()).as("%s", status).isZero();
        List<String> lines = status.lines();
        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).matches("ClusterId:\\s+\\S+");
        assertThat(lines.get(1)).isEqualTo("LeaderId:               1");
        assertThat(lines.get(2)).matches("LeaderEpoch:\\s+[1-9]\\d*");
        assertThat(lines.get(3)).matches("HighWatermark:\\s+[1-9]\\d*");
        assertThat(lines.get(4)).isEqualTo("MaxFollowerLag:         0");
        assertThat(lines.get(5)).isEqualTo("MaxFollowerLagTimeMs:   0");
        assertThat(lines.get(6)).matches("CurrentVoters:\\s+\\[\\{\"id\": 1, \"endpoints\": "
                + "\\[\"CONTROLLER://[^\"]+:\\d+\"]}]");
        assertThat(lines.get(7)).isEqualTo("CurrentObservers:       []");

        KafkaTool.Result replication = KafkaTool.run(org.apache.kafka.tools.MetadataQuorumCommand::main,
                "--bootstrap-server", NODE.bootstrap(), "describe", "--replication", "--human-readable");
        assertThat(replication.exitCode()).as("%s", replication).isZero();
        assertThat(replication.lines()).hasSize(2);
        assertThat(replication.lines().get(0).split("\\s+")).containsExactly("NodeId", "DirectoryId", "LogEndOffset",
                "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status");
        assertThat(replication.lines().get(1)).matches("1\\s+AAAAAAAAAAAAAAAAAAAAAA\\s+[1-9]\\d*\\s+0\\s+\\d+ ms ago"
                + "\\s+\\d+ ms ago\\s+Leader\\s*");
    }

    @Test
    void logDirsListsEveryPartitionWithItsSize() throws Exception {
        createTopic("ld-topic", 2);
        produceTo("ld-topic", 0, 10);
        KafkaTool.Result result = KafkaTool.run(LogDirsCommand::main, "--bootstrap-server", NODE.bootstrap(),
                "--describe", "--topic-list", "ld-topic");
        assertThat(result.exitCode()).as("%s", result).isZero();
        List<String> lines = result.lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("Querying brokers for log directories information");
        assertThat(lines.get(1)).isEqualTo("Received log directory information from brokers 1");
        // The tool prints one JSON document; its partition order is a HashMap's, so compare it parsed.
        JsonNode json = new ObjectMapper().readTree(lines.get(2));
        assertThat(json.get("version").asInt()).isEqualTo(1);
        assertThat(json.get("brokers")).hasSize(1);
        JsonNode broker = json.get("brokers").get(0);
        assertThat(broker.get("broker").asInt()).isEqualTo(1);
        assertThat(broker.get("logDirs")).hasSize(1);
        JsonNode dir = broker.get("logDirs").get(0);
        assertThat(dir.get("logDir").asText()).isEqualTo(NODE.dataDir().resolve("data").toString());
        assertThat(dir.get("error").isNull()).isTrue();
        Map<String, JsonNode> partitions = new java.util.TreeMap<>();
        dir.get("partitions").forEach(p -> partitions.put(p.get("partition").asText(), p));
        assertThat(partitions).containsOnlyKeys("ld-topic-0", "ld-topic-1");
        assertThat(partitions.get("ld-topic-0").get("size").asLong()).isPositive();
        assertThat(partitions.get("ld-topic-1").get("size").asLong()).isZero();
        for (JsonNode p : partitions.values()) {
            assertThat(p.get("offsetLag").asLong()).isZero();
            assertThat(p.get("isFuture").asBoolean()).isFalse();
        }
        assertThat(partitions.get("ld-topic-0").get("size").asLong())
                .as("the size DescribeLogDirs reports is the partition's files")
                .isEqualTo(logSize(NODE.dataDir().resolve("data").resolve("ld-topic-0")));
    }

    private static long logSize(Path partitionDir) throws java.io.IOException {
        try (var files = Files.list(partitionDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }

    // ------------------------------------------------------------------ kafka-leader-election (one node)

    @Test
    void leaderElectionOnOneNodeHasNothingToDo() throws Exception {
        createTopic("le-topic", 2);
        KafkaTool.Result all = election("--election-type", "preferred", "--all-topic-partitions");
        assertThat(all.exitCode()).as("%s", all).isZero();
        assertThat(all.out()).isEmpty();

        KafkaTool.Result one = election("--election-type", "preferred", "--topic", "le-topic", "--partition", "0");
        assertThat(one.exitCode()).isZero();
        assertThat(one.lines()).containsExactly("Valid replica already elected for partitions le-topic-0");

        KafkaTool.Result unclean = election("--election-type", "unclean", "--topic", "le-topic", "--partition", "1");
        assertThat(unclean.exitCode()).isZero();
        assertThat(unclean.lines()).containsExactly("Valid replica already elected for partitions le-topic-1");

        Path json = tmp.resolve("election.json");
        Files.writeString(json, "{\"partitions\":[{\"topic\":\"le-topic\",\"partition\":0},"
                + "{\"topic\":\"le-topic\",\"partition\":1}]}", StandardCharsets.UTF_8);
        KafkaTool.Result fromFile = election("--election-type", "preferred", "--path-to-json-file", json.toString());
        assertThat(fromFile.lines()).containsExactly("Valid replica already elected for partitions le-topic-0, le-topic-1");

        KafkaTool.Result unknown = election("--election-type", "preferred", "--topic", "le-nope", "--partition", "0");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.lines()).first().isEqualTo("Error completing leader election (PREFERRED) for partition: "
                + "le-nope-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such topic as le-nope");
    }

    // ------------------------------------------------------------------ perf tests

    @Test
    void producerAndConsumerPerfTests() throws Exception {
        createTopic("perf-topic", 1);
        KafkaTool.Result produced = KafkaTool.run(ProducerPerformance::main, "--topic", "perf-topic",
                "--num-records", "500", "--record-size", "100", "--throughput", "-1",
                "--bootstrap-server", NODE.bootstrap(), "--command-property", "acks=all", "linger.ms=5");
        assertThat(produced.exitCode()).as("%s", produced).isZero();
        assertThat(produced.lines()).last().asString().matches("500 records sent, [0-9.]+ records/sec \\([0-9.]+ MB/sec\\), "
                + "[0-9.]+ ms avg latency, [0-9.]+ ms max latency, [0-9]+ ms 50th, [0-9]+ ms 95th, [0-9]+ ms 99th, "
                + "[0-9]+ ms 99.9th\\.");
        assertThat(endOffset("perf-topic", 0)).isEqualTo(500);

        KafkaTool.Result consumed = KafkaTool.run(ConsumerPerformance::main, "--bootstrap-server", NODE.bootstrap(),
                "--topic", "perf-topic", "--num-records", "500", "--timeout", "30000");
        assertThat(consumed.exitCode()).as("%s", consumed).isZero();
        assertThat(consumed.lines()).hasSize(2);
        assertThat(consumed.lines().get(0)).isEqualTo("start.time, end.time, data.consumed.in.MB, MB.sec, "
                + "data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec");
        String[] fields = consumed.lines().get(1).split(", ");
        assertThat(fields).hasSize(10);
        assertThat(fields[2]).isEqualTo("0.0477"); // 500 x 100 bytes in MiB
        assertThat(fields[4]).isEqualTo("500");
    }

    // ------------------------------------------------------------------ helpers

    private static KafkaTool.Result topics(String... args) {
        return KafkaTool.run(TopicCommand::main, withBootstrap(args));
    }

    private static KafkaTool.Result configs(String... args) {
        return KafkaTool.run(ConfigCommand::main, withBootstrap(args));
    }

    private static KafkaTool.Result groups(String... args) {
        return KafkaTool.run(ConsumerGroupCommand::main, withBootstrap(args));
    }

    private static KafkaTool.Result getOffsets(String... args) {
        return KafkaTool.run(GetOffsetShell::main, withBootstrap(args));
    }

    private static KafkaTool.Result election(String... args) {
        return KafkaTool.run(LeaderElectionCommand::main, withBootstrap(args));
    }

    private static KafkaTool.Result consume(String topic, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", NODE.bootstrap(), "--topic", topic,
                "--timeout-ms", "20000"));
        all.addAll(List.of(args));
        return KafkaTool.run(ConsoleConsumer::main, all.toArray(String[]::new));
    }

    private static String[] withBootstrap(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", NODE.bootstrap()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static void assertRefused(KafkaTool.Result result, String cause) {
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err()).contains("Caused by: " + cause + "\n");
    }

    private static String partitionLine(String topic, int partition) {
        return "\tTopic: " + topic + "\tPartition: " + partition + "\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ";
    }

    private static String offsetsHeader() {
        return String.format("%-15s %-15s %-10s %-15s %-15s %-15s %-15s %-15s %s", "GROUP", "TOPIC", "PARTITION",
                "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
    }

    private static String offsetsRow(String group, String topic, int partition, long committed, long end) {
        return String.format("%-15s %-15s %-10s %-15s %-15s %-15s %-15s %-15s %s", group, topic, partition, committed,
                end, end - committed, "-", "-", "-");
    }

    private static String topicId(String topic) throws Exception {
        Uuid id = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).topicId();
        return id.toString();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(20, TimeUnit.SECONDS);
    }

    private static long endOffset(String topic, int partition) {
        String line = getOffsets("--topic", topic, "--partitions", Integer.toString(partition)).lines().get(0);
        return Long.parseLong(line.substring(line.lastIndexOf(':') + 1));
    }

    private static void produceLines(String topic, String lines) {
        KafkaTool.Result r = KafkaTool.runWithInput(ConsoleProducer::main, lines, "--bootstrap-server", NODE.bootstrap(),
                "--topic", topic);
        assertThat(r.exitCode()).as("%s", r).isZero();
    }

    /** {@code count} records into one partition, with the console producer's partition option. */
    private static void produceTo(String topic, int partition, int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append("v").append(i).append('\n');
        }
        KafkaTool.Result r = KafkaTool.runWithInput(ConsoleProducer::main, lines.toString(), "--bootstrap-server",
                NODE.bootstrap(), "--topic", topic, "--command-property", "partitioner.class="
                        + FixedPartitioner.class.getName(), "--command-property", FixedPartitioner.PARTITION + "=" + partition);
        assertThat(r.exitCode()).as("%s", r).isZero();
    }
}
