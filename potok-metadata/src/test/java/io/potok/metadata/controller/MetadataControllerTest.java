package io.potok.metadata.controller;

import static io.potok.metadata.controller.QuorumTestSupport.NO_EXTRA_RULES;
import static io.potok.metadata.controller.QuorumTestSupport.content;
import static io.potok.metadata.controller.QuorumTestSupport.get;
import static io.potok.metadata.controller.QuorumTestSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.quorum.Voter;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller on a real one-voter Ratis quorum: the path every single node takes. The rules
 * themselves are in {@link ControllerLogicTest}; this checks what only the quorum gives: commands
 * decided and committed, answers after the node's own image has them, durability across restarts
 * (log replay and snapshot load), and images published in log order.
 */
class MetadataControllerTest {
    private static final String CLUSTER = "test-cluster";

    @TempDir
    Path dir;

    private final List<MetadataController> open = new ArrayList<>();
    private List<Voter> voters;
    private MetadataController controller;

    private ControllerConfig config(int advertisedPort) {
        return new ControllerConfig(1, CLUSTER, dir.resolve("meta"), "127.0.0.1", advertisedPort, Optional.empty(),
                1, (short) 1, true, voters, QuorumTestSupport.fastTimings());
    }

    private MetadataController start(ControllerConfig config, MetadataListener listenerBeforeStart) throws IOException {
        MetadataController c = new MetadataController(config, NO_EXTRA_RULES);
        open.add(c);
        if (listenerBeforeStart != null) {
            c.addListener(listenerBeforeStart);
        }
        c.start();
        return c;
    }

    @BeforeEach
    void setUp() throws IOException {
        voters = List.of(new Voter(1, "127.0.0.1", ControllerConfig.freeLoopbackPort()));
        controller = start(config(9092), null);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (MetadataController c : open) {
            c.close();
        }
    }

    private void restart(int advertisedPort, MetadataListener listenerBeforeStart) throws IOException {
        controller.close();
        controller = start(config(advertisedPort), listenerBeforeStart);
    }

