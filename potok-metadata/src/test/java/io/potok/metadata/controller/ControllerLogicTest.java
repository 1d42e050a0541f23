package io.potok.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataImageBuilder;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The controller's rules as pure functions: an image and a command in, a {@link Decision} out. No
 * quorum, no threads, no clock; images are built by folding records, as every node does.
 */
class ControllerLogicTest {
    private static final TopicConfigValidator NO_EXTRA_RULES = (topic, overrides) -> { };

    private final ControllerLogic logic = logic(true, false);

    private static ControllerLogic logic(boolean deleteTopicEnable, boolean uncleanLeaderElectionEnable) {
        return new ControllerLogic(new ControllerLogic.ClusterDefaults(1, (short) 1, deleteTopicEnable,
                uncleanLeaderElectionEnable), NO_EXTRA_RULES);
    }

    // ---- image helpers -----------------------------------------------------------------------

    /** Unfenced brokers without racks, listening on 9000 + id. */
    private static MetadataImage brokers(int... ids) {
        MetadataImageBuilder builder = new MetadataImageBuilder(MetadataImage.empty("c"));
        for (int id : ids) {
            builder.apply(new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9000 + id, Optional.empty()));
        }
        return builder.build(ids.length);
    }

    /** Unfenced brokers with racks: broker id → rack. */
    private static MetadataImage racks(Map<Integer, String> rackOf) {
        MetadataImageBuilder builder = new MetadataImageBuilder(MetadataImage.empty("c"));
        new TreeMap<>(rackOf).forEach((id, rack) -> builder.apply(
                new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9000 + id, Optional.of(rack))));
        return builder.build(rackOf.size());
    }

    private static MetadataImage apply(MetadataImage image, List<MetadataRecord> records) {
        MetadataImageBuilder builder = new MetadataImageBuilder(image);
        records.forEach(builder::apply);
        return builder.build(image.offset() + 1);
    }

    private static MetadataImage apply(MetadataImage image, Decision decision) {
        return apply(image, decision.records());
    }

    private static MetadataImage apply(MetadataImage image, MetadataRecord... records) {
        return apply(image, List.of(records));
    }

    /**
     * A topic with exactly the given partition states (replicas, ISR, leader per partition), as if
     * the controller had already made those decisions.
     */
    private static MetadataImage withTopic(MetadataImage image, String name, Map<String, String> configs,
                                           PartitionImage... partitions) {
        Uuid id = Uuid.randomUuid();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.CreateTopic(name, id));
        configs.forEach((k, v) -> records.add(new MetadataRecord.Config(ResourceKind.TOPIC, name, k, Optional.of(v))));
        for (PartitionImage p : partitions) {
            records.add(new MetadataRecord.Partition(id, p.partition(), p.replicas(), p.isr(), p.leader(),
                    p.leaderEpoch(), p.partitionEpoch()));
        }
        return apply(image, records);
    }

    private static PartitionImage partition(int index, List<Integer> replicas, List<Integer> isr, int leader) {
        return new PartitionImage(index, replicas, isr, leader, 0, 0);
    }

    private static MetadataImage fenced(MetadataImage image, int... ids) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id : ids) {
            records.add(new MetadataRecord.FenceBroker(id));
        }
        return apply(image, records);
    }

    private static PartitionImage partitionOf(MetadataImage image, String topic, int partition) {
        return image.topic(topic).orElseThrow().partitions().get(partition);
    }

    private static NewTopic topic(String name, int partitions, int rf) {
        return new NewTopic(name, partitions, (short) rf, Map.of(), Map.of());
    }

    private static NewTopic topic(String name, Map<String, String> configs) {
        return new NewTopic(name, -1, (short) -1, Map.of(), configs);
    }

    private Decision create(MetadataImage image, NewTopic... topics) {
        return logic.decide(image, new ControllerCommand.CreateTopics(List.of(topics), false));
    }

    private static List<TopicResult> topicResults(Decision decision) {
        return ((ControllerResult.Topics) decision.result()).results();
    }

    private static TopicResult single(Decision decision) {
        List<TopicResult> results = topicResults(decision);
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static ApiError error(Decision decision) {
        return ((ControllerResult.Error) decision.result()).error();
    }

    private static void assertError(TopicResult result, Errors expected) {
        assertThat(result.error().error()).as("%s: %s", result.name(), result.error().message()).isEqualTo(expected);
        if (expected != Errors.NONE) {
            assertThat(result.topic()).isEmpty();
        }
    }

    /** Creates a topic that must succeed and returns the image with it. */
    private MetadataImage created(MetadataImage image, NewTopic topic) {
        Decision decision = create(image, topic);
        assertError(single(decision), Errors.NONE);
        return apply(image, decision);
    }

    private static Map<Integer, Integer> leaderCounts(TopicImage topic) {
        Map<Integer, Integer> counts = new TreeMap<>();
        topic.partitions().forEach(p -> counts.merge(p.leader(), 1, Integer::sum));
        return counts;
    }

    // ---- topics ------------------------------------------------------------------------------

    @Nested
    class CreateTopics {
        @Test
        void placesPartitionsOnTheOnlyBrokerAndStoresConfigs() {
            MetadataImage image = brokers(1);
            Decision decision = create(image, new NewTopic("orders", 3, (short) 1, Map.of(),
                    Map.of("retention.ms", "1000", "cleanup.policy", "compact")));
            TopicResult result = single(decision);
            assertError(result, Errors.NONE);
            // CreateTopic + 2 configs + 3 partitions, all in one batch.
            assertThat(decision.records()).hasSize(6);
            assertThat(decision.records().get(0)).isInstanceOf(MetadataRecord.CreateTopic.class);
            TopicImage topic = apply(image, decision).topic("orders").orElseThrow();
            assertThat(result.topic()).contains(topic);
            assertThat(topic.partitions()).hasSize(3);
            for (int p = 0; p < 3; p++) {
                assertThat(topic.partitions().get(p))
                        .isEqualTo(new PartitionImage(p, List.of(1), List.of(1), 1, 0, 0));
            }
            assertThat(topic.configs()).isEqualTo(Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        }

        @Test
        void defaultsApplyWhenPartitionsAndReplicationFactorAreMinusOne() {
            ControllerLogic withDefaults = new ControllerLogic(new ControllerLogic.ClusterDefaults(4, (short) 2,
                    true, false), NO_EXTRA_RULES);
            Decision decision = withDefaults.decide(brokers(1, 2, 3),
                    new ControllerCommand.CreateTopics(List.of(topic("defaults", -1, -1)), false));
            TopicImage topic = single(decision).topic().orElseThrow();
            assertThat(topic.partitions()).hasSize(4);
            assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates());
            assertThat(topic.configs()).isEmpty();
        }

        @Test
        void manualAssignmentIsUsedAndChecked() {
            MetadataImage image = brokers(1, 2, 3);
            Decision ok = create(image, new NewTopic("manual", -1, (short) -1,
                    Map.of(0, List.of(3, 1), 1, List.of(2)), Map.of()));
            assertError(single(ok), Errors.NONE);
            TopicImage topic = apply(image, ok).topic("manual").orElseThrow();
            assertThat(topic.partitions()).containsExactly(
                    new PartitionImage(0, List.of(3, 1), List.of(3, 1), 3, 0, 0),
                    new PartitionImage(1, List.of(2), List.of(2), 2, 0, 0));
            // A fenced but registered broker may be named explicitly.
            assertError(single(create(fenced(image, 2), new NewTopic("to-fenced", -1, (short) -1,
                    Map.of(0, List.of(2)), Map.of()))), Errors.NONE);

            assertError(single(create(image, new NewTopic("m2", -1, (short) -1, Map.of(0, List.of(7)), Map.of()))),
                    Errors.INVALID_REPLICA_ASSIGNMENT);
            assertError(single(create(image, new NewTopic("m3", -1, (short) -1, Map.of(1, List.of(1)), Map.of()))),
                    Errors.INVALID_REPLICA_ASSIGNMENT);
            assertError(single(create(image, new NewTopic("m4", -1, (short) -1, Map.of(0, List.of(1, 1)),
                    Map.of()))), Errors.INVALID_REPLICA_ASSIGNMENT);
            assertError(single(create(image, new NewTopic("m5", -1, (short) -1, Map.of(0, List.of()), Map.of()))),
                    Errors.INVALID_REPLICA_ASSIGNMENT);
            assertError(single(create(image, new NewTopic("m6", 2, (short) -1, Map.of(0, List.of(1)), Map.of()))),
                    Errors.INVALID_REQUEST);
        }

        @Test
        void validateOnlyWritesNothing() {
            Decision decision = logic.decide(brokers(1), new ControllerCommand.CreateTopics(
                    List.of(topic("dry", 4, 1)), true));
            assertThat(decision.records()).isEmpty();
            assertError(single(decision), Errors.NONE);
            assertThat(single(decision).topic().orElseThrow().partitions()).hasSize(4);
        }

        @Test
        void existingTopicIsRefused() {
            MetadataImage image = created(brokers(1), topic("orders", 1, 1));
            TopicResult again = single(create(image, topic("orders", 5, 1)));
            assertError(again, Errors.TOPIC_ALREADY_EXISTS);
            assertThat(again.error().message()).contains("orders");
        }

        @Test
        void duplicateNameInOneRequestIsRefusedOnce() {
            Decision decision = create(brokers(1), topic("dup", 1, 1), topic("dup", 1, 1));
            // Kafka answers once per name, and no copy of a duplicated name is created.
            assertThat(topicResults(decision)).hasSize(1);
            assertError(topicResults(decision).get(0), Errors.INVALID_REQUEST);
            assertThat(decision.records()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -2})
        void nonPositivePartitionCountIsRefused(int partitions) {
            Decision decision = create(brokers(1), topic("p", partitions, 1));
            assertError(single(decision), Errors.INVALID_PARTITIONS);
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void replicationFactorAboveLiveBrokerCountIsRefused() {
            TopicResult result = single(create(brokers(1), topic("rf3", 1, 3)));
            assertError(result, Errors.INVALID_REPLICATION_FACTOR);
            assertThat(result.error().message()).contains("3").contains("1 broker");
            assertError(single(create(brokers(1), topic("rf0", 1, 0))), Errors.INVALID_REPLICATION_FACTOR);
            // Fenced brokers do not count.
            assertError(single(create(fenced(brokers(1, 2, 3), 3), topic("rf3", 1, 3))),
                    Errors.INVALID_REPLICATION_FACTOR);
            assertError(single(create(brokers(1, 2, 3), topic("rf3", 1, 3))), Errors.NONE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"a b", "..", ".", "", "with/slash", "ünïcode"})
        void invalidTopicNamesAreRefused(String name) {
            assertError(single(create(brokers(1), topic(name, 1, 1))), Errors.INVALID_TOPIC_EXCEPTION);
        }

        @Test
        void tooLongTopicNameIsRefused() {
            assertError(single(create(brokers(1), topic("x".repeat(250), 1, 1))), Errors.INVALID_TOPIC_EXCEPTION);
            assertError(single(create(brokers(1), topic("x".repeat(249), 1, 1))), Errors.NONE);
        }

        @Test
        void collidingTopicNameIsRefused() {
            MetadataImage image = created(brokers(1), topic("a.b", 1, 1));
            TopicResult result = single(create(image, topic("a_b", 1, 1)));
            assertError(result, Errors.INVALID_TOPIC_EXCEPTION);
            assertThat(result.error().message()).contains("a_b").contains("a.b");
        }

        @Test
        void collidingTopicNamesInOneRequestAreNotBothCreated() {
            Decision decision = create(brokers(1), topic("x.y", 1, 1), topic("x_y", 1, 1));
            assertError(topicResults(decision).get(0), Errors.NONE);
            assertError(topicResults(decision).get(1), Errors.INVALID_TOPIC_EXCEPTION);
            assertThat(apply(brokers(1), decision).topics()).containsOnlyKeys("x.y");
        }

        @Test
        void invalidOrUnknownConfigIsRefused() {
            TopicResult bad = single(create(brokers(1), topic("bad", Map.of("retention.ms", "abc"))));
            assertError(bad, Errors.INVALID_CONFIG);
            assertThat(bad.error().message()).contains("retention.ms").contains("abc");
            TopicResult unknown = single(create(brokers(1), topic("bad", Map.of("no.such.config", "1"))));
            assertError(unknown, Errors.INVALID_CONFIG);
            assertThat(unknown.error().message()).contains("no.such.config");
        }

        @Test
        void extraValidatorIsConsultedForCreateAndAlter() {
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            ControllerLogic strict = new ControllerLogic(new ControllerLogic.ClusterDefaults(1, (short) 1, true, false),
                    (topic, overrides) -> {
                        seen.add(topic + overrides);
                        if ("1".equals(overrides.get("segment.ms"))) {
                            throw new InvalidConfigValueException("segment.ms", "1", "too small for this engine");
                        }
                    });
            MetadataImage image = brokers(1);
            assertError(single(strict.decide(image, new ControllerCommand.CreateTopics(
                    List.of(topic("t", Map.of("segment.ms", "1"))), false))), Errors.INVALID_CONFIG);
            Decision ok = strict.decide(image, new ControllerCommand.CreateTopics(
                    List.of(topic("t", Map.of("segment.ms", "2"))), false));
            assertError(single(ok), Errors.NONE);
            image = apply(image, ok);
            Decision alter = strict.decide(image, new ControllerCommand.AlterConfigs(ResourceKind.TOPIC, "t",
                    Map.of("segment.ms", Optional.of("1")), false, false));
            assertThat(error(alter).error()).isEqualTo(Errors.INVALID_CONFIG);
            assertThat(error(alter).message()).contains("too small");
            assertThat(alter.records()).isEmpty();
            assertThat(seen).contains("t{segment.ms=1}", "t{segment.ms=2}");
        }

        @Test
        void mixedBatchCreatesOnlyTheValidTopics() {
            Decision decision = create(brokers(1), topic("good1", 1, 1), topic("bad one", 1, 1), topic("good2", 2, 1),
                    topic("rf9", 1, 9));
            assertThat(topicResults(decision)).extracting(r -> r.error().error())
                    .containsExactly(Errors.NONE, Errors.INVALID_TOPIC_EXCEPTION, Errors.NONE,
                            Errors.INVALID_REPLICATION_FACTOR);
            assertThat(apply(brokers(1), decision).topics()).containsOnlyKeys("good1", "good2");
        }

        @Test
        void manyTopicsInOneBatchKeepTheirPartitionCounts() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            List<NewTopic> topics = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                counts.put("topic-" + i, 1 + i % 4);
                topics.add(topic("topic-" + i, 1 + i % 4, 1));
            }
            Decision decision = logic.decide(brokers(1), new ControllerCommand.CreateTopics(topics, false));
            assertThat(topicResults(decision)).allSatisfy(r -> assertError(r, Errors.NONE));
            Map<String, Integer> actual = new HashMap<>();
            apply(brokers(1), decision).topics().forEach((name, t) -> actual.put(name, t.partitions().size()));
            assertThat(actual).isEqualTo(counts);
        }
    }

    @Nested
    class DeleteTopics {
        @Test
        void removesTopicsAndReportsUnknownOnes() {
            MetadataImage image = created(created(brokers(1), topic("keep", 1, 1)), topic("drop", 2, 1));
            Uuid dropId = image.topic("drop").orElseThrow().id();
            Decision decision = logic.decide(image, new ControllerCommand.DeleteTopics(List.of("drop", "missing")));
            assertThat(topicResults(decision)).hasSize(2);
            assertError(topicResults(decision).get(0), Errors.NONE);
            assertError(topicResults(decision).get(1), Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(decision.records()).containsExactly(new MetadataRecord.RemoveTopic(dropId));
            image = apply(image, decision);
            assertThat(image.topics()).containsOnlyKeys("keep");
            // The name is free again, with a new id.
            image = created(image, topic("drop", 1, 1));
            assertThat(image.topic("drop").orElseThrow().id()).isNotEqualTo(dropId);
        }

        @Test
        void isRefusedWhenDisabled() {
            MetadataImage image = created(brokers(1), topic("stuck", 1, 1));
            Decision decision = logic(false, false).decide(image, new ControllerCommand.DeleteTopics(List.of("stuck")));
            assertError(single(decision), Errors.TOPIC_DELETION_DISABLED);
            assertThat(decision.records()).isEmpty();
        }
    }

    @Nested
    class CreatePartitions {
        @Test
        void raisesTheCountWithTheTopicsReplicationFactor() {
            MetadataImage image = created(brokers(1, 2, 3), topic("grow", 1, 2));
            Decision decision = logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("grow", 4), false));
            assertError(single(decision), Errors.NONE);
            List<PartitionImage> partitions = apply(image, decision).topic("grow").orElseThrow().partitions();
            assertThat(partitions).extracting(PartitionImage::partition).containsExactly(0, 1, 2, 3);
            assertThat(partitions.subList(1, 4)).allSatisfy(p -> {
                assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
                assertThat(p.isr()).isEqualTo(p.replicas());
                assertThat(p.leader()).isEqualTo(p.replicas().get(0));
            });
        }

        @Test
        void refusesDecreaseSameCountAndUnknownTopics() {
            MetadataImage image = created(brokers(1), topic("grow", 3, 1));
            Decision lower = logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("grow", 2), false));
            assertError(single(lower), Errors.INVALID_PARTITIONS);
            assertThat(single(lower).error().message()).contains("3").contains("2");
            assertError(single(logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("grow", 3), false))),
                    Errors.INVALID_PARTITIONS);
            assertError(single(logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("missing", 3),
                    false))), Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(lower.records()).isEmpty();
        }

        @Test
        void refusesWhenTooFewBrokersAreLive() {
            MetadataImage image = fenced(created(brokers(1, 2, 3), topic("grow", 1, 3)), 3);
            Decision decision = logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("grow", 2), false));
            assertError(single(decision), Errors.INVALID_REPLICATION_FACTOR);
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void validateOnlyWritesNothing() {
            MetadataImage image = created(brokers(1), topic("grow", 1, 1));
            Decision decision = logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("grow", 5), true));
            assertError(single(decision), Errors.NONE);
            assertThat(decision.records()).isEmpty();
        }
    }

    @Nested
    class AlterConfigs {
        private ApiError alter(MetadataImage[] image, ResourceKind kind, String resource,
                               Map<String, Optional<String>> changes, boolean replaceAll, boolean validateOnly) {
            Decision decision = logic.decide(image[0], new ControllerCommand.AlterConfigs(kind, resource, changes,
                    replaceAll, validateOnly));
            image[0] = apply(image[0], decision);
            return error(decision);
        }

        @Test
        void setsAndRemovesTopicOverrides() {
            MetadataImage[] image = {created(brokers(1), topic("cfg", Map.of("retention.ms", "1000")))};
            assertThat(alter(image, ResourceKind.TOPIC, "cfg", Map.of("segment.bytes", Optional.of("1048576"),
                    "retention.ms", Optional.empty()), false, false).error()).isEqualTo(Errors.NONE);
            assertThat(image[0].topic("cfg").orElseThrow().configs()).isEqualTo(Map.of("segment.bytes", "1048576"));

            ApiError bad = alter(image, ResourceKind.TOPIC, "cfg", Map.of("retention.ms", Optional.of("abc")),
                    false, false);
            assertThat(bad.error()).isEqualTo(Errors.INVALID_CONFIG);
            assertThat(bad.message()).contains("retention.ms").contains("abc");

            assertThat(alter(image, ResourceKind.TOPIC, "cfg", Map.of("retention.ms", Optional.of("5")), false,
                    true).error()).isEqualTo(Errors.NONE);
            assertThat(image[0].topic("cfg").orElseThrow().configs()).isEqualTo(Map.of("segment.bytes", "1048576"));

            // replaceAll drops what is not listed.
            assertThat(alter(image, ResourceKind.TOPIC, "cfg", Map.of("retention.ms", Optional.of("5")), true,
                    false).error()).isEqualTo(Errors.NONE);
            assertThat(image[0].topic("cfg").orElseThrow().configs()).isEqualTo(Map.of("retention.ms", "5"));

            assertThat(alter(image, ResourceKind.TOPIC, "missing", Map.of("retention.ms", Optional.of("5")), false,
                    false).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }

        @Test
        void clientQuotasAreSetRemovedAndCheckedByKafkasRules() {
            MetadataImage[] image = {brokers(1)};
            io.potok.metadata.quota.ClientQuotaEntity app =
                    io.potok.metadata.quota.ClientQuotaEntity.fromResource("client-id=app");
            assertThat(alter(image, ResourceKind.CLIENT_QUOTA, "client-id=app", Map.of("producer_byte_rate",
                    Optional.of("1024"), "request_percentage", Optional.of("12.5")), false, false).error())
                    .isEqualTo(Errors.NONE);
            assertThat(image[0].clientQuotas()).isEqualTo(Map.of(app, Map.of("producer_byte_rate", 1024.0,
                    "request_percentage", 12.5)));

            // A refused change refuses the whole entity.
            ApiError notLong = alter(image, ResourceKind.CLIENT_QUOTA, "client-id=app", Map.of("consumer_byte_rate",
                    Optional.of("10.5"), "request_percentage", Optional.empty()), false, false);
            assertThat(notLong.error()).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(notLong.message()).contains("consumer_byte_rate");
            assertThat(alter(image, ResourceKind.CLIENT_QUOTA, "client-id=app", Map.of("no_such_quota",
                    Optional.of("1")), false, false).error()).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(alter(image, ResourceKind.CLIENT_QUOTA, "ip=10.0.0.1/user=u", Map.of(
                    "connection_creation_rate", Optional.of("1")), false, false).error())
                    .isEqualTo(Errors.INVALID_REQUEST);
            assertThat(alter(image, ResourceKind.CLIENT_QUOTA, "client-id=app", Map.of("producer_byte_rate",
                    Optional.of("9")), false, true).error()).isEqualTo(Errors.NONE);
            assertThat(image[0].clientQuotas().get(app)).containsEntry("producer_byte_rate", 1024.0);

            // Removing the last key removes the entity; a default entity has no name.
            assertThat(alter(image, ResourceKind.CLIENT_QUOTA, "client-id=app", Map.of("producer_byte_rate",
                    Optional.empty(), "request_percentage", Optional.empty()), false, false).error())
                    .isEqualTo(Errors.NONE);
            assertThat(alter(image, ResourceKind.CLIENT_QUOTA, "client-id", Map.of("consumer_byte_rate",
                    Optional.of("2048")), false, false).error()).isEqualTo(Errors.NONE);
            assertThat(image[0].clientQuotas()).isEqualTo(Map.of(
                    io.potok.metadata.quota.ClientQuotaEntity.fromResource("client-id"),
                    Map.of("consumer_byte_rate", 2048.0)));
            // The image rebuilt from its snapshot records is the same.
            assertThat(io.potok.metadata.image.ImageSnapshot.fromRecords("c",
                    io.potok.metadata.image.ImageSnapshot.toRecords(image[0]), 1).clientQuotas())
                    .isEqualTo(image[0].clientQuotas());
        }

        @Test
        void noOpChangeWritesNoRecord() {
            MetadataImage image = created(brokers(1), topic("cfg", Map.of("retention.ms", "5")));
            Decision decision = logic.decide(image, new ControllerCommand.AlterConfigs(ResourceKind.TOPIC, "cfg",
                    Map.of("retention.ms", Optional.of("5"), "segment.ms", Optional.empty()), false, false));
            assertThat(error(decision).error()).isEqualTo(Errors.NONE);
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void brokerConfigsAreStoredPerResource() {
            MetadataImage[] image = {brokers(1)};
            assertThat(alter(image, ResourceKind.BROKER, "", Map.of("log.retention.ms", Optional.of("10")), false,
                    false).error()).isEqualTo(Errors.NONE);
            assertThat(alter(image, ResourceKind.BROKER, "1", Map.of("num.io.threads", Optional.of("4")), false,
                    false).error()).isEqualTo(Errors.NONE);
            assertThat(image[0].brokerConfigs("")).isEqualTo(Map.of("log.retention.ms", "10"));
            assertThat(image[0].brokerConfigs("1")).isEqualTo(Map.of("num.io.threads", "4"));
            alter(image, ResourceKind.BROKER, "", Map.of("log.retention.ms", Optional.empty()), false, false);
            assertThat(image[0].brokerConfigs("")).isEmpty();
        }
    }

    @Nested
    class ProducerIds {
        @Test
        void producerIdBlocksFollowEachOtherWithoutOverlap() {
            MetadataImage image = brokers(1);
            long expectedFirst = 0;
            for (int i = 0; i < 5; i++) {
                Decision decision = logic.decide(image, new ControllerCommand.AllocateProducerIds());
                ControllerResult.ProducerIdBlock block = (ControllerResult.ProducerIdBlock) decision.result();
                assertThat(block.firstProducerId()).isEqualTo(expectedFirst);
                assertThat(block.size()).isEqualTo(ControllerLogic.PRODUCER_ID_BLOCK_SIZE);
                image = apply(image, decision);
                assertThat(image.nextProducerId()).isEqualTo(block.firstProducerId() + block.size());
                expectedFirst = image.nextProducerId();
            }
        }

        @Test
        void heartbeatsAreNotDecidedByTheLog() {
            assertThatThrownBy(() -> logic.decide(brokers(1), new ControllerCommand.BrokerHeartbeat(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---- placement ---------------------------------------------------------------------------

    @Nested
    class Placement {
        @Test
        void withoutRacksReplicasAreDistinctAndLeadersSpreadEvenly() {
            MetadataImage image = created(brokers(1, 2, 3), topic("t", 6, 3));
            TopicImage topic = image.topic("t").orElseThrow();
            assertThat(topic.partitions()).allSatisfy(p -> {
                assertThat(p.replicas()).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(p.isr()).isEqualTo(p.replicas());
                assertThat(p.leader()).isEqualTo(p.preferredLeader());
            });
            assertThat(leaderCounts(topic)).isEqualTo(Map.of(1, 2, 2, 2, 3, 2));
        }

        @Test
        void leadersSpreadEvenlyForEveryTopicName() {
            for (String name : List.of("a", "orders", "payments-v2", "__consumer_offsets", "x.y.z")) {
                MetadataImage image = created(brokers(1, 2, 3, 4), topic(name, 8, 2));
                assertThat(leaderCounts(image.topic(name).orElseThrow()))
                        .as(name).isEqualTo(Map.of(1, 2, 2, 2, 3, 2, 4, 2));
            }
        }

        @Test
        void fencedBrokersGetNothing() {
            MetadataImage image = created(fenced(brokers(1, 2, 3, 4), 2), topic("t", 6, 2));
            assertThat(image.topic("t").orElseThrow().partitions())
                    .allSatisfy(p -> assertThat(p.replicas()).doesNotContain(2).doesNotHaveDuplicates());
        }

        @Test
        void evenRacksEachReplicaOnItsOwnRack() {
            Map<Integer, String> rackOf = Map.of(1, "a", 2, "a", 3, "b", 4, "b", 5, "c", 6, "c");
            MetadataImage image = created(racks(rackOf), topic("t", 12, 3));
            TopicImage topic = image.topic("t").orElseThrow();
            assertThat(topic.partitions()).allSatisfy(p -> {
                assertThat(p.replicas()).hasSize(3).doesNotHaveDuplicates();
                assertThat(p.replicas().stream().map(rackOf::get).distinct()).hasSize(3);
            });
            assertThat(leaderCounts(topic)).isEqualTo(Map.of(1, 2, 2, 2, 3, 2, 4, 2, 5, 2, 6, 2));
        }

        @Test
        void unevenRacksStillPutEveryPartitionOnBothRacks() {
            // Three brokers in rack a, one in rack b: each partition of RF 2 can have one replica in
            // each rack, so it must (Kafka's rack-aware rule), even though broker 4 then holds more.
            Map<Integer, String> rackOf = Map.of(1, "a", 2, "a", 3, "a", 4, "b");
            for (String name : List.of("t", "orders", "u1", "u2")) {
                MetadataImage image = created(racks(rackOf), topic(name, 8, 2));
                TopicImage topic = image.topic(name).orElseThrow();
                assertThat(topic.partitions()).as(name).allSatisfy(p -> {
                    assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
                    assertThat(p.replicas().stream().map(rackOf::get).distinct())
                            .as("racks of %s-%d %s", name, p.partition(), p.replicas()).hasSize(2);
                });
                assertThat(leaderCounts(topic)).as(name).isEqualTo(Map.of(1, 2, 2, 2, 3, 2, 4, 2));
            }
        }

        @Test
        void moreReplicasThanRacksUseEveryRack() {
            Map<Integer, String> rackOf = Map.of(1, "a", 2, "a", 3, "b", 4, "b");
            MetadataImage image = created(racks(rackOf), topic("t", 8, 3));
            assertThat(image.topic("t").orElseThrow().partitions()).allSatisfy(p -> {
                assertThat(p.replicas()).hasSize(3).doesNotHaveDuplicates();
                assertThat(p.replicas().stream().map(rackOf::get).distinct()).hasSize(2);
            });
        }

        @Test
        void createPartitionsIsRackAwareToo() {
            Map<Integer, String> rackOf = Map.of(1, "a", 2, "a", 3, "a", 4, "b");
            MetadataImage image = created(racks(rackOf), topic("t", 1, 2));
            Decision decision = logic.decide(image, new ControllerCommand.CreatePartitions(Map.of("t", 9), false));
            image = apply(image, decision);
            assertThat(image.topic("t").orElseThrow().partitions()).allSatisfy(p ->
                    assertThat(p.replicas().stream().map(rackOf::get).distinct()).hasSize(2));
        }
    }

    // ---- fencing -----------------------------------------------------------------------------

    @Nested
    class FenceBroker {
        @Test
        void leadershipMovesToTheNextLiveIsrMemberAndTheIsrShrinks() {
            MetadataImage image = withTopic(brokers(1, 2, 3), "t", Map.of(),
                    partition(0, List.of(1, 2, 3), List.of(1, 2, 3), 1),
                    partition(1, List.of(2, 1, 3), List.of(2, 1, 3), 2),
                    partition(2, List.of(2, 3), List.of(2, 3), 2));
            Decision decision = logic.fenceBroker(image, 1);
            assertThat(error(decision).error()).isEqualTo(Errors.NONE);
            assertThat(decision.records().get(0)).isEqualTo(new MetadataRecord.FenceBroker(1));
            image = apply(image, decision);
            assertThat(image.brokers().get(1).fenced()).isTrue();
            // Led by 1: leader moves to 2, epochs go up.
            assertThat(partitionOf(image, "t", 0)).isEqualTo(new PartitionImage(0, List.of(1, 2, 3), List.of(2, 3), 2,
                    1, 1));
            // Only a follower on 1: the ISR shrinks, the leader and its epoch stay.
            assertThat(partitionOf(image, "t", 1)).isEqualTo(new PartitionImage(1, List.of(2, 1, 3), List.of(2, 3), 2,
                    0, 1));
            // Not a replica on 1: untouched, no record.
            assertThat(partitionOf(image, "t", 2)).isEqualTo(partition(2, List.of(2, 3), List.of(2, 3), 2));
            assertThat(decision.records()).hasSize(3);
        }

        @Test
        void theNextLeaderMustBeLive() {
            // 2 is in the ISR but already fenced (as right after a controller change): 3 takes over.
            MetadataImage image = fenced(withTopic(brokers(1, 2, 3), "t", Map.of(),
                    partition(0, List.of(1, 2, 3), List.of(1, 2, 3), 1)), 2);
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(partitionOf(image, "t", 0).leader()).isEqualTo(3);
            assertThat(partitionOf(image, "t", 0).isr()).containsExactly(2, 3);
        }

        @Test
        void theLastIsrMemberStaysWithNoLeader() {
            MetadataImage image = withTopic(brokers(1, 2), "t", Map.of(),
                    partition(0, List.of(1, 2), List.of(1, 2), 1));
            image = apply(image, logic.fenceBroker(image, 2));
            assertThat(partitionOf(image, "t", 0)).isEqualTo(new PartitionImage(0, List.of(1, 2), List.of(1), 1, 0, 1));
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(partitionOf(image, "t", 0)).isEqualTo(new PartitionImage(0, List.of(1, 2), List.of(1), -1, 1, 2));
        }

        @Test
        void uncleanElectionPicksALiveReplicaWhenEnabledForTheCluster() {
            MetadataImage image = withTopic(brokers(1, 2, 3), "t", Map.of(),
                    partition(0, List.of(1, 2, 3), List.of(1), 1));
            PartitionImage clean = partitionOf(apply(image, logic.fenceBroker(image, 1)), "t", 0);
            assertThat(clean.leader()).isEqualTo(-1);
            assertThat(clean.isr()).containsExactly(1);

            PartitionImage unclean = partitionOf(apply(image, logic(true, true).fenceBroker(image, 1)), "t", 0);
            assertThat(unclean).isEqualTo(new PartitionImage(0, List.of(1, 2, 3), List.of(2), 2, 1, 1));
        }

        @Test
        void topicLevelUncleanSettingOverridesTheCluster() {
            MetadataImage on = withTopic(brokers(1, 2), "on", Map.of("unclean.leader.election.enable", "true"),
                    partition(0, List.of(1, 2), List.of(1), 1));
            assertThat(partitionOf(apply(on, logic(true, false).fenceBroker(on, 1)), "on", 0).leader()).isEqualTo(2);
            MetadataImage off = withTopic(brokers(1, 2), "off", Map.of("unclean.leader.election.enable", "false"),
                    partition(0, List.of(1, 2), List.of(1), 1));
            assertThat(partitionOf(apply(off, logic(true, true).fenceBroker(off, 1)), "off", 0).leader()).isEqualTo(-1);
        }

        @Test
        void uncleanElectionFindsNoOneWhenEveryReplicaIsFenced() {
            MetadataImage image = fenced(withTopic(brokers(1, 2), "t", Map.of(),
                    partition(0, List.of(1, 2), List.of(1), 1)), 2);
            PartitionImage p = partitionOf(apply(image, logic(true, true).fenceBroker(image, 1)), "t", 0);
            assertThat(p.leader()).isEqualTo(-1);
            assertThat(p.isr()).containsExactly(1);
        }

        @Test
        void fencingTwiceWritesNothingTheSecondTime() {
            MetadataImage image = withTopic(brokers(1, 2), "t", Map.of(), partition(0, List.of(1, 2), List.of(1, 2), 1));
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(logic.fenceBroker(image, 1).records()).isEmpty();
        }

        @Test
        void unknownBrokerIsAnError() {
            Decision decision = logic.fenceBroker(brokers(1), 7);
            assertThat(error(decision).error()).isEqualTo(Errors.BROKER_ID_NOT_REGISTERED);
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void controlledShutdownFencesAndMovesLeadership() {
            MetadataImage image = created(brokers(1, 2, 3), topic("t", 6, 3));
            Decision decision = logic.decide(image, new ControllerCommand.ControlledShutdown(1));
            assertThat(decision.records()).isEqualTo(logic.fenceBroker(image, 1).records());
            image = apply(image, decision);
            assertThat(image.brokers().get(1).fenced()).isTrue();
            assertThat(image.topic("t").orElseThrow().partitions()).allSatisfy(p -> {
                assertThat(p.leader()).isIn(2, 3);
                assertThat(p.isr()).doesNotContain(1);
            });
        }
    }

    // ---- coming back -------------------------------------------------------------------------

    @Nested
    class UnfenceAndRegister {
        private MetadataImage offlineOn1() {
            MetadataImage image = withTopic(brokers(1, 2), "t", Map.of(),
                    partition(0, List.of(1, 2), List.of(1, 2), 1),
                    partition(1, List.of(2, 1), List.of(2, 1), 2));
            image = apply(image, logic.fenceBroker(image, 2));
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(partitionOf(image, "t", 0).leader()).isEqualTo(-1);
            assertThat(partitionOf(image, "t", 1).leader()).isEqualTo(-1);
            return image;
        }

        @Test
        void unfenceBringsBackPartitionsWhoseLastIsrMemberItIs() {
            MetadataImage image = offlineOn1();
            PartitionImage before = partitionOf(image, "t", 0);
            Decision decision = logic.unfenceBroker(image, 1);
            assertThat(decision.records().get(0)).isEqualTo(new MetadataRecord.UnfenceBroker(1));
            image = apply(image, decision);
            assertThat(image.brokers().get(1).fenced()).isFalse();
            assertThat(partitionOf(image, "t", 0)).isEqualTo(new PartitionImage(0, List.of(1, 2), List.of(1), 1,
                    before.leaderEpoch() + 1, before.partitionEpoch() + 1));
            assertThat(partitionOf(image, "t", 1).leader()).isEqualTo(1);
        }

        @Test
        void aReplicaOutsideTheIsrStaysOutWithoutUncleanElection() {
            MetadataImage image = offlineOn1();
            // 2 is fenced and out of the ISR of both partitions.
            MetadataImage back = apply(image, logic.unfenceBroker(image, 2));
            assertThat(back.brokers().get(2).fenced()).isFalse();
            assertThat(partitionOf(back, "t", 0).leader()).isEqualTo(-1);
            // With unclean election it becomes the leader and the only ISR member.
            MetadataImage unclean = apply(image, logic(true, true).unfenceBroker(image, 2));
            assertThat(partitionOf(unclean, "t", 0)).satisfies(p -> {
                assertThat(p.leader()).isEqualTo(2);
                assertThat(p.isr()).containsExactly(2);
            });
        }

        @Test
        void unfenceDoesNotReturnTheBrokerToIsrsThatHaveALiveLeader() {
            // Until replication can tell that it caught up, a returning broker stays out of the ISR.
            MetadataImage image = created(brokers(1, 2, 3), topic("t", 6, 3));
            image = apply(image, logic.fenceBroker(image, 1));
            MetadataImage back = apply(image, logic.unfenceBroker(image, 1));
            assertThat(back.topic("t")).isEqualTo(image.topic("t"));
            assertThat(back.topic("t").orElseThrow().partitions())
                    .allSatisfy(p -> assertThat(p.isr()).doesNotContain(1));
        }

        @Test
        void unfencingALiveBrokerWritesNothing() {
            assertThat(logic.unfenceBroker(brokers(1), 1).records()).isEmpty();
            assertThat(logic.unfenceBroker(brokers(1), 9).records()).isEmpty();
        }

        @Test
        void registrationOfAFencedBrokerUnfencesItAndBringsPartitionsBack() {
            MetadataImage image = offlineOn1();
            Decision decision = logic.decide(image, new ControllerCommand.RegisterBroker(1, "127.0.0.1", 9001,
                    Optional.empty()));
            assertThat(decision.records().get(0))
                    .isEqualTo(new MetadataRecord.RegisterBroker(1, "127.0.0.1", 9001, Optional.empty()));
            image = apply(image, decision);
            assertThat(image.brokers().get(1).fenced()).isFalse();
            assertThat(partitionOf(image, "t", 0).leader()).isEqualTo(1);
            assertThat(partitionOf(image, "t", 1).leader()).isEqualTo(1);
        }

        @Test
        void registrationWritesOnlyWhatChanged() {
            MetadataImage image = brokers(1);
            // Same endpoint, alive: nothing to write.
            assertThat(logic.decide(image, new ControllerCommand.RegisterBroker(1, "127.0.0.1", 9001,
                    Optional.empty())).records()).isEmpty();
            // New port, new rack, new broker: one record each.
            for (ControllerCommand.RegisterBroker c : List.of(
                    new ControllerCommand.RegisterBroker(1, "127.0.0.1", 9101, Optional.empty()),
                    new ControllerCommand.RegisterBroker(1, "127.0.0.1", 9001, Optional.of("r1")),
                    new ControllerCommand.RegisterBroker(1, "localhost", 9001, Optional.empty()),
                    new ControllerCommand.RegisterBroker(2, "127.0.0.1", 9002, Optional.empty()))) {
                Decision decision = logic.decide(image, c);
                assertThat(decision.records()).as("%s", c)
                        .containsExactly(new MetadataRecord.RegisterBroker(c.id(), c.host(), c.port(), c.rack()));
            }
        }
    }

    // ---- leader rebalance --------------------------------------------------------------------

    @Nested
    class RebalanceLeaders {
        /** {@code total} partitions preferring broker 1, of which the first {@code notLed} are led by 2. */
        private MetadataImage preferring1(int total, int notLed) {
            List<PartitionImage> partitions = new ArrayList<>();
            for (int p = 0; p < total; p++) {
                partitions.add(partition(p, List.of(1, 2), List.of(1, 2), p < notLed ? 2 : 1));
            }
            return withTopic(brokers(1, 2), "t", Map.of(), partitions.toArray(PartitionImage[]::new));
        }

        @Test
        void balancedClusterNeedsNothing() {
            MetadataImage image = created(brokers(1, 2, 3), topic("t", 6, 3));
            assertThat(logic.rebalanceLeaders(image, 0).records()).isEmpty();
        }

        @Test
        void imbalanceAtOrBelowThePercentageIsTolerated() {
            // 1 of 10 = 10 %: not above 10 %.
            assertThat(logic.rebalanceLeaders(preferring1(10, 1), 10).records()).isEmpty();
            assertThat(logic.rebalanceLeaders(preferring1(10, 2), 20).records()).isEmpty();
        }

        @Test
        void imbalanceAboveThePercentageMovesLeadershipBack() {
            MetadataImage image = preferring1(10, 2);
            Decision decision = logic.rebalanceLeaders(image, 10);
            assertThat(decision.records()).hasSize(2);
            image = apply(image, decision);
            assertThat(image.topic("t").orElseThrow().partitions()).allSatisfy(p -> assertThat(p.leader()).isEqualTo(1));
            assertThat(partitionOf(image, "t", 0).leaderEpoch()).isEqualTo(1);
            assertThat(partitionOf(image, "t", 9).leaderEpoch()).isZero();
            // Zero percent: any partition away from its preferred leader moves.
            assertThat(logic.rebalanceLeaders(preferring1(10, 1), 0).records()).hasSize(1);
        }

        @Test
        void onlyTheImbalancedBrokersPartitionsMove() {
            List<PartitionImage> partitions = new ArrayList<>();
            // Broker 1 prefers 4 partitions and leads none of them; broker 2 prefers 10 and leads 9.
            for (int p = 0; p < 4; p++) {
                partitions.add(partition(p, List.of(1, 2), List.of(1, 2), 2));
            }
            for (int p = 4; p < 14; p++) {
                partitions.add(partition(p, List.of(2, 1), List.of(2, 1), p == 4 ? 1 : 2));
            }
            MetadataImage image = withTopic(brokers(1, 2), "t", Map.of(), partitions.toArray(PartitionImage[]::new));
            MetadataImage after = apply(image, logic.rebalanceLeaders(image, 10));
            assertThat(after.topic("t").orElseThrow().partitions().subList(0, 4))
                    .allSatisfy(p -> assertThat(p.leader()).isEqualTo(1));
            assertThat(partitionOf(after, "t", 4).leader()).isEqualTo(1);
        }

        @Test
        void preferredReplicaMustBeLiveAndInTheIsr() {
            assertThat(logic.rebalanceLeaders(fenced(preferring1(4, 4), 1), 0).records()).isEmpty();
            MetadataImage outOfIsr = withTopic(brokers(1, 2), "t", Map.of(),
                    partition(0, List.of(1, 2), List.of(2), 2));
            assertThat(logic.rebalanceLeaders(outOfIsr, 0).records()).isEmpty();
        }

        @Test
        void afterFenceAndUnfenceNothingMovesBackWhileTheIsrLacksThePreferredReplica() {
            // The cluster case today: the returning broker is not re-added to ISRs (no replication yet).
            MetadataImage image = created(brokers(1, 2, 3), topic("t", 6, 3));
            image = apply(image, logic.fenceBroker(image, 1));
            image = apply(image, logic.unfenceBroker(image, 1));
            assertThat(logic.rebalanceLeaders(image, 0).records()).isEmpty();
            // Once the ISR holds it again (what AlterPartition will do), leadership goes back.
            TopicImage topic = image.topic("t").orElseThrow();
            List<MetadataRecord> rejoin = new ArrayList<>();
            for (PartitionImage p : topic.partitions()) {
                List<Integer> isr = new ArrayList<>(p.isr());
                if (!isr.contains(1)) {
                    isr.add(1);
                }
                rejoin.add(new MetadataRecord.Partition(topic.id(), p.partition(), p.replicas(), isr, p.leader(),
                        p.leaderEpoch(), p.partitionEpoch() + 1));
            }
            image = apply(image, rejoin);
            image = apply(image, logic.rebalanceLeaders(image, 10));
            assertThat(image.topic("t").orElseThrow().partitions())
                    .allSatisfy(p -> assertThat(p.leader()).isEqualTo(p.preferredLeader()));
        }
    }

    // ---- AlterPartition ----------------------------------------------------------------------

    @Nested
    class AlterPartition {
        private MetadataImage image() {
            // Leader 1 at leader epoch 0, partition epoch 0; 3 has fallen out of the ISR.
            return withTopic(brokers(1, 2, 3), "t", Map.of(), partition(0, List.of(1, 2, 3), List.of(1, 2), 1));
        }

        private Decision alter(MetadataImage image, int leader, int leaderEpoch, int partitionEpoch,
                               List<Integer> isr) {
            return logic.decide(image, new ControllerCommand.AlterPartition("t", 0, leader, leaderEpoch,
                    partitionEpoch, isr));
        }

        @Test
        void theLeaderGrowsAndShrinksTheIsr() {
            MetadataImage image = image();
            Decision grow = alter(image, 1, 0, 0, List.of(1, 2, 3));
            assertThat(error(grow).error()).isEqualTo(Errors.NONE);
            image = apply(image, grow);
            assertThat(partitionOf(image, "t", 0)).isEqualTo(new PartitionImage(0, List.of(1, 2, 3),
                    List.of(1, 2, 3), 1, 0, 1));
            image = apply(image, alter(image, 1, 0, 1, List.of(1)));
            assertThat(partitionOf(image, "t", 0).isr()).containsExactly(1);
            assertThat(partitionOf(image, "t", 0).partitionEpoch()).isEqualTo(2);
        }

        @Test
        void staleOrForeignRequestsAreRefused() {
            MetadataImage image = image();
            assertThat(error(alter(image, 2, 0, 0, List.of(1, 2))).error()).isEqualTo(Errors.FENCED_LEADER_EPOCH);
            assertThat(error(alter(image, 1, 1, 0, List.of(1, 2))).error()).isEqualTo(Errors.FENCED_LEADER_EPOCH);
            assertThat(error(alter(image, 1, 0, 5, List.of(1, 2))).error()).isEqualTo(Errors.INVALID_UPDATE_VERSION);
            assertThat(error(logic.decide(image, new ControllerCommand.AlterPartition("t", 3, 1, 0, 0,
                    List.of(1)))).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(error(logic.decide(image, new ControllerCommand.AlterPartition("nope", 0, 1, 0, 0,
                    List.of(1)))).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }

        @Test
        void invalidIsrsAreRefused() {
            MetadataImage image = image();
            // Without the leader, with a non-replica, with a fenced newcomer, with a duplicate.
            assertThat(error(alter(image, 1, 0, 0, List.of(2))).error()).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(error(alter(image, 1, 0, 0, List.of(1, 9))).error()).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(error(alter(fenced(image, 3), 1, 0, 0, List.of(1, 2, 3))).error())
                    .isEqualTo(Errors.INELIGIBLE_REPLICA);
            Decision duplicate = alter(image, 1, 0, 0, List.of(1, 2, 2));
            assertThat(error(duplicate).error()).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(duplicate.records()).isEmpty();
        }

        @Test
        void aReturningPreferredReplicaGetsLeadershipBackOnceItRejoinsTheIsr() {
            // The cluster path: fence 1, it comes back, the new leader re-admits it, rebalance.
            MetadataImage image = created(brokers(1, 2, 3), topic("orders", 6, 3));
            image = apply(image, logic.fenceBroker(image, 1));
            image = apply(image, logic.unfenceBroker(image, 1));
            TopicImage topic = image.topic("orders").orElseThrow();
            for (PartitionImage p : topic.partitions()) {
                if (!p.isr().contains(1)) {
                    List<Integer> isr = new ArrayList<>(p.isr());
                    isr.add(1);
                    Decision d = logic.decide(image, new ControllerCommand.AlterPartition("orders", p.partition(),
                            p.leader(), p.leaderEpoch(), p.partitionEpoch(), isr));
                    assertThat(error(d).error()).as("%s", p).isEqualTo(Errors.NONE);
                    image = apply(image, d);
                }
            }
            image = apply(image, logic.rebalanceLeaders(image, 10));
            assertThat(image.topic("orders").orElseThrow().partitions())
                    .allSatisfy(p -> assertThat(p.leader()).isEqualTo(p.preferredLeader()));
        }
    }

    // ---- ElectLeaders ------------------------------------------------------------------------

    @Nested
    class ElectLeaders {
        private Map<String, Map<Integer, ApiError>> results(Decision decision) {
            return ((ControllerResult.Elections) decision.result()).results();
        }

        private Errors outcome(Decision decision, String topic, int partition) {
            return results(decision).get(topic).get(partition).error();
        }

        private MetadataImage image() {
            // p0: preferred 1 leads. p1: led by 2, preferred 1 in ISR. p2: led by 2, preferred 3 out of ISR.
            // p3: led by 2, preferred 1 in ISR.
            return withTopic(brokers(1, 2, 3), "t", Map.of(),
                    partition(0, List.of(1, 2), List.of(1, 2), 1),
                    partition(1, List.of(1, 2), List.of(1, 2), 2),
                    partition(2, List.of(3, 2), List.of(2), 2),
                    partition(3, List.of(1, 2), List.of(1, 2), 2));
        }

        @Test
        void preferredElection() {
            MetadataImage image = image();
            Decision decision = logic.decide(image, new ControllerCommand.ElectLeaders(false,
                    Map.of("t", List.of(0, 1, 2, 7, -1), "missing", List.of(0))));
            assertThat(outcome(decision, "t", 0)).isEqualTo(Errors.ELECTION_NOT_NEEDED);
            assertThat(outcome(decision, "t", 1)).isEqualTo(Errors.NONE);
            assertThat(outcome(decision, "t", 2)).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);
            assertThat(outcome(decision, "t", 7)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(outcome(decision, "t", -1)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(outcome(decision, "missing", 0)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            image = apply(image, decision);
            assertThat(partitionOf(image, "t", 1)).isEqualTo(new PartitionImage(1, List.of(1, 2), List.of(1, 2), 1, 1, 1));
            // Not asked for: untouched.
            assertThat(partitionOf(image, "t", 3).leader()).isEqualTo(2);
            assertThat(decision.records()).hasSize(1);
        }

        @Test
        void preferredLeaderMustBeLive() {
            MetadataImage image = fenced(image(), 1);
            Decision decision = logic.decide(image, new ControllerCommand.ElectLeaders(false, Map.of("t", List.of(1))));
            assertThat(outcome(decision, "t", 1)).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);
            assertThat(decision.records()).isEmpty();
        }

        @Test
        void nullPartitionsMeansEveryPartition() {
            MetadataImage image = image();
            Decision decision = logic.decide(image, new ControllerCommand.ElectLeaders(false, null));
            assertThat(results(decision)).containsOnlyKeys("t");
            assertThat(results(decision).get("t")).containsOnlyKeys(0, 1, 2, 3);
            image = apply(image, decision);
            assertThat(partitionOf(image, "t", 1).leader()).isEqualTo(1);
            assertThat(partitionOf(image, "t", 3).leader()).isEqualTo(1);
            assertThat(partitionOf(image, "t", 2).leader()).isEqualTo(2);
        }

        @Test
        void uncleanElection() {
            MetadataImage image = withTopic(brokers(1, 2, 3), "t", Map.of(),
                    partition(0, List.of(1, 2), List.of(1, 2), 1),   // live leader
                    partition(1, List.of(1, 2, 3), List.of(1), 1),   // leader 1 will be fenced, ISR only 1
                    partition(2, List.of(1, 3), List.of(1, 3), 1));  // live ISR member 3 remains
            image = apply(image, logic.fenceBroker(image, 1));
            assertThat(partitionOf(image, "t", 1).leader()).isEqualTo(-1);
            assertThat(partitionOf(image, "t", 2).leader()).isEqualTo(3);

            Decision decision = logic.decide(image, new ControllerCommand.ElectLeaders(true,
                    Map.of("t", List.of(0, 1, 2, 9))));
            assertThat(outcome(decision, "t", 0)).isEqualTo(Errors.ELECTION_NOT_NEEDED);
            assertThat(outcome(decision, "t", 1)).isEqualTo(Errors.NONE);
            assertThat(outcome(decision, "t", 2)).isEqualTo(Errors.ELECTION_NOT_NEEDED);
            assertThat(outcome(decision, "t", 9)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            image = apply(image, decision);
            // The first live replica leads, alone in the ISR.
            assertThat(partitionOf(image, "t", 1)).satisfies(p -> {
                assertThat(p.leader()).isEqualTo(2);
                assertThat(p.isr()).containsExactly(2);
            });
        }

        @Test
        void uncleanElectionWithoutLiveReplicas() {
            MetadataImage image = withTopic(brokers(1, 2), "t", Map.of(), partition(0, List.of(1, 2), List.of(1), 1));
            image = apply(image, logic.fenceBroker(image, 1));
            image = fenced(image, 2);
            Decision decision = logic.decide(image, new ControllerCommand.ElectLeaders(true, Map.of("t", List.of(0))));
            assertThat(outcome(decision, "t", 0)).isEqualTo(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE);
            assertThat(decision.records()).isEmpty();
        }
    }

    // ---- properties --------------------------------------------------------------------------

    @Nested
    class Properties {
        /**
         * Random fences, unfences and rebalances never break the image's invariants: leaders are live
         * ISR members (or -1), ISRs are non-empty subsets of replicas, epochs never go down.
         */
        @Test
        void invariantsHoldUnderRandomFencingAndUnfencing() {
            java.util.Random random = new java.util.Random(42);
            for (int run = 0; run < 20; run++) {
                boolean unclean = random.nextBoolean();
                ControllerLogic l = logic(true, unclean);
                MetadataImage image = brokers(1, 2, 3, 4, 5);
                image = apply(image, l.decide(image, new ControllerCommand.CreateTopics(
                        List.of(topic("a", 10, 3), topic("b", 5, 2)), false)));
                for (int step = 0; step < 60; step++) {
                    int broker = 1 + random.nextInt(5);
                    MetadataImage next;
                    switch (random.nextInt(4)) {
                        case 0, 1 -> next = apply(image, l.fenceBroker(image, broker));
                        case 2 -> next = apply(image, l.unfenceBroker(image, broker));
                        default -> next = apply(image, l.rebalanceLeaders(image, random.nextInt(30)));
                    }
                    checkInvariants(image, next);
                    image = next;
                }
            }
        }

    }

    private static void checkInvariants(MetadataImage before, MetadataImage after) {
        Set<Integer> live = new HashSet<>();
        after.brokers().values().stream().filter(b -> !b.fenced()).forEach(b -> live.add(b.id()));
        for (TopicImage topic : after.topics().values()) {
            for (PartitionImage p : topic.partitions()) {
                String where = topic.name() + "-" + p.partition() + " " + p;
                assertThat(p.isr()).as(where).isNotEmpty().doesNotHaveDuplicates();
                assertThat(p.replicas()).as(where).containsAll(p.isr());
                if (p.leader() != -1) {
                    assertThat(live).as(where).contains(p.leader());
                    assertThat(p.isr()).as(where).contains(p.leader());
                }
                PartitionImage old = before.topic(topic.name()).orElseThrow().partitions().get(p.partition());
                assertThat(p.leaderEpoch()).as(where).isGreaterThanOrEqualTo(old.leaderEpoch());
                assertThat(p.partitionEpoch()).as(where).isGreaterThanOrEqualTo(old.partitionEpoch());
                if (p.leader() != old.leader()) {
                    assertThat(p.leaderEpoch()).as(where).isGreaterThan(old.leaderEpoch());
                }
                if (!p.equals(old)) {
                    assertThat(p.partitionEpoch()).as(where).isGreaterThan(old.partitionEpoch());
                }
                // A partition with a live ISR member always has a leader.
                if (p.isr().stream().anyMatch(live::contains)) {
                    assertThat(p.leader()).as(where).isNotEqualTo(-1);
                }
            }
        }
    }
}
