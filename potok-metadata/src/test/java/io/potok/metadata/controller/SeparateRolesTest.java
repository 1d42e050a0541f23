package io.potok.metadata.controller;

import static io.potok.metadata.controller.QuorumTestSupport.NO_EXTRA_RULES;
import static io.potok.metadata.controller.QuorumTestSupport.content;
import static io.potok.metadata.controller.QuorumTestSupport.get;
import static io.potok.metadata.controller.QuorumTestSupport.topic;
import static io.potok.metadata.controller.QuorumTestSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.quorum.MetadataFetch;
import io.potok.metadata.quorum.QuorumClient;
import io.potok.metadata.quorum.Voter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KRaft's separate roles in one JVM on a real Ratis quorum: node 1 is a controller only (the one
 * voter), nodes 2 and 3 are brokers only, which follow the metadata log by fetching it from the
 * active controller and forward their commands to it.
 */
class SeparateRolesTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    @TempDir
    Path dir;

    private String clusterId;
    private List<Voter> voters;
    private final List<MetadataController> open = new ArrayList<>();
    private MetadataController controller;
    private MetadataController broker2;
    private MetadataController broker3;

    @BeforeEach
    void startCluster() throws Exception {
        clusterId = "roles-" + CLUSTERS.incrementAndGet();
        voters = List.of(new Voter(1, "127.0.0.1", ControllerConfig.freeLoopbackPort()));
        controller = start(1, ProcessRoles.CONTROLLER);
        // Each broker's start() waits for its registration: in parallel, on threads of their own.
        CompletableFuture<MetadataController> b2 = startAsync(2);
        CompletableFuture<MetadataController> b3 = startAsync(3);
        broker2 = b2.get(60, TimeUnit.SECONDS);
        broker3 = b3.get(60, TimeUnit.SECONDS);
        waitUntil("every node sees brokers 2 and 3 and controller 1", 20_000, () -> open.stream().allMatch(n ->
                n.image().brokers().keySet().equals(Set.of(2, 3)) && n.activeControllerId() == 1));
    }

    @AfterEach
    void stopCluster() throws IOException {
        for (MetadataController n : open) {
            n.close();
        }
    }

    private CompletableFuture<MetadataController> startAsync(int id) {
        CompletableFuture<MetadataController> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                started.complete(start(id, ProcessRoles.BROKER));
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
            }
        }, "start-broker-" + id);
        t.setDaemon(true);
        t.start();
        return started;
    }

    private MetadataController start(int id, ProcessRoles roles) {
        ControllerConfig config = new ControllerConfig(id, clusterId, dir.resolve("node-" + id), "127.0.0.1",
                9000 + id, Optional.empty(), 1, (short) 1, true, voters, QuorumTestSupport.fastTimings())
                .withRoles(roles);
        MetadataController node = new MetadataController(config, NO_EXTRA_RULES);
        synchronized (open) {
            open.add(node);
        }
        try {
            node.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return node;
    }

    @Test
    void theControllerOnlyNodeIsNoBrokerAndClientsAreToldALiveBroker() {
        for (MetadataController n : List.of(controller, broker2, broker3)) {
            assertThat(n.image().brokers()).as("brokers on node %d", n.nodeId()).containsOnlyKeys(2, 3);
            assertThat(n.activeControllerId()).isEqualTo(1);
        }
        // Kafka clients send controller-bound requests to the "controller" among the listed brokers.
        assertThat(broker2.controllerIdForClients()).isEqualTo(2);
        assertThat(broker3.controllerIdForClients()).isEqualTo(3);
        assertThat(controller.roles()).isEqualTo(ProcessRoles.CONTROLLER);
    }

    @Test
    void aCommandOnABrokerOnlyNodeIsForwardedAndItsImageHasTheResultOnReturn() {
        List<TopicResult> results = get(broker2.createTopics(List.of(topic("orders", 4, 2)), false));
        assertThat(results.get(0).error().error()).isEqualTo(Errors.NONE);
        // The answer waited for this node's fetched image.
        TopicImage orders = broker2.image().topic("orders").orElseThrow();
        assertThat(orders.partitions()).hasSize(4);
        for (PartitionImage p : orders.partitions()) {
            // Placement uses brokers only, never the controller-only node.
            assertThat(p.replicas()).containsExactlyInAnyOrder(2, 3);
        }
        waitUntil("every node has the topic", 10_000, () -> broker3.image().topic("orders").isPresent()
                && controller.image().topic("orders").isPresent());
        // Offsets are the leader's log indexes everywhere: the same image at the same offset.
        waitUntil("broker images equal the voter's", 10_000, () ->
                broker3.image().equals(controller.image()) && broker2.image().equals(controller.image()));

        // A topic that exists is refused by the controller; the answer comes with this node's image caught up.
        List<TopicResult> again = get(broker3.createTopics(List.of(topic("orders", 1, 1)), false));
        assertThat(again.get(0).error().error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
    }

    @Test
    void aSilentBrokerOnlyNodeIsFencedAndLosesItsLeadership() throws IOException {
        get(broker2.createTopics(List.of(topic("ha", 4, 2)), false));
        assertThat(broker2.image().topic("ha").orElseThrow().partitions()).extracting(PartitionImage::leader)
                .contains(3);
        // Closed without a controlled shutdown: its heartbeats stop (session timeout 1 s).
        broker3.close();
        open.remove(broker3);
        waitUntil("broker 3 is fenced and leads nothing", 20_000, () -> {
            MetadataImage image = broker2.image();
            return image.brokers().get(3).fenced() && image.topic("ha").orElseThrow().partitions().stream()
                    .allMatch(p -> p.leader() == 2);
        });
        assertThat(broker2.controllerIdForClients()).isEqualTo(2);
    }

    @Test
    void aBrokerOnlyNodeStartedLaterGetsTheWholeImage() {
        get(broker2.createTopics(List.of(topic("early", 2, 2)), false));
        MetadataController late = start(4, ProcessRoles.BROKER);
        assertThat(late.image().topic("early")).isPresent();
        waitUntil("the late broker is registered everywhere", 10_000, () -> open.stream()
                .allMatch(n -> n.image().brokers().containsKey(4)));
        waitUntil("same content as the voter", 10_000, () -> content(late.image()).equals(content(controller.image())));
    }

    @Test
    void aFetchOverTheQuorumLongPollsUntilTheNextBatch() throws Exception {
        try (QuorumClient client = new QuorumClient(clusterId, voters)) {
            long offset = controller.image().offset();
            MetadataFetch.Response nothing = client.fetchMetadata(99, offset, 1).get(30, TimeUnit.SECONDS);
            assertThat(nothing.leaderId()).isEqualTo(1);
            // Heartbeats write nothing, so the voter's offset holds still unless a broker is (un)fenced.
            long current = nothing.lastOffset();

            long start = System.nanoTime();
            CompletableFuture<MetadataFetch.Response> parked = client.fetchMetadata(99, current, 1_500);
            MetadataFetch.Response quiet = parked.get(30, TimeUnit.SECONDS);
            if (!quiet.hasNews(current)) {
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1_000);
            }

            long before = controller.image().offset();
            CompletableFuture<MetadataFetch.Response> waiting = client.fetchMetadata(99, before, 2_000);
            get(broker2.createTopics(List.of(topic("wake", 1, 1)), false));
            MetadataFetch.Response woken = waiting.get(30, TimeUnit.SECONDS);
            assertThat(woken.hasNews(before)).isTrue();
            assertThat(woken.snapshot()).isFalse();

            MetadataFetch.Response fromScratch = client.fetchMetadata(99, -1, 0).get(30, TimeUnit.SECONDS);
            assertThat(fromScratch.snapshot()).isTrue();
            assertThat(fromScratch.lastOffset()).isGreaterThanOrEqualTo(before);
        }
    }

    @Test
    void theQuorumDescriptionHasTheVoterAndTheBrokerOnlyNodesAsObservers() {
        get(broker2.createTopics(List.of(topic("described", 1, 1)), false));
        waitUntil("both brokers have fetched up to the controller's offset", 10_000, () -> {
            io.potok.metadata.quorum.QuorumDescription q = get(broker3.describeQuorum());
            return q.observers().size() == 2 && q.observers().stream()
                    .allMatch(o -> o.logEndOffset() == q.voters().get(0).logEndOffset());
        });
        io.potok.metadata.quorum.QuorumDescription quorum = get(broker2.describeQuorum());
        assertThat(quorum.leaderId()).isEqualTo(1);
        assertThat(quorum.leaderEpoch()).isPositive();
        assertThat(quorum.voters()).extracting(io.potok.metadata.quorum.QuorumDescription.Replica::id)
                .containsExactly(1);
        io.potok.metadata.quorum.QuorumDescription.Replica leader = quorum.voters().get(0);
        assertThat(quorum.highWatermark()).isPositive().isLessThanOrEqualTo(leader.logEndOffset());
        assertThat(leader.lastCaughtUpTimestamp()).isPositive();
        assertThat(quorum.observers()).extracting(io.potok.metadata.quorum.QuorumDescription.Replica::id)
                .containsExactly(2, 3);
        assertThat(quorum.observers()).allSatisfy(o -> {
            assertThat(o.lastFetchTimestamp()).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
            assertThat(o.lastCaughtUpTimestamp()).isPositive();
        });
        // The controller answers itself the same way.
        assertThat(get(controller.describeQuorum()).voters()).extracting(
                io.potok.metadata.quorum.QuorumDescription.Replica::id).containsExactly(1);
    }

    @Test
    void aBrokerOnlyNodeNeedsTheVoters() {
        assertThatThrownBy(() -> new ControllerConfig(5, clusterId, dir, "127.0.0.1", 9005, Optional.empty(), 1,
                (short) 1, true, List.of(), QuorumTestSupport.fastTimings()).withRoles(ProcessRoles.BROKER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voters");
    }
}