    private TopicResult create(NewTopic topic) {
        List<TopicResult> results = get(controller.createTopics(List.of(topic), false));
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    @Test
    void startRegistersThisBrokerAndBecomesTheActiveController() {
        MetadataImage image = controller.image();
        assertThat(image.clusterId()).isEqualTo(CLUSTER);
        assertThat(image.brokers()).containsOnlyKeys(1);
        assertThat(image.brokers().get(1)).isEqualTo(new BrokerImage(1, "127.0.0.1", 9092, Optional.empty(), false));
        // Offsets are Raft log indexes: the registration is not the first entry (Raft writes its own).
        assertThat(image.offset()).isPositive();
        assertThat(image.topics()).isEmpty();
        assertThat(controller.activeControllerId()).isEqualTo(1);
    }

    @Test
    void commandsAreCommittedAndTheAnswerComesAfterThisNodesImageHasThem() {
        long before = controller.image().offset();
        TopicResult result = create(new NewTopic("orders", 3, (short) 1, Map.of(), Map.of("retention.ms", "1000")));
        assertThat(result.error().error()).isEqualTo(Errors.NONE);
        // No waiting: the image already includes the topic when the future completes.
        assertThat(controller.image().topic("orders")).isEqualTo(result.topic());
        assertThat(controller.image().offset()).isGreaterThan(before);
        assertThat(controller.image().topic("orders").orElseThrow().configs()).containsEntry("retention.ms", "1000");

        // Refusals come back through the quorum with their error and message, and change nothing.
        TopicResult again = create(topic("orders", 1, 1));
        assertThat(again.error().error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(again.error().message()).contains("orders");
        List<TopicResult> dry = get(controller.createTopics(List.of(topic("dry", 2, 1)), true));
        assertThat(dry.get(0).error().error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().topics()).containsOnlyKeys("orders");

        assertThat(get(controller.createPartitions(Map.of("orders", 5), false)).get(0).error().error())
                .isEqualTo(Errors.NONE);
        assertThat(controller.image().topic("orders").orElseThrow().partitions()).hasSize(5);
        assertThat(get(controller.deleteTopics(List.of("orders"))).get(0).error().error()).isEqualTo(Errors.NONE);
        assertThat(controller.image().topics()).isEmpty();
    }

    @Test
    void concurrentCommandsSeeEachOthersUncommittedEffects() {
        // The active controller decides against its pending image: twenty concurrent allocations
        // and creates of one name must not overlap or both succeed.
        List<CompletableFuture<long[]>> blocks = new ArrayList<>();
        List<CompletableFuture<List<TopicResult>>> creates = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            blocks.add(controller.allocateProducerIds());
            creates.add(controller.createTopics(List.of(topic("same", 1, 1)), false));
        }
        assertDisjoint(blocks.stream().map(QuorumTestSupport::get).toList());
        assertThat(creates.stream().map(QuorumTestSupport::get).filter(r -> r.get(0).error().isSuccess()))
                .hasSize(1);
    }

    @Test
    void everythingSurvivesARestartThroughLogReplayAndSnapshot() throws IOException {
        create(new NewTopic("orders", 3, (short) 1, Map.of(), Map.of("retention.ms", "1000")));
        create(topic("gone", 1, 1));
        get(controller.deleteTopics(List.of("gone")));
        get(controller.alterConfigs(ResourceKind.BROKER, "", Map.of("log.retention.ms", Optional.of("10")), false,
                false));
        assertThat(get(controller.alterConfigs(ResourceKind.CLIENT_QUOTA, "client-id=app",
                Map.of("producer_byte_rate", Optional.of("1024.0"), "consumer_byte_rate", Optional.of("2048")), false,
                false)).error()).isEqualTo(Errors.NONE);
        long[] beforeSnapshot = get(controller.allocateProducerIds());
        MetadataImage atSnapshot = controller.image();

        long snapshotIndex = QuorumTestSupport.takeSnapshot(CLUSTER, voters);
        assertThat(snapshotIndex).isGreaterThanOrEqualTo(atSnapshot.offset());
        try (Stream<Path> files = Files.walk(dir.resolve("meta"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("snapshot."));
        }

        // More history after the snapshot: replayed from the log on top of it.
        create(topic("grow", 1, 1));
        get(controller.createPartitions(Map.of("grow", 4), false));
        get(controller.alterConfigs(ResourceKind.TOPIC, "orders", Map.of("cleanup.policy", Optional.of("compact")),
                false, false));
        get(controller.alterConfigs(ResourceKind.CLIENT_QUOTA, "client-id=app",
                Map.of("consumer_byte_rate", Optional.empty()), false, false));
        get(controller.alterConfigs(ResourceKind.CLIENT_QUOTA, "user", Map.of("producer_byte_rate",
                Optional.of("4096")), false, false));
        long[] afterSnapshot = get(controller.allocateProducerIds());
        MetadataImage before = controller.image();

        // A clean stop writes another snapshot (Ratis does at close); drop it, as if the node had
        // crashed, so that the restart must load the older snapshot and replay the log after it.
        controller.close();
        dropSnapshotsAfter(snapshotIndex);
        List<MetadataImage> seen = Collections.synchronizedList(new ArrayList<>());
        restart(9092, (previous, current) -> seen.add(current));
        MetadataImage after = controller.image();
        // Same endpoint, so no new registration: the same metadata (Raft's own entries move the offset).
        assertThat(content(after)).isEqualTo(content(before));
        assertThat(after.offset()).isGreaterThanOrEqualTo(before.offset());
        assertThat(after.topic("orders").orElseThrow().configs())
                .isEqualTo(Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        assertThat(after.topic("grow").orElseThrow().partitions()).hasSize(4);
        assertThat(after.brokerConfigs("")).isEqualTo(Map.of("log.retention.ms", "10"));
        assertThat(after.clientQuotas()).isEqualTo(Map.of(
                io.potok.metadata.quota.ClientQuotaEntity.fromResource("client-id=app"),
                Map.of("producer_byte_rate", 1024.0),
                io.potok.metadata.quota.ClientQuotaEntity.fromResource("user"), Map.of("producer_byte_rate", 4096.0)));

        // The snapshot was loaded: the first image after the empty one jumps straight to its index
        // and already holds everything written before it.
        MetadataImage first = seen.stream().filter(i -> i.offset() >= 0).findFirst().orElseThrow();
        assertThat(first.offset()).isEqualTo(snapshotIndex);
        assertThat(first.topics()).containsOnlyKeys("orders");
        assertThat(first.nextProducerId()).isEqualTo(atSnapshot.nextProducerId());

        // Producer ids handed out before the restart are never handed out again.
        long[] next = get(controller.allocateProducerIds());
        assertDisjoint(List.of(beforeSnapshot, afterSnapshot, next));
        assertThat(next[0]).isGreaterThanOrEqualTo(afterSnapshot[0] + afterSnapshot[1]);
        // New commands continue from the restored state.
        assertThat(create(topic("orders", 1, 1)).error().error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(create(topic("gone", 1, 1)).error().error()).isEqualTo(Errors.NONE);
    }

    @Test
    void restartWithANewEndpointReRegisters() throws IOException {
        create(topic("orders", 1, 1));
        restart(9093, null);
        assertThat(controller.image().brokers().get(1)).isEqualTo(
                new BrokerImage(1, "127.0.0.1", 9093, Optional.empty(), false));
        assertThat(controller.image().topics()).containsOnlyKeys("orders");
    }

    @Test
    void listenersSeeEveryImageInLogOrder() {
        List<MetadataImage[]> seen = Collections.synchronizedList(new ArrayList<>());
        MetadataImage initial = controller.image();
        controller.addListener((previous, current) -> seen.add(new MetadataImage[] {previous, current}));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)[0].offset()).isEqualTo(-1);
        // The current image; Raft's own entries (no metadata) may have moved its offset since it was read above.
        assertThat(content(seen.get(0)[1])).isEqualTo(content(initial));
        assertThat(seen.get(0)[1].offset()).isGreaterThanOrEqualTo(initial.offset());

        create(topic("t1", 1, 1));
        get(controller.createTopics(List.of(topic("bad name", 1, 1)), false)); // refused: no image
        get(controller.createPartitions(Map.of("t1", 2), false));
        get(controller.alterConfigs(ResourceKind.TOPIC, "t1", Map.of("retention.ms", Optional.of("7")), false, false));
        get(controller.deleteTopics(List.of("t1")));

        assertThat(seen).hasSize(5);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[1].offset()).isGreaterThan(seen.get(i)[0].offset());
            // "previous" is the image the listener saw last; between two commits Raft's own entries
            // (which carry no metadata) may have moved the offset, never the content.
            assertThat(content(seen.get(i)[0])).as("image %d continues from image %d", i, i - 1)
                    .isEqualTo(content(seen.get(i - 1)[1]));
            assertThat(seen.get(i)[0].offset()).isGreaterThanOrEqualTo(seen.get(i - 1)[1].offset());
        }
        assertThat(seen.get(1)[1].topics()).containsOnlyKeys("t1");
        assertThat(seen.get(2)[1].topic("t1").orElseThrow().partitions()).hasSize(2);
        assertThat(seen.get(3)[1].topic("t1").orElseThrow().configs()).containsEntry("retention.ms", "7");
        assertThat(seen.get(4)[1].topics()).isEmpty();
        assertThat(content(seen.get(4)[1])).isEqualTo(content(controller.image()));
    }

    /** Deletes snapshot files ({@code snapshot.TERM_INDEX[.md5]}) newer than {@code index}. */
    private void dropSnapshotsAfter(long index) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("meta"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("snapshot\\.\\d+_(\\d+)(\\.md5)?")
                        .matcher(file.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) > index) {
                    Files.delete(file);
                }
            }
        }
    }

    static void assertDisjoint(List<long[]> blocks) {
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
}
