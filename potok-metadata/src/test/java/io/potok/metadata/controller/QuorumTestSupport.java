package io.potok.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.quorum.Voter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.rpc.SupportedRpcType;

/** Shared bits of the tests that run real Ratis quorums in this JVM. */
final class QuorumTestSupport {
    static final TopicConfigValidator NO_EXTRA_RULES = (topic, overrides) -> { };

    /** Short timers so that elections, fencing and retries happen within a test's patience. */
    static ControllerConfig.Timings fastTimings() {
        return new ControllerConfig.Timings(200, 100, 1_000, false, 60_000, 10, false);
    }

    private QuorumTestSupport() {
    }

    static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("controller command failed", e);
        }
    }

    static NewTopic topic(String name, int partitions, int rf) {
        return new NewTopic(name, partitions, (short) rf, java.util.Map.of(), java.util.Map.of());
    }

    /** The image's content, without the offset (Raft adds entries of its own, so offsets differ). */
    static MetadataImage content(MetadataImage image) {
        return image.withOffset(0);
    }

    static void waitUntil(String what, long timeoutMs, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Timed out after " + timeoutMs + " ms waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Asks the quorum to write a snapshot now (Ratis' snapshot management API, as an operator tool
     * would), and returns the log index it covers.
     */
    static long takeSnapshot(String clusterId, List<Voter> voters) throws IOException {
        RaftProperties props = new RaftProperties();
        RaftConfigKeys.Rpc.setType(props, SupportedRpcType.NETTY);
        RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("potok-metadata:" + clusterId).getBytes(StandardCharsets.UTF_8))), voters.stream()
                .map(v -> RaftPeer.newBuilder().setId(Integer.toString(v.id())).setAddress(v.host() + ":" + v.port())
                        .build()).toList());
        try (RaftClient client = RaftClient.newBuilder().setProperties(props).setRaftGroup(group).build()) {
            RaftClientReply reply = client.getSnapshotManagementApi().create(true, 10_000);
            assertThat(reply.isSuccess()).as("snapshot: %s", reply).isTrue();
            return reply.getLogIndex();
        }
    }
}
