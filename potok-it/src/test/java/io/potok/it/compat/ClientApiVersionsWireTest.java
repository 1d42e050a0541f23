package io.potok.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.potok.it.PotokNode;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The old API versions that librdkafka (kcat, confluent-kafka-python) and KafkaJS negotiate
 * ({@code shared/clients-api-usage.md}), exercised on the wire without those clients: each request is
 * built with kafka-clients' request classes at exactly the client's version. These tests need no
 * external tool, so they pin the protocol-level cause of what the client tests see.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientApiVersionsWireTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("ClientApiVersionsWireTest").build();

    /** A local broker answers in milliseconds; a request it never answers fails after this. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final String TOPIC = "wire-old-versions";

    @BeforeAll
    static void threeRecords() {
        JavaClients.createTopic(NODE.bootstrap(), TOPIC, 1);
        JavaClients.produce(NODE.bootstrap(), List.of(new ProducerRecord<>(TOPIC, 0, "a", "1"),
                new ProducerRecord<>(TOPIC, 0, "b", "2"), new ProducerRecord<>(TOPIC, 0, "c", "3")));
    }

    // ------------------------------------------------------------------ what ApiVersions advertises

    /** The versions each non-Java client negotiates for an API Potok serves today. */
    static Stream<Arguments> versionsClientsNegotiate() {
        return Stream.of(
                Arguments.of(ApiKeys.PRODUCE, 7, "kcat, kafkajs, python"),
                Arguments.of(ApiKeys.FETCH, 11, "kcat, kafkajs, python"),
                Arguments.of(ApiKeys.LIST_OFFSETS, 2, "kcat, python"),
                Arguments.of(ApiKeys.LIST_OFFSETS, 3, "kafkajs"),
                Arguments.of(ApiKeys.METADATA, 4, "kcat, python"),
                Arguments.of(ApiKeys.METADATA, 6, "kafkajs"),
                Arguments.of(ApiKeys.FIND_COORDINATOR, 2, "kcat, kafkajs, python"),
                Arguments.of(ApiKeys.API_VERSIONS, 2, "kafkajs"),
                Arguments.of(ApiKeys.API_VERSIONS, 3, "kcat, python"),
                Arguments.of(ApiKeys.CREATE_TOPICS, 3, "kafkajs"),
                Arguments.of(ApiKeys.CREATE_TOPICS, 4, "python"),
                Arguments.of(ApiKeys.DELETE_TOPICS, 1, "kafkajs, python"),
                Arguments.of(ApiKeys.INIT_PRODUCER_ID, 4, "python"));
    }

    @ParameterizedTest(name = "{0} v{1} ({2})")
    @MethodSource("versionsClientsNegotiate")
    void apiVersionsAdvertisesTheVersionClientsNegotiate(ApiKeys api, int version, String clients) {
        assertAdvertised(api, version, clients);
    }

    /** The consumer-group versions of the same clients; they run once Potok advertises JoinGroup. */
    static Stream<Arguments> groupVersionsClientsNegotiate() {
        return Stream.of(
                Arguments.of(ApiKeys.OFFSET_COMMIT, 5, "kafkajs"),
                Arguments.of(ApiKeys.OFFSET_COMMIT, 7, "kcat, python"),
                Arguments.of(ApiKeys.OFFSET_FETCH, 4, "kafkajs"),
                Arguments.of(ApiKeys.OFFSET_FETCH, 7, "kcat, python"),
                Arguments.of(ApiKeys.JOIN_GROUP, 5, "kcat, kafkajs, python"),
                Arguments.of(ApiKeys.HEARTBEAT, 3, "kcat, kafkajs, python"),
                Arguments.of(ApiKeys.LEAVE_GROUP, 1, "kcat, python"),
                Arguments.of(ApiKeys.LEAVE_GROUP, 3, "kafkajs"),
                Arguments.of(ApiKeys.SYNC_GROUP, 3, "kcat, kafkajs, python"),
                Arguments.of(ApiKeys.DESCRIBE_GROUPS, 0, "python"),
                Arguments.of(ApiKeys.DESCRIBE_GROUPS, 2, "kafkajs"),
                Arguments.of(ApiKeys.LIST_GROUPS, 0, "python"),
                Arguments.of(ApiKeys.LIST_GROUPS, 2, "kafkajs"),
                Arguments.of(ApiKeys.DELETE_GROUPS, 1, "kafkajs"));
    }

    @ParameterizedTest(name = "{0} v{1} ({2})")
    @MethodSource("groupVersionsClientsNegotiate")
    void apiVersionsAdvertisesTheGroupVersionClientsNegotiate(ApiKeys api, int version, String clients) {
        Tools.assumeGroups(NODE.port());
        assertAdvertised(api, version, clients);
    }

    /**
     * librdkafka turns features on from ApiVersions alone: a feature is on when every listed API's
     * advertised range overlaps the listed range (librdkafka's rdkafka_feature.c). Kafka 4.4 turns all
     * of these on (checked with {@code kcat -L -d feature} against Kafka 4.4.0).
     */
    static Stream<Arguments> librdkafkaFeatures() {
        return Stream.of(
                // rdkafka_msgset_writer.c: a codec other than lz4/zstd is used only if the broker advertises
                // a Produce version in 0..0, lz4 needs that too (plus FindCoordinator v0), zstd one in 0..7.
                Arguments.of("gzip, snappy, lz4 compression", List.of(new Range(ApiKeys.PRODUCE, 0, 0))),
                Arguments.of("MsgVer2 (record batches)", List.of(new Range(ApiKeys.PRODUCE, 3, 3),
                        new Range(ApiKeys.FETCH, 4, 4))),
                Arguments.of("OffsetTime (ListOffsets by time)", List.of(new Range(ApiKeys.LIST_OFFSETS, 1, 1))),
                Arguments.of("IdempotentProducer", List.of(new Range(ApiKeys.INIT_PRODUCER_ID, 0, 0))),
                Arguments.of("ZSTD", List.of(new Range(ApiKeys.PRODUCE, 7, 7), new Range(ApiKeys.FETCH, 10, 10))),
                Arguments.of("LZ4 / BrokerGroupCoordinator", List.of(new Range(ApiKeys.FIND_COORDINATOR, 0, 0))));
    }

    record Range(ApiKeys api, int min, int max) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("librdkafkaFeatures")
    void librdkafkaFeatureIsEnabledByApiVersions(String feature, List<Range> needs) {
        Map<Integer, short[]> advertised = RawWire.apiVersions(NODE.port());
        for (Range need : needs) {
            short[] has = advertised.get((int) need.api().id);
            assertThat(has).as("%s needs %s in ApiVersions", feature, need.api()).isNotNull();
            assertThat(need.min() <= has[1] && has[0] <= need.max())
                    .as("librdkafka enables '%s' only if the broker's %s range overlaps v%d..v%d; Potok advertises "
                                    + "v%d..v%d (Kafka 4.4 advertises Produce v0..v13)", feature, need.api(),
                            need.min(), need.max(), has[0], has[1])
                    .isTrue();
        }
    }

    /** librdkafka's balanced consumer (kcat -G, Python subscribe()) needs all of these; runs once groups land. */
    @Test
    void librdkafkaBalancedConsumerFeatureIsEnabledByApiVersions() {
        Tools.assumeGroups(NODE.port());
        librdkafkaFeatureIsEnabledByApiVersions("BrokerBalancedConsumer", List.of(
                new Range(ApiKeys.FIND_COORDINATOR, 0, 0), new Range(ApiKeys.OFFSET_COMMIT, 1, 2),
                new Range(ApiKeys.OFFSET_FETCH, 1, 1), new Range(ApiKeys.JOIN_GROUP, 0, 0),
                new Range(ApiKeys.SYNC_GROUP, 0, 0), new Range(ApiKeys.HEARTBEAT, 0, 0),
                new Range(ApiKeys.LEAVE_GROUP, 0, 0)));
    }

    // ------------------------------------------------------------------ requests at the clients' versions

    /**
     * ListOffsets below v4 has no leader epoch in its response: Kafka leaves it out (-1) for v0..v3.
     * librdkafka sends v2 for {@code -o beginning}/{@code OFFSET_BEGINNING}, KafkaJS v3 for
     * fetchTopicOffsets and for every consumer start.
     */
    @ParameterizedTest(name = "ListOffsets v{0}")
    @ValueSource(shorts = {1, 2, 3, 4})
    void listOffsetsIsAnsweredAtOldVersions(short version) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        for (long spec : new long[] {ListOffsetsRequest.EARLIEST_TIMESTAMP, ListOffsetsRequest.LATEST_TIMESTAMP}) {
            ListOffsetsRequest.Builder builder = ListOffsetsRequest.Builder.forConsumer(false,
                            org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)
                    .setTargetTimes(List.of(new ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                            new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(spec)
                                    .setCurrentLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH)))));
            ListOffsetsResponse response = exchange(builder, version, "ListOffsets v" + version + " for " + tp + " at "
                    + (spec == ListOffsetsRequest.EARLIEST_TIMESTAMP ? "EARLIEST" : "LATEST"));
            ListOffsetsPartitionResponse p = response.data().topics().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).as("ListOffsets v%d: %s", version, p).isEqualTo(Errors.NONE);
            assertThat(p.offset()).as("ListOffsets v%d offset: %s", version, p)
                    .isEqualTo(spec == ListOffsetsRequest.EARLIEST_TIMESTAMP ? 0L : 3L);
        }
    }

    @ParameterizedTest(name = "Metadata v{0}")
    @ValueSource(shorts = {4, 6})
    void metadataIsAnsweredAtOldVersions(short version) {
        MetadataResponse r = exchange(new MetadataRequest.Builder(List.of(TOPIC), false), version,
                "Metadata v" + version);
        assertThat(r.errors()).as("Metadata v%d topic errors", version).isEmpty();
        assertThat(r.topicMetadata()).singleElement().satisfies(t -> {
            assertThat(t.topic()).isEqualTo(TOPIC);
            assertThat(t.partitionMetadata()).singleElement().satisfies(p -> {
                assertThat(p.leaderId).contains(1);
                assertThat(p.replicaIds).containsExactly(1);
                assertThat(p.inSyncReplicaIds).containsExactly(1);
            });
        });
        assertThat(r.brokers()).singleElement().satisfies(b -> {
            assertThat(b.host()).isEqualTo("127.0.0.1");
            assertThat(b.port()).isEqualTo(NODE.port());
        });
    }

    @Test
    void produceV7AndFetchV11AreAnswered() {
        String topic = "wire-produce-v7";
        JavaClients.createTopic(NODE.bootstrap(), topic, 1);
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), "k".getBytes(StandardCharsets.UTF_8),
                        "v".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                        new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))))
                        .iterator()));
        ProduceResponse produced = exchange(ProduceRequest.builder(data), (short) 7, "Produce v7");
        var pr = produced.data().responses().iterator().next().partitionResponses().get(0);
        assertThat(Errors.forCode(pr.errorCode())).as("Produce v7: %s", pr).isEqualTo(Errors.NONE);
        assertThat(pr.baseOffset()).isZero();

        FetchResponse fetched = exchange(FetchRequest.Builder.forConsumer((short) 11, 0, 1,
                        Map.of(new TopicPartition(topic, 0),
                                new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0L, -1L, 1 << 20, Optional.empty()))),
                (short) 11, "Fetch v11");
        var fp = fetched.data().responses().get(0).partitions().get(0);
        assertThat(Errors.forCode(fp.errorCode())).as("Fetch v11: %s", fp).isEqualTo(Errors.NONE);
        assertThat(fp.highWatermark()).isEqualTo(1L);
        assertThat(FetchResponse.recordsOrFail(fp).records()).hasSize(1);
    }

    @ParameterizedTest(name = "CreateTopics v{0}, DeleteTopics v1")
    @ValueSource(shorts = {3, 4})
    void createTopicsAndDeleteTopicsAreAnsweredAtOldVersions(short version) {
        String topic = "wire-create-v" + version;
        CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
        topics.add(new CreateTopicsRequestData.CreatableTopic().setName(topic).setNumPartitions(2)
                .setReplicationFactor((short) 1));
        CreateTopicsResponse created = exchange(new CreateTopicsRequest.Builder(
                new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(10_000)), version,
                "CreateTopics v" + version);
        var ct = created.data().topics().find(topic);
        assertThat(ct).as("CreateTopics v%d result for %s", version, topic).isNotNull();
        assertThat(Errors.forCode(ct.errorCode())).as("CreateTopics v%d: %s", version, ct).isEqualTo(Errors.NONE);

        DeleteTopicsResponse deleted = exchange(new DeleteTopicsRequest.Builder(
                new DeleteTopicsRequestData().setTopicNames(List.of(topic)).setTimeoutMs(10_000)), (short) 1,
                "DeleteTopics v1");
        var dt = deleted.data().responses().find(topic);
        assertThat(dt).as("DeleteTopics v1 result for %s", topic).isNotNull();
        assertThat(Errors.forCode(dt.errorCode())).as("DeleteTopics v1: %s", dt).isEqualTo(Errors.NONE);
    }

    @Test
    void findCoordinatorV2IsAnswered() {
        FindCoordinatorResponse r = exchange(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKey("some-group").setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id())), (short) 2,
                "FindCoordinator v2");
        assertThat(r.error()).as("FindCoordinator v2: %s", r.data()).isEqualTo(Errors.NONE);
        assertThat(r.data().nodeId()).isEqualTo(1);
        assertThat(r.data().host()).isEqualTo("127.0.0.1");
        assertThat(r.data().port()).isEqualTo(NODE.port());
    }

    @Test
    void initProducerIdV4IsAnswered() {
        InitProducerIdResponse r = exchange(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)), (short) 4, "InitProducerId v4");
        assertThat(r.error()).as("InitProducerId v4: %s", r.data()).isEqualTo(Errors.NONE);
        assertThat(r.data().producerId()).isNotNegative();
        assertThat(r.data().producerEpoch()).isNotNegative();
    }

    @ParameterizedTest(name = "ApiVersions v{0}")
    @ValueSource(shorts = {2, 3})
    void apiVersionsIsAnsweredAtOldVersions(short version) {
        ApiVersionsResponse r = exchange(new ApiVersionsRequest.Builder(version), version, "ApiVersions v" + version);
        assertThat(Errors.forCode(r.data().errorCode())).isEqualTo(Errors.NONE);
        assertThat(r.data().apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertAdvertised(ApiKeys api, int version, String clients) {
        short[] range = RawWire.apiVersions(NODE.port()).get((int) api.id);
        assertThat(range).as("%s in ApiVersions (%s negotiate v%d)", api, clients, version).isNotNull();
        assertThat(version).as("%s v%d (%s) within Potok's advertised v%d..v%d", api, version, clients, range[0],
                range[1]).isBetween((int) range[0], (int) range[1]);
    }

    /** One request on a fresh connection; a request Potok never answers fails after {@link #READ_TIMEOUT}. */
    private static <R extends AbstractResponse> R exchange(AbstractRequest.Builder<?> builder, short version,
                                                           String what) {
        try (RawWire wire = new RawWire(NODE.port(), READ_TIMEOUT)) {
            return wire.send(builder, version);
        } catch (SocketTimeoutException e) {
            return fail(what + ": no response within " + READ_TIMEOUT.toSeconds() + " s (the connection stayed open); "
                    + "node log " + NODE.logFile() + " says: " + brokerWarnings());
        } catch (IOException e) {
            return fail(what + ": " + e + "; node log says: " + brokerWarnings());
        }
    }

    /** The node's last line that names an exception (e.g. a response it failed to serialise). */
    private static List<String> brokerWarnings() {
        List<String> out = NODE.recentOutput().lines().filter(l -> l.contains("Exception"))
                .collect(Collectors.toList());
        return out.subList(Math.max(0, out.size() - 1), out.size());
    }
}
