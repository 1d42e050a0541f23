package io.potok.metadata.controller;

import static io.potok.metadata.controller.QuorumTestSupport.NO_EXTRA_RULES;
import static io.potok.metadata.controller.QuorumTestSupport.content;
import static io.potok.metadata.controller.QuorumTestSupport.get;
import static io.potok.metadata.controller.QuorumTestSupport.topic;
import static io.potok.metadata.controller.QuorumTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.quorum.Voter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers of one Ratis quorum in this JVM, each with its own loopback port and directory:
 * the cluster behaviour of the control plane without processes. Short timers
 * ({@link QuorumTestSupport#fastTimings()}: election 200-400 ms, heartbeat 100 ms, session 1 s)
 * keep failover and fencing within a few seconds.
 */
class ThreeVoterQuorumTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    @TempDir
    Path dir;

    private String clusterId;
    private ControllerConfig.Timings timings;
    private List<Voter> voters;
    /** Index i holds node i + 1; null while that node is down. */
    private final MetadataController[] nodes = new MetadataController[3];

    @BeforeEach
    void startCluster(org.junit.jupiter.api.TestInfo test) throws Exception {
        // One test needs a node to be away and back without being fenced: a long session for it.
        timings = test.getTestMethod().orElseThrow().getName().contains("BeforeItIsFenced")
                ? new ControllerConfig.Timings(200, 100, 20_000, false, 60_000, 10, false)
                : QuorumTestSupport.fastTimings();
        clusterId = "three-" + CLUSTERS.incrementAndGet();
        voters = List.of(new Voter(1, "127.0.0.1", ControllerConfig.freeLoopbackPort()),
                new Voter(2, "127.0.0.1", ControllerConfig.freeLoopbackPort()),
                new Voter(3, "127.0.0.1", ControllerConfig.freeLoopbackPort()));
        // Each start() waits for its registration, which needs a majority: start them together.
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            int node = id;
            starts.add(CompletableFuture.runAsync(() -> startNode(node)));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get();
        waitUntil("every node sees three live brokers and one controller", 10_000, () -> {
            for (MetadataController n : nodes) {
                if (n.image().brokers().size() != 3 || n.image().brokers().values().stream().anyMatch(b -> b.fenced())
                        || n.activeControllerId() == -1) {
                    return false;
                }
            }
            return true;
        });
    }

    @AfterEach
    void stopCluster() throws Exception {
        // In parallel: closing a Ratis server takes up to a second.
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            MetadataController n = nodes[i];
            nodes[i] = null;
            if (n != null) {
                closes.add(CompletableFuture.runAsync(() -> {
                    try {
                        n.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get();
    }

    private void startNode(int id) {
        ControllerConfig config = new ControllerConfig(id, clusterId, dir.resolve("node-" + id), "127.0.0.1",
                9000 + id, Optional.empty(), 1, (short) 1, true, voters, timings);
        MetadataController controller = new MetadataController(config, NO_EXTRA_RULES);
        nodes[id - 1] = controller;
        try {
            controller.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private MetadataController node(int id) {
        return nodes[id - 1];
    }

    private void stop(int id) throws IOException {
        nodes[id - 1].close();
        nodes[id - 1] = null;
    }

    private List<MetadataController> running() {
        List<MetadataController> up = new ArrayList<>();
        for (MetadataController n : nodes) {
            if (n != null) {
                up.add(n);
            }
        }
        return up;
    }

    /** The node every running node names as the active controller, once they agree. */
    private int agreedController() {
        int[] agreed = {-1};
        waitUntil("the running nodes agree on a controller", 10_000, () -> {
            List<Integer> ids = running().stream().map(MetadataController::activeControllerId).distinct().toList();
            if (ids.size() == 1 && ids.get(0) != -1 && nodes[ids.get(0) - 1] != null) {
                agreed[0] = ids.get(0);
                return true;
            }
            return false;
        });
        return agreed[0];
    }

    private int aFollower(int leader) {
        return leader % 3 + 1;
    }

    private void awaitConvergence() {
        waitUntil("the running nodes' images agree", 10_000, () ->
                running().stream().map(n -> content(n.image())).distinct().count() == 1);
    }

    private static Map<Integer, Integer> leaderCounts(TopicImage topic) {
        Map<Integer, Integer> counts = new HashMap<>();
        topic.partitions().forEach(p -> counts.merge(p.leader(), 1, Integer::sum));
        return counts;
    }

    @Test
    void nodesConvergeAndFollowersForwardCommandsToTheActiveController() {
        int leader = agreedController();
        int follower = aFollower(leader);
        int other = aFollower(follower);

        List<TopicResult> created = get(node(follower).createTopics(List.of(topic("orders", 6, 3)), false));
        assertThat(created.get(0).error().error()).isEqualTo(Errors.NONE);
        // The asking node's own image has the topic as soon as the answer arrives.
        TopicImage orders = node(follower).image().topic("orders").orElseThrow();
        assertThat(created.get(0).topic()).contains(orders);
        assertThat(leaderCounts(orders)).isEqualTo(Map.of(1, 2, 2, 2, 3, 2));
        assertThat(orders.partitions()).allSatisfy(p -> assertThat(p.replicas()).containsExactlyInAnyOrder(1, 2, 3));

        // The leader decided it: a second create through the third node sees it and is refused.
        assertThat(get(node(other).createTopics(List.of(topic("orders", 1, 1)), false)).get(0).error().error())
                .isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        // Producer id blocks from different nodes come from the one controller: disjoint.
        List<long[]> blocks = new ArrayList<>();
        for (MetadataController n : running()) {
            blocks.add(get(n.allocateProducerIds()));
        }
        MetadataControllerTest.assertDisjoint(blocks);

        awaitConvergence();
        assertThat(node(leader).image().topic("orders")).contains(orders);

        // DescribeQuorum from a follower: the leader first, every voter with the leader's entries once replicated.
        waitUntil("the followers have every entry of the leader", 10_000, () -> {
            io.potok.metadata.quorum.QuorumDescription q = get(node(other).describeQuorum());
            return q.highWatermark() == q.voters().get(0).logEndOffset()
                    && q.voters().stream().allMatch(v -> v.logEndOffset() == q.voters().get(0).logEndOffset());
        });
        io.potok.metadata.quorum.QuorumDescription quorum = get(node(follower).describeQuorum());
        assertThat(quorum.leaderId()).isEqualTo(leader);
        assertThat(quorum.voters().get(0).id()).isEqualTo(leader);
        assertThat(quorum.voters()).extracting(io.potok.metadata.quorum.QuorumDescription.Replica::id)
                .containsExactlyInAnyOrder(1, 2, 3);
        assertThat(quorum.highWatermark()).isPositive().isLessThanOrEqualTo(quorum.voters().get(0).logEndOffset());
        assertThat(quorum.voters()).allSatisfy(v -> assertThat(v.lastCaughtUpTimestamp()).isPositive());
        assertThat(quorum.observers()).isEmpty();
    }

    @Test
    void whenTheActiveControllerStopsAnotherTakesOverAndFencesIt() throws IOException {
        int leader = agreedController();
        get(node(aFollower(leader)).createTopics(List.of(topic("orders", 6, 3)), false));
        awaitConvergence();
        TopicImage before = node(aFollower(leader)).image().topic("orders").orElseThrow();

        long stoppedAt = System.currentTimeMillis();
        stop(leader);
        int next = agreedController();
        long failoverMs = System.currentTimeMillis() - stoppedAt;
        assertThat(next).isNotEqualTo(leader);
        assertThat(failoverMs).as("failover time").isLessThan(5_000);

        // Commands work again, from either survivor.
        for (MetadataController n : running()) {
            String name = "after-" + n.activeControllerId() + "-" + running().indexOf(n);
            assertThat(get(n.createTopics(List.of(topic(name, 2, 2)), false)).get(0).error().error())
                    .isEqualTo(Errors.NONE);
        }

        // The stopped node sends no heartbeats: the new controller fences it after the session
        // timeout, and its partitions get leaders among the live ISR members.
        MetadataController survivor = running().get(0);
        waitUntil("broker " + leader + " is fenced", 5_000, () -> survivor.image().brokers().get(leader).fenced());
        TopicImage after = survivor.image().topic("orders").orElseThrow();
        for (PartitionImage p : after.partitions()) {
            PartitionImage old = before.partitions().get(p.partition());
            assertThat(p.leader()).as("%s", p).isNotEqualTo(leader).isNotEqualTo(-1);
            assertThat(p.isr()).as("%s", p).doesNotContain(leader);
            if (old.leader() == leader) {
                assertThat(p.leaderEpoch()).isGreaterThan(old.leaderEpoch());
                assertThat(old.isr()).contains(p.leader());
            } else {
                assertThat(p.leader()).isEqualTo(old.leader());
            }
        }
        awaitConvergence();
    }

    @Test
    void aNodeThatStopsHeartbeatingIsFencedAndComesBackByRegistering() throws IOException {
        int leader = agreedController();
        int follower = aFollower(leader);
        get(node(leader).createTopics(List.of(topic("orders", 6, 3)), false));

        stop(follower);
        waitUntil("broker " + follower + " is fenced", 5_000,
                () -> node(leader).image().brokers().get(follower).fenced());
        TopicImage orders = node(leader).image().topic("orders").orElseThrow();
        assertThat(orders.partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isNotEqualTo(follower).isNotEqualTo(-1);
            assertThat(p.isr()).doesNotContain(follower);
        });
        assertThat(leaderCounts(orders).keySet()).doesNotContain(follower);
        // Metadata changes while it is away.
        get(node(leader).createTopics(List.of(topic("while-away", 1, 2)), false));

        // It restarts on its old directory: registration unfences it, and its image has caught up
        // with what happened while it was away by the time start() returns.
        startNode(follower);
        MetadataImage image = node(follower).image();
        assertThat(image.brokers().get(follower).fenced()).isFalse();
        assertThat(image.topics()).containsKeys("orders", "while-away");
        awaitConvergence();
        // Nothing re-adds it to the ISRs (no replication yet), so leadership stays where it moved.
        assertThat(node(leader).image().topic("orders").orElseThrow().partitions())
                .allSatisfy(p -> assertThat(p.leader()).isNotEqualTo(follower));
    }

    @Test
    void aNodeRestartedBeforeItIsFencedHasCaughtUpWhenStartReturns() throws IOException {
        int leader = agreedController();
        int follower = aFollower(leader);
        stop(follower);
        // Changes it misses while it is down, then it is back well within its session.
        get(node(leader).createTopics(List.of(topic("missed", 3, 2)), false));
        get(node(leader).alterConfigs(io.potok.metadata.record.MetadataRecord.ResourceKind.BROKER, "",
                Map.of("log.retention.ms", Optional.of("10")), false, false));
        MetadataImage expected = node(leader).image();
        startNode(follower);
        assertThat(node(leader).image().brokers().get(follower).fenced()).isFalse();
        // start() promises an image that includes this broker's registration; the registration
        // needed no record (same endpoint, not fenced), yet the image must not be older than the
        // controller's state it was decided on.
        MetadataImage image = node(follower).image();
        assertThat(image.offset()).isGreaterThanOrEqualTo(expected.offset());
        assertThat(image.topics()).containsKey("missed");
        assertThat(image.brokerConfigs("")).containsEntry("log.retention.ms", "10");
    }

    @Test
    void controlledShutdownMovesLeadershipAwayBeforeTheNodeStops() throws IOException {
        int leader = agreedController();
        int leaving = aFollower(leader);
        get(node(leader).createTopics(List.of(topic("orders", 6, 3)), false));
        awaitConvergence();
        assertThat(leaderCounts(node(leaving).image().topic("orders").orElseThrow())).containsEntry(leaving, 2);

        node(leaving).controlledShutdown(5_000);
        // Its own image already shows the outcome: it leads nothing and is fenced.
        MetadataImage image = node(leaving).image();
        assertThat(image.brokers().get(leaving).fenced()).isTrue();
        assertThat(image.topic("orders").orElseThrow().partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isNotEqualTo(leaving).isNotEqualTo(-1);
            assertThat(p.isr()).doesNotContain(leaving);
        });
        stop(leaving);
        assertThat(agreedController()).isEqualTo(leader);
    }

    @Test
    void theActiveControllerItselfCanShutDownInAControlledWay() throws IOException {
        int leader = agreedController();
        get(node(leader).createTopics(List.of(topic("orders", 6, 3)), false));
        node(leader).controlledShutdown(5_000);
        assertThat(node(leader).image().topic("orders").orElseThrow().partitions())
                .allSatisfy(p -> assertThat(p.leader()).isNotEqualTo(leader));
        stop(leader);
        int next = agreedController();
        assertThat(next).isNotEqualTo(leader);
        assertThat(get(node(next).createTopics(List.of(topic("later", 1, 2)), false)).get(0).error().error())
                .isEqualTo(Errors.NONE);
    }
}
