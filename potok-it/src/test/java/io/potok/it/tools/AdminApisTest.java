package io.potok.it.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.potok.it.PotokNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin APIs behind Kafka's tools, through the Java Admin client (and the raw protocol for the
 * old AlterConfigs, which Admin 4.x no longer sends): what the tools do not reach, such as APPEND and
 * SUBTRACT, Kafka's refusals of malformed changes, pagination of DescribeTopicPartitions and
 * DescribeProducers' fields. Expected errors and messages are Kafka 4.4's for the same calls.
 */
class AdminApisTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("AdminApisTest").build();

    private static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "1");
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");

    private static Admin admin;

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

    @Test
    void advertisesTheVersionsKafkaClients4Use() throws Exception {
        ApiVersionsResponse response = (ApiVersionsResponse) send(new ApiVersionsRequest.Builder(), (short) 3);
        Map<ApiKeys, String> expected = Map.of(
                ApiKeys.ALTER_CONFIGS, "0-2",
                ApiKeys.INCREMENTAL_ALTER_CONFIGS, "0-1",
                ApiKeys.DESCRIBE_CONFIGS, "1-4",
                ApiKeys.DESCRIBE_LOG_DIRS, "1-5",
                ApiKeys.DESCRIBE_PRODUCERS, "0-0",
                ApiKeys.ELECT_LEADERS, "0-2",
                ApiKeys.DESCRIBE_TOPIC_PARTITIONS, "0-0",
                ApiKeys.DESCRIBE_QUORUM, "0-2",
                ApiKeys.DESCRIBE_CLIENT_QUOTAS, "0-1",
                ApiKeys.ALTER_CLIENT_QUOTAS, "0-1");
        expected.forEach((api, range) -> {
            ApiVersion v = response.data().apiKeys().find(api.id);
            assertThat(v).as("%s in ApiVersions", api).isNotNull();
            assertThat(v.minVersion() + "-" + v.maxVersion()).as("%s versions", api).isEqualTo(range);
        });
    }

    @Test
    void aclRequestsGetTheAnswersOfABrokerWithoutAnAuthorizer() {
        // Kafka's two messages: DescribeAcls builds its own, create and delete carry the exception's.
        assertThatThrownBy(() -> admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values()
                .get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.SecurityDisabledException.class)
                .hasMessageContaining("No Authorizer is configured on the broker");
        org.apache.kafka.common.acl.AclBinding binding = new org.apache.kafka.common.acl.AclBinding(
                new org.apache.kafka.common.resource.ResourcePattern(org.apache.kafka.common.resource.ResourceType.TOPIC,
                        "acl-topic", org.apache.kafka.common.resource.PatternType.LITERAL),
                new org.apache.kafka.common.acl.AccessControlEntry("User:alice", "*",
                        org.apache.kafka.common.acl.AclOperation.READ,
                        org.apache.kafka.common.acl.AclPermissionType.ALLOW));
        assertThatThrownBy(() -> admin.createAcls(List.of(binding)).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.SecurityDisabledException.class)
                .hasMessageContaining("No Authorizer is configured.");
        assertThatThrownBy(() -> admin.deleteAcls(List.of(org.apache.kafka.common.acl.AclBindingFilter.ANY)).all()
                .get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(org.apache.kafka.common.errors.SecurityDisabledException.class)
                .hasMessageContaining("No Authorizer is configured.");
    }

    @Test
    void appendAndSubtractOnListConfigs() throws Exception {
        createTopic("ap-topic", 1);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "ap-topic");

        // The current value of an unset key is its default ("delete").
        alter(topic, op("cleanup.policy", "compact", OpType.APPEND));
        assertThat(value(topic, "cleanup.policy")).isEqualTo("delete,compact");
        alter(topic, op("cleanup.policy", "compact", OpType.APPEND));
        assertThat(value(topic, "cleanup.policy")).isEqualTo("delete,compact");
        alter(topic, op("cleanup.policy", "delete", OpType.SUBTRACT));
        assertThat(value(topic, "cleanup.policy")).isEqualTo("compact");
        assertThat(entry(topic, "cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        try {
            alter(BROKER, op("log.cleanup.policy", "compact", OpType.APPEND));
            assertThat(value(BROKER, "log.cleanup.policy")).isEqualTo("delete,compact");
            assertThat(entry(BROKER, "log.cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            alter(BROKER, op("log.cleanup.policy", "delete", OpType.SUBTRACT));
            assertThat(value(BROKER, "log.cleanup.policy")).isEqualTo("compact");
        } finally {
            alter(BROKER, op("log.cleanup.policy", null, OpType.DELETE));
        }
        assertThat(entry(BROKER, "log.cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void malformedChangesAreRefusedLikeKafka() throws Exception {
        createTopic("bad-topic", 1);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "bad-topic");

        assertRefused(topic, InvalidConfigurationException.class,
                "Can't APPEND to key retention.ms because its type is not LIST.", op("retention.ms", "5", OpType.APPEND));
        assertRefused(topic, InvalidRequestException.class, "Null value not supported for : retention.ms",
                op("retention.ms", null, OpType.SET));
        assertRefused(topic, InvalidRequestException.class, "Error due to duplicate config keys",
                op("retention.ms", "1", OpType.SET), op("retention.ms", "2", OpType.SET));
        assertRefused(BROKER, InvalidConfigurationException.class,
                "Config value append is not allowed for config key: message.max.bytes",
                op("message.max.bytes", "5", OpType.APPEND));
        assertRefused(BROKER, InvalidRequestException.class, "Cannot update these configs dynamically: [log.dirs]",
                op("log.dirs", "/x", OpType.SET));
        assertRefused(CLUSTER_DEFAULT, InvalidRequestException.class,
                "Cannot update these configs at default cluster level, broker id must be specified: [listeners]",
                op("listeners", "PLAINTEXT://:1", OpType.SET));
        assertThat(value(topic, "retention.ms")).isEqualTo("604800000");
    }

    @Test
    void validateOnlyChangesNothing() throws Exception {
        createTopic("vo-topic", 1);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "vo-topic");
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op("retention.ms", "1000", OpType.SET)),
                        BROKER, List.of(op("message.max.bytes", "2000000", OpType.SET))),
                new AlterConfigsOptions().validateOnly(true)).all().get(20, TimeUnit.SECONDS);
        assertThat(entry(topic, "retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(entry(BROKER, "message.max.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void oldAlterConfigsReplacesEveryOverride() throws Exception {
        createTopic("old-topic", 1);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "old-topic");
        alter(topic, op("cleanup.policy", "compact", OpType.SET), op("retention.ms", "5000", OpType.SET));

        AlterConfigsResponse replaced = (AlterConfigsResponse) send(new AlterConfigsRequest.Builder(
                Map.of(topic, new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("retention.ms",
                        "1000")))), false), (short) 2);
        assertThat(replaced.errors()).containsOnlyKeys(topic);
        assertThat(replaced.errors().get(topic).error()).isEqualTo(Errors.NONE);
        assertThat(value(topic, "retention.ms")).isEqualTo("1000");
        assertThat(entry(topic, "cleanup.policy").source()).as("replaced, so no longer an override")
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        AlterConfigsResponse staticKey = (AlterConfigsResponse) send(new AlterConfigsRequest.Builder(
                Map.of(BROKER, new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("log.dirs",
                        "/x")))), false), (short) 2);
        assertThat(staticKey.errors().get(BROKER).error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(staticKey.errors().get(BROKER).message()).isEqualTo("Cannot update these configs dynamically: [log.dirs]");

        AlterConfigsResponse badValue = (AlterConfigsResponse) send(new AlterConfigsRequest.Builder(
                Map.of(topic, new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("retention.ms",
                        "soon")))), false), (short) 0);
        assertThat(badValue.errors().get(topic).error()).isEqualTo(Errors.INVALID_CONFIG);
        assertThat(badValue.errors().get(topic).message()).contains("retention.ms");
        assertThat(value(topic, "retention.ms")).isEqualTo("1000");
    }

    @Test
    void describeTopicsPagesThroughDescribeTopicPartitions() throws Exception {
        createTopic("pg-a", 5);
        createTopic("pg-b", 3);
        Map<String, TopicDescription> described = admin.describeTopics(List.of("pg-b", "pg-a"),
                new DescribeTopicsOptions().partitionSizeLimitPerResponse(2)).allTopicNames().get(20, TimeUnit.SECONDS);
        assertThat(described.get("pg-a").partitions()).extracting(TopicPartitionInfo::partition)
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(described.get("pg-b").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        for (TopicPartitionInfo p : described.get("pg-a").partitions()) {
            assertThat(p.leader().id()).isEqualTo(1);
            assertThat(p.leader().port()).isEqualTo(NODE.port());
            assertThat(p.replicas()).extracting(n -> n.id()).containsExactly(1);
            assertThat(p.isr()).extracting(n -> n.id()).containsExactly(1);
            assertThat(p.elr()).isEmpty();
        }
        Throwable missing = catchThrowable(() -> admin.describeTopics(List.of("pg-missing")).allTopicNames().get());
        assertThat(missing).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class);
    }

    @Test
    void describeProducersShowsTheIdempotentProducer() throws Exception {
        createTopic("dp-topic", 1);
        long before = System.currentTimeMillis();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, NODE.bootstrap());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 7; i++) {
                producer.send(new ProducerRecord<>("dp-topic", "k" + i, "v" + i)).get(20, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition("dp-topic", 0);
        Collection<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp)
                .get(20, TimeUnit.SECONDS).activeProducers();
        assertThat(producers).singleElement().satisfies(p -> {
            assertThat(p.producerId()).isNotNegative();
            assertThat(p.producerEpoch()).isZero();
            assertThat(p.lastSequence()).isEqualTo(6);
            assertThat(p.lastTimestamp()).isBetween(before, System.currentTimeMillis());
            assertThat(p.coordinatorEpoch()).isEmpty();
            assertThat(p.currentTransactionStartOffset()).isEmpty();
        });

        // kafka-transactions describe-producers prints the same.
        KafkaTool.Result tool = KafkaTool.run(org.apache.kafka.tools.TransactionsCommand::main, "--bootstrap-server",
                NODE.bootstrap(), "describe-producers", "--topic", "dp-topic", "--partition", "0");
        assertThat(tool.exitCode()).as("%s", tool).isZero();
        assertThat(tool.lines()).hasSize(2);
        assertThat(tool.lines().get(0)).isEqualTo("ProducerId\tProducerEpoch\tLatestCoordinatorEpoch\tLastSequence\t"
                + "LastTimestamp\tCurrentTransactionStartOffset\t");
        ProducerState p = producers.iterator().next();
        assertThat(tool.lines().get(1)).isEqualTo(String.format("%-10s\t%-13s\t%-22s\t%-12s\t%-13s\t%-29s\t",
                p.producerId(), 0, -1, 6, p.lastTimestamp(), "None"));
    }

    @Test
    void electLeadersThroughAdmin() throws Exception {
        createTopic("el-topic", 2);
        TopicPartition p0 = new TopicPartition("el-topic", 0);
        Map<TopicPartition, Optional<Throwable>> result = admin.electLeaders(ElectionType.PREFERRED,
                java.util.Set.of(p0)).partitions().get(20, TimeUnit.SECONDS);
        assertThat(result.get(p0)).get().isInstanceOf(ElectionNotNeededException.class);
        // Every partition: those without an election to do are left out, as in Kafka.
        assertThat(admin.electLeaders(ElectionType.PREFERRED, null).partitions().get(20, TimeUnit.SECONDS)).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static AlterConfigOp op(String key, String value, OpType type) {
        return new AlterConfigOp(new ConfigEntry(key, value), type);
    }

    private static void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get(20, TimeUnit.SECONDS);
    }

    private static void assertRefused(ConfigResource resource, Class<? extends Throwable> type, String message,
                                      AlterConfigOp... ops) {
        Throwable t = catchThrowable(() -> alter(resource, ops));
        assertThat(t).as("%s on %s", List.of(ops), resource).isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(type).hasMessage(message);
    }

    private static ConfigEntry entry(ConfigResource resource, String key) throws Exception {
        Config config = admin.describeConfigs(List.of(resource)).all().get(20, TimeUnit.SECONDS).get(resource);
        return config.get(key);
    }

    private static String value(ConfigResource resource, String key) throws Exception {
        return entry(resource, key).value();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(20, TimeUnit.SECONDS);
    }

    /** One request on a fresh connection, at the given version (Admin 4.x no longer sends the old AlterConfigs). */
    private static AbstractResponse send(AbstractRequest.Builder<?> builder, short version) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", NODE.port()), 5_000);
            socket.setSoTimeout(20_000);
            AbstractRequest request = builder.build(version);
            RequestHeader header = new RequestHeader(builder.apiKey(), version, "potok-it-admin", 1);
            ByteBuffer frame = request.serializeWithHeader(header);
            ByteBuffer sized = ByteBuffer.allocate(4 + frame.remaining()).putInt(frame.remaining()).put(frame);
            socket.getOutputStream().write(sized.array());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
        }
    }
}
