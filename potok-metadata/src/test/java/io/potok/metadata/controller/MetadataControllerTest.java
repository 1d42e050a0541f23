package io.potok.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataControllerTest {
    private static final TopicConfigValidator NO_EXTRA_RULES = (topic, overrides) -> { };

    @TempDir
    Path dir;

    private final List<MetadataController> open = new ArrayList<>();
    private MetadataController controller;

    private ControllerConfig config(int port, boolean deleteEnable) {
        return new ControllerConfig(1, "test-cluster", dir.resolve("meta"), "127.0.0.1", port, Optional.empty(),
                1, (short) 1, deleteEnable);
    }

    private MetadataController start(ControllerConfig config, TopicConfigValidator validator) throws IOException {
        MetadataController c = new MetadataController(config, validator);
        open.add(c);
        c.start();
        return c;
    }

    @BeforeEach
    void setUp() throws IOException {
        controller = start(config(9092, true), NO_EXTRA_RULES);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (MetadataController c : open) {
            c.close();
        }
    }

    private static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("controller command failed", e);
        }
    }

    private static NewTopic topic(String name, int partitions, int rf) {
        return new NewTopic(name, partitions, (short) rf, Map.of(), Map.of());
    }

    private static NewTopic topic(String name, Map<String, String> configs) {
        return new NewTopic(name, -1, (short) -1, Map.of(), configs);
    }

    private TopicResult create(NewTopic topic) {
        List<TopicResult> results = get(controller.createTopics(List.of(topic), false));
        assertThat(results).hasSize(1);
        assertThat(results.get(0).name()).isEqualTo(topic.name());
        return results.get(0);
    }

    private static void assertError(TopicResult result, Errors expected) {
        assertThat(result.error().error()).as("%s: %s", result.name(), result.error().message()).isEqualTo(expected);
        if (expected != Errors.NONE) {
            assertThat(result.topic()).isEmpty();
        }
    }

    @Test
    void startRegistersThisBroker() {
        MetadataImage image = controller.image();
        assertThat(image.clusterId()).isEqualTo("test-cluster");
        assertThat(image.brokers()).containsOnlyKeys(1);
        assertThat(image.brokers().get(1)).isEqualTo(new BrokerImage(1, "127.0.0.1", 9092, Optional.empty(), false));
        assertThat(image.offset()).isZero();
        assertThat(image.topics()).isEmpty();
    }

    @Test
    void createTopicsPlacesPartitionsOnTheOnlyBrokerAndStoresConfigs() {
        TopicResult result = create(new NewTopic("orders", 3, (short) 1, Map.of(),
                Map.of("retention.ms", "1000", "cleanup.policy", "compact")));
        assertError(result, Errors.NONE);
        TopicImage topic = controller.image().topic("orders").orElseThrow();
        assertThat(result.topic()).contains(topic);
        assertThat(topic.partitions()).hasSize(3);
        for (int p = 0; p < 3; p++) {
            PartitionImage partition = topic.partitions().get(p);
            assertThat(partition.partition()).isEqualTo(p);
            assertThat(partition.leader()).isEqualTo(1);
            assertThat(partition.replicas()).containsExactly(1);
            assertThat(partition.isr()).containsExactly(1);
            assertThat(partition.leaderEpoch()).isZero();
        }
        assertThat(topic.configs()).isEqualTo(Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        assertThat(controller.image().topic(topic.id())).contains(topic);
        // RegisterBroker(0) + CreateTopic + 2 configs + 3 partitions.
        assertThat(controller.image().offset()).isEqualTo(6);
    }

    @Test
    void defaultsApplyWhenPartitionsAndReplicationFactorAreMinusOne() {
        assertError(create(topic("defaults", -1, -1)), Errors.NONE);
        TopicImage topic = controller.image().topic("defaults").orElseThrow();
        assertThat(topic.partitions()).hasSize(1);
        assertThat(topic.partitions().get(0).replicas()).containsExactly(1);
        assertThat(topic.configs()).isEmpty();
    }

    @Test
    void manualAssignmentIsUsed() {
        TopicResult result = create(new NewTopic("manual", -1, (short) -1,
                Map.of(0, List.of(1), 1, List.of(1)), Map.of()));
        assertError(result, Errors.NONE);
        assertThat(controller.image().topic("manual").orElseThrow().partitions()).hasSize(2);
        assertError(create(new NewTopic("manual2", -1, (short) -1, Map.of(0, List.of(7)), Map.of())),
                Errors.INVALID_REPLICA_ASSIGNMENT);
        assertError(create(new NewTopic("manual3", -1, (short) -1, Map.of(1, List.of(1)), Map.of())),
                Errors.INVALID_REPLICA_ASSIGNMENT);
        assertError(create(new NewTopic("manual4", 2, (short) -1, Map.of(0, List.of(1)), Map.of())),
                Errors.INVALID_REQUEST);
    }

    @Test
    void validateOnlyCreatesNothing() {
        long offset = controller.image().offset();
        List<TopicResult> results = get(controller.createTopics(List.of(topic("dry", 4, 1)), true));
        assertThat(results).hasSize(1);
        assertError(results.get(0), Errors.NONE);
        assertThat(results.get(0).topic()).get().satisfies(t -> assertThat(t.partitions()).hasSize(4));
        assertThat(controller.image().topics()).isEmpty();
        assertThat(controller.image().offset()).isEqualTo(offset);
        // Still creatable for real afterwards.
        assertError(create(topic("dry", 4, 1)), Errors.NONE);
    }

    @Test
    void existingTopicIsRefused() {
        assertError(create(topic("orders", 1, 1)), Errors.NONE);
        TopicImage before = controller.image().topic("orders").orElseThrow();
        TopicResult again = create(topic("orders", 5, 1));
        assertError(again, Errors.TOPIC_ALREADY_EXISTS);
        assertThat(again.error().message()).contains("orders");
        assertThat(controller.image().topic("orders")).contains(before);
    }

    @Test
    void duplicateNameInOneRequestIsRefused() {
        List<TopicResult> results = get(controller.createTopics(List.of(topic("dup", 1, 1), topic("dup", 1, 1)), false));
        // Kafka answers once per name, and no copy of a duplicated name is created.
        assertThat(results).hasSize(1);
        assertThat(results.get(0).error().error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(controller.image().topic("dup")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2})
    void nonPositivePartitionCountIsRefused(int partitions) {
        assertError(create(topic("p" + Math.abs(partitions), partitions, 1)), Errors.INVALID_PARTITIONS);
        assertThat(controller.image().topics()).isEmpty();
    }

    @Test
    void replicationFactorAboveBrokerCountIsRefused() {
        TopicResult result = create(topic("rf3", 1, 3));
        assertError(result, Errors.INVALID_REPLICATION_FACTOR);
        assertThat(result.error().message()).contains("3").contains("1 broker");
        assertError(create(topic("rf0", 1, 0)), Errors.INVALID_REPLICATION_FACTOR);
        assertThat(controller.image().topics()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "..", ".", "", "with/slash", "ünïcode"})
    void invalidTopicNamesAreRefused(String name) {
        assertError(create(topic(name, 1, 1)), Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(controller.image().topics()).isEmpty();
    }

    @Test
    void tooLongTopicNameIsRefused() {
        assertError(create(topic("x".repeat(250), 1, 1)), Errors.INVALID_TOPIC_EXCEPTION);
        assertError(create(topic("x".repeat(249), 1, 1)), Errors.NONE);
    }

    @Test
    void collidingTopicNameIsRefused() {
        assertError(create(topic("a.b", 1, 1)), Errors.NONE);
        TopicResult result = create(topic("a_b", 1, 1));
        assertError(result, Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(result.error().message()).contains("a_b").contains("a.b");
        assertThat(controller.image().topics()).containsOnlyKeys("a.b");
    }

    @Test
    void collidingTopicNamesInOneRequestAreNotBothCreated() {
        // BUG: validateNewTopic only compares against the current image, not against topics accepted
        // earlier in the same request, so "x.y" and "x_y" are both created.
        List<TopicResult> results = get(controller.createTopics(List.of(topic("x.y", 1, 1), topic("x_y", 1, 1)), false));
        assertThat(results).hasSize(2);
        assertThat(controller.image().topics().keySet()).hasSize(1);
        assertThat(results.get(1).error().error()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
    }

    @Test
    void invalidConfigValueIsRefused() {
        TopicResult result = create(topic("bad", Map.of("retention.ms", "abc")));
        assertError(result, Errors.INVALID_CONFIG);
        assertThat(result.error().message()).contains("retention.ms").contains("abc");
        assertThat(controller.image().topics()).isEmpty();
    }

    @Test
    void unknownConfigKeyIsRefused() {
        TopicResult result = create(topic("bad", Map.of("no.such.config", "1")));
        assertError(result, Errors.INVALID_CONFIG);
        assertThat(result.error().message()).contains("no.such.config");
        assertThat(controller.image().topics()).isEmpty();
    }

    @Test
    void extraValidatorIsConsultedForCreateAndAlter() throws IOException {
        controller.close();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        controller = start(config(9092, true), (topic, overrides) -> {
            seen.add(topic + overrides);
            if ("1".equals(overrides.get("segment.ms"))) {
                throw new InvalidConfigValueException("segment.ms", "1", "too small for this engine");
            }
        });
        assertError(create(topic("t", Map.of("segment.ms", "1"))), Errors.INVALID_CONFIG);
        assertError(create(topic("t", Map.of("segment.ms", "2"))), Errors.NONE);
        ApiError error = get(controller.alterConfigs(ResourceKind.TOPIC, "t", Map.of("segment.ms", Optional.of("1")),
                false, false));
        assertThat(error.error()).isEqualTo(Errors.INVALID_CONFIG);
        assertThat(error.message()).contains("too small");
        assertThat(controller.image().topic("t").orElseThrow().configs()).containsEntry("segment.ms", "2");
        assertThat(seen).contains("t{segment.ms=1}", "t{segment.ms=2}");
    }

    @Test
    void mixedBatchCreatesOnlyTheValidTopics() {
        List<TopicResult> results = get(controller.createTopics(List.of(topic("good1", 1, 1), topic("bad one", 1, 1),
                topic("good2", 2, 1), topic("rf9", 1, 9)), false));
        assertThat(results).extracting(r -> r.error().error())
                .containsExactly(Errors.NONE, Errors.INVALID_TOPIC_EXCEPTION, Errors.NONE, Errors.INVALID_REPLICATION_FACTOR);
        assertThat(controller.image().topics()).containsOnlyKeys("good1", "good2");
    }

    @Test
    void deleteTopicsRemovesTopics() {
        create(topic("keep", 1, 1));
        create(topic("drop", 2, 1));
        List<TopicResult> results = get(controller.deleteTopics(List.of("drop", "missing")));
        assertThat(results).hasSize(2);
        assertError(results.get(0), Errors.NONE);
        assertError(results.get(1), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(controller.image().topics()).containsOnlyKeys("keep");
        // The name is free again, with a new id.
        assertError(create(topic("drop", 1, 1)), Errors.NONE);
        assertThat(controller.image().topic("drop").orElseThrow().id()).isNotEqualTo(results.get(0).topic().orElseThrow().id());
    }

    @Test
    void deleteTopicsIsRefusedWhenDisabled() throws IOException {
        controller.close();
        controller = start(config(9092, false), NO_EXTRA_RULES);
        create(topic("stuck", 1, 1));
        List<TopicResult> results = get(controller.deleteTopics(List.of("stuck")));
        assertError(results.get(0), Errors.TOPIC_DELETION_DISABLED);
        assertThat(controller.image().topics()).containsOnlyKeys("stuck");
    }

    @Test
    void createPartitionsRaisesTheCount() {
        create(topic("grow", 1, 1));
        List<TopicResult> results = get(controller.createPartitions(Map.of("grow", 3), false));
        assertError(results.get(0), Errors.NONE);
        List<PartitionImage> partitions = controller.image().topic("grow").orElseThrow().partitions();
        assertThat(partitions).extracting(PartitionImage::partition).containsExactly(0, 1, 2);
        assertThat(partitions).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(1);
            assertThat(p.replicas()).containsExactly(1);
        });
    }

    @Test
    void createPartitionsRefusesDecreaseAndSameCount() {
        create(topic("grow", 3, 1));
        long offset = controller.image().offset();
        TopicResult lower = get(controller.createPartitions(Map.of("grow", 2), false)).get(0);
        assertError(lower, Errors.INVALID_PARTITIONS);
        assertThat(lower.error().message()).contains("3").contains("2");
        assertError(get(controller.createPartitions(Map.of("grow", 3), false)).get(0), Errors.INVALID_PARTITIONS);
        assertError(get(controller.createPartitions(Map.of("missing", 3), false)).get(0),
                Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(controller.image().topic("grow").orElseThrow().partitions()).hasSize(3);
        assertThat(controller.image().offset()).isEqualTo(offset);
    }

    @Test
    void createPartitionsValidateOnlyChangesNothing() {
        create(topic("grow", 1, 1));
        assertError(get(controller.createPartitions(Map.of("grow", 5), true)).get(0), Errors.NONE);
        assertThat(controller.image().topic("grow").orElseThrow().partitions()).hasSize(1);
    }

    @Test
    void alterConfigsSetsAndRemovesTopicOverrides() {
        create(topic("cfg", Map.of("retention.ms", "1000")));
        ApiError error = get(controller.alterConfigs(ResourceKind.TOPIC, "cfg",
                Map.of("segment.bytes", Optional.of("1048576"), "retention.ms", Optional.empty()), false, false));
        assertThat(error.error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().topic("cfg").orElseThrow().configs()).isEqualTo(Map.of("segment.bytes", "1048576"));

        // Invalid changes leave the topic untouched.
        long offset = controller.image().offset();
        ApiError bad = get(controller.alterConfigs(ResourceKind.TOPIC, "cfg",
                Map.of("retention.ms", Optional.of("abc")), false, false));
        assertThat(bad.error()).isEqualTo(Errors.INVALID_CONFIG);
        assertThat(bad.message()).contains("retention.ms").contains("abc");
        assertThat(controller.image().offset()).isEqualTo(offset);

        // validateOnly changes nothing.
        assertThat(get(controller.alterConfigs(ResourceKind.TOPIC, "cfg",
                Map.of("retention.ms", Optional.of("5")), false, true)).error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().topic("cfg").orElseThrow().configs()).isEqualTo(Map.of("segment.bytes", "1048576"));

        // replaceAll drops what is not listed.
        assertThat(get(controller.alterConfigs(ResourceKind.TOPIC, "cfg",
                Map.of("retention.ms", Optional.of("5")), true, false)).error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().topic("cfg").orElseThrow().configs()).isEqualTo(Map.of("retention.ms", "5"));

        // A no-op change writes nothing.
        long before = controller.image().offset();
        assertThat(get(controller.alterConfigs(ResourceKind.TOPIC, "cfg",
                Map.of("retention.ms", Optional.of("5")), false, false)).error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().offset()).isEqualTo(before);

        assertThat(get(controller.alterConfigs(ResourceKind.TOPIC, "missing",
                Map.of("retention.ms", Optional.of("5")), false, false)).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void alterConfigsOnBrokers() {
        assertThat(get(controller.alterConfigs(ResourceKind.BROKER, "", Map.of("log.retention.ms", Optional.of("10")),
                false, false)).error()).isEqualTo(Errors.NONE);
        assertThat(get(controller.alterConfigs(ResourceKind.BROKER, "1", Map.of("num.io.threads", Optional.of("4")),
                false, false)).error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().brokerConfigs("")).isEqualTo(Map.of("log.retention.ms", "10"));
        assertThat(controller.image().brokerConfigs("1")).isEqualTo(Map.of("num.io.threads", "4"));
        get(controller.alterConfigs(ResourceKind.BROKER, "", Map.of("log.retention.ms", Optional.empty()), false, false));
        assertThat(controller.image().brokerConfigs("")).isEmpty();
    }

    @Test
    void producerIdBlocksAreDisjoint() {
        List<long[]> blocks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            blocks.add(get(controller.allocateProducerIds()));
        }
        assertDisjoint(blocks);
        assertThat(blocks.get(0)[0]).isGreaterThanOrEqualTo(0);
        assertThat(controller.image().nextProducerId()).isGreaterThanOrEqualTo(blocks.get(4)[0] + blocks.get(4)[1]);
    }

    @Test
    void concurrentProducerIdAllocationsAreDisjoint() {
        List<CompletableFuture<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(CompletableFuture.supplyAsync(() -> controller.allocateProducerIds()).thenCompose(f -> f));
        }
        assertDisjoint(futures.stream().map(MetadataControllerTest::get).toList());
    }

    private static void assertDisjoint(List<long[]> blocks) {
        for (long[] b : blocks) {
            assertThat(b[1]).isPositive();
        }
        List<long[]> sorted = new ArrayList<>(blocks);
        sorted.sort((x, y) -> Long.compare(x[0], y[0]));
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i)[0]).as("block %d starts after block %d ends", i, i - 1)
                    .isGreaterThanOrEqualTo(sorted.get(i - 1)[0] + sorted.get(i - 1)[1]);
        }
    }

    @Test
    void everythingSurvivesARestart() throws IOException {
        create(new NewTopic("orders", 3, (short) 1, Map.of(), Map.of("retention.ms", "1000")));
        create(topic("gone", 1, 1));
        create(topic("grow", 1, 1));
        get(controller.deleteTopics(List.of("gone")));
        get(controller.createPartitions(Map.of("grow", 4), false));
        get(controller.alterConfigs(ResourceKind.TOPIC, "orders", Map.of("cleanup.policy", Optional.of("compact")),
                false, false));
        get(controller.alterConfigs(ResourceKind.BROKER, "", Map.of("log.retention.ms", Optional.of("10")), false, false));
        long[] block = get(controller.allocateProducerIds());
        MetadataImage before = controller.image();
        controller.close();

        controller = start(config(9092, true), NO_EXTRA_RULES);
        MetadataImage after = controller.image();
        // Same endpoint: no new registration, so the images are identical.
        assertThat(after).isEqualTo(before);
        assertThat(after.topics()).containsOnlyKeys("orders", "grow");
        assertThat(after.topic("orders").orElseThrow().configs())
                .isEqualTo(Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        assertThat(after.topic("grow").orElseThrow().partitions()).hasSize(4);

        // Producer ids handed out before the restart are never handed out again.
        long[] next = get(controller.allocateProducerIds());
        assertDisjoint(List.of(block, next));
        // New commands continue from the restored state.
        assertError(create(topic("orders", 1, 1)), Errors.TOPIC_ALREADY_EXISTS);
        assertError(create(topic("gone", 1, 1)), Errors.NONE);
        assertThat(controller.image().offset()).isGreaterThan(before.offset());
    }

    @Test
    void restartWithNewEndpointReRegisters() throws IOException {
        create(topic("orders", 1, 1));
        long offset = controller.image().offset();
        controller.close();
        controller = start(config(9093, true), NO_EXTRA_RULES);
        assertThat(controller.image().brokers().get(1).port()).isEqualTo(9093);
        assertThat(controller.image().offset()).isEqualTo(offset + 1);
        assertThat(controller.image().topics()).containsOnlyKeys("orders");
    }

    @Test
    void listenersSeeEveryImageInOrder() {
        List<MetadataImage[]> seen = Collections.synchronizedList(new ArrayList<>());
        MetadataImage initial = controller.image();
        controller.addListener((previous, current) -> seen.add(new MetadataImage[] {previous, current}));
        // Told of the current image right away, from the empty one.
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)[0].offset()).isEqualTo(-1);
        assertThat(seen.get(0)[0].topics()).isEmpty();
        assertThat(seen.get(0)[1]).isEqualTo(initial);

        create(topic("t1", 1, 1));
        get(controller.createTopics(List.of(topic("bad name", 1, 1)), false)); // no change: no image
        get(controller.createPartitions(Map.of("t1", 2), false));
        get(controller.alterConfigs(ResourceKind.TOPIC, "t1", Map.of("retention.ms", Optional.of("7")), false, false));
        get(controller.deleteTopics(List.of("t1")));

        assertThat(seen).hasSize(5);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[0]).as("image %d continues from image %d", i, i - 1).isSameAs(seen.get(i - 1)[1]);
            assertThat(seen.get(i)[1].offset()).isGreaterThan(seen.get(i)[0].offset());
        }
        assertThat(seen.get(1)[1].topics()).containsOnlyKeys("t1");
        assertThat(seen.get(2)[1].topic("t1").orElseThrow().partitions()).hasSize(2);
        assertThat(seen.get(3)[1].topic("t1").orElseThrow().configs()).containsEntry("retention.ms", "7");
        assertThat(seen.get(4)[1].topics()).isEmpty();
        assertThat(seen.get(4)[1]).isSameAs(controller.image());
    }

    @Test
    void failingListenerDoesNotStopOthersOrTheCommit() {
        List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
        controller.addListener((previous, current) -> {
            if (previous.offset() >= 0) {
                throw new IllegalStateException("boom");
            }
        });
        controller.addListener((previous, current) -> offsets.add(current.offset()));
        assertError(create(topic("t", 1, 1)), Errors.NONE);
        assertThat(controller.image().topics()).containsOnlyKeys("t");
        assertThat(offsets).hasSize(2);
        assertThat(offsets.get(1)).isEqualTo(controller.image().offset());
    }

    @Test
    void placementRoundTripsThroughManyTopics() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            counts.put("topic-" + i, 1 + i % 4);
        }
        List<NewTopic> topics = new ArrayList<>();
        counts.forEach((name, n) -> topics.add(topic(name, n, 1)));
        List<TopicResult> results = get(controller.createTopics(topics, false));
        assertThat(results).allSatisfy(r -> assertError(r, Errors.NONE));
        Map<String, Integer> actual = new HashMap<>();
        controller.image().topics().forEach((name, t) -> actual.put(name, t.partitions().size()));
        assertThat(actual).isEqualTo(counts);
    }
}
