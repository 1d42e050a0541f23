package io.potok.metadata.controller;

import io.potok.metadata.quorum.Voter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the controller needs to know about its node, the quorum and the cluster defaults.
 *
 * @param metadataDir              where the metadata log (Raft log and snapshots) lives
 * @param voters                   the controller quorum ({@code controller.quorum.voters})
 * @param defaultNumPartitions     num.partitions
 * @param defaultReplicationFactor default.replication.factor
 * @param deleteTopicEnable        delete.topic.enable
 * @param quorumListener           where this node's quorum member listens (the {@code CONTROLLER://}
 *                                 listener) when that differs from its entry in {@code voters}, for
 *                                 example behind a proxy or NAT; empty = listen on the voter address
 * @param roles                    {@code process.roles}: a broker-only node runs no quorum member
 *                                 ({@code metadataDir} and {@code quorumListener} are unused) and a
 *                                 controller-only node registers no broker ({@code advertised*} and
 *                                 {@code rack} are unused)
 */
public record ControllerConfig(int nodeId, String clusterId, Path metadataDir, String advertisedHost,
                               int advertisedPort, Optional<String> rack, int defaultNumPartitions,
                               short defaultReplicationFactor, boolean deleteTopicEnable, List<Voter> voters,
                               Timings timings, Optional<InetSocketAddress> quorumListener, ProcessRoles roles) {

    /**
     * Timers of the quorum and of broker liveness, with Kafka's key names.
     *
     * @param electionTimeoutMs          controller.quorum.election.timeout.ms
     * @param heartbeatIntervalMs        broker.heartbeat.interval.ms
     * @param sessionTimeoutMs           broker.session.timeout.ms
     * @param autoLeaderRebalanceEnable  auto.leader.rebalance.enable
     * @param imbalanceCheckIntervalMs   leader.imbalance.check.interval.seconds, in ms
     * @param imbalancePercentage        leader.imbalance.per.broker.percentage
     * @param uncleanLeaderElectionEnable unclean.leader.election.enable
     */
    public record Timings(long electionTimeoutMs, long heartbeatIntervalMs, long sessionTimeoutMs,
                          boolean autoLeaderRebalanceEnable, long imbalanceCheckIntervalMs, int imbalancePercentage,
                          boolean uncleanLeaderElectionEnable) {
        public static Timings defaults() {
            return new Timings(1000, 2000, 9000, true, 300_000, 10, false);
        }
    }

    public ControllerConfig {
        voters = List.copyOf(voters);
        if (roles == null) {
            throw new IllegalArgumentException("roles is required");
        }
        if (!roles.isController() && voters.isEmpty()) {
            throw new IllegalArgumentException("a broker-only node needs the controller quorum voters");
        }
    }

    /** A combined broker and controller (the default roles). */
    public ControllerConfig(int nodeId, String clusterId, Path metadataDir, String advertisedHost, int advertisedPort,
                            Optional<String> rack, int defaultNumPartitions, short defaultReplicationFactor,
                            boolean deleteTopicEnable, List<Voter> voters, Timings timings,
                            Optional<InetSocketAddress> quorumListener) {
        this(nodeId, clusterId, metadataDir, advertisedHost, advertisedPort, rack, defaultNumPartitions,
                defaultReplicationFactor, deleteTopicEnable, voters, timings, quorumListener,
                ProcessRoles.BROKER_AND_CONTROLLER);
    }

    /** This config with other roles. */
    public ControllerConfig withRoles(ProcessRoles newRoles) {
        return new ControllerConfig(nodeId, clusterId, metadataDir, advertisedHost, advertisedPort, rack,
                defaultNumPartitions, defaultReplicationFactor, deleteTopicEnable, voters, timings, quorumListener,
                newRoles);
    }

    /** The quorum member listens on its own voter address. */
    public ControllerConfig(int nodeId, String clusterId, Path metadataDir, String advertisedHost, int advertisedPort,
                            Optional<String> rack, int defaultNumPartitions, short defaultReplicationFactor,
                            boolean deleteTopicEnable, List<Voter> voters, Timings timings) {
        this(nodeId, clusterId, metadataDir, advertisedHost, advertisedPort, rack, defaultNumPartitions,
                defaultReplicationFactor, deleteTopicEnable, voters, timings, Optional.empty());
    }

    /** A one-voter quorum on a free loopback port, Kafka's default timings. */
    public ControllerConfig(int nodeId, String clusterId, Path metadataDir, String advertisedHost, int advertisedPort,
                            Optional<String> rack, int defaultNumPartitions, short defaultReplicationFactor,
                            boolean deleteTopicEnable) {
        this(nodeId, clusterId, metadataDir, advertisedHost, advertisedPort, rack, defaultNumPartitions,
                defaultReplicationFactor, deleteTopicEnable, List.of(new Voter(nodeId, "127.0.0.1", freeLoopbackPort())),
                Timings.defaults());
    }

    public static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port for the controller quorum", e);
        }
    }
}
