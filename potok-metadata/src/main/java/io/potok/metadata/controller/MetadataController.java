package io.potok.metadata.controller;

import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.quorum.MetadataFollower;
import io.potok.metadata.quorum.QuorumClient;
import io.potok.metadata.quorum.RatisQuorum;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's door to the cluster metadata: the current image, and the administrative commands,
 * which go to the active controller wherever it runs (here or on another node).
 *
 * <p>How the node takes part depends on its {@link ProcessRoles}. A controller (alone or combined
 * with a broker) runs a voter of the controller quorum: the metadata log is replicated by Apache
 * Ratis, a single node is a one-voter quorum on the same code path, and while its voter leads it
 * is the active controller ({@link QuorumController}). A broker-only node runs no voter: it
 * follows the log by fetching it from the active controller ({@link MetadataFollower}) and
 * reaches the controller through a {@link QuorumClient}. A broker (alone or combined) registers
 * and heartbeats; a controller-only node does neither, so it is never a broker in the image.
 *
 * <p>A command's answer is returned only once this node's own image includes its effects, so a
 * client that creates a topic and asks this node for metadata right after sees it.
 */
public final class MetadataController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataController.class);
    private static final long COMMAND_TIMEOUT_MS = 30_000;
    private static final long REGISTRATION_TIMEOUT_MS = 60_000;

    private final ControllerConfig config;
    private final MetadataPublisher publisher;
    private final QuorumMembership membership;
    private final ScheduledExecutorService background;
    private volatile boolean closing;

    public MetadataController(ControllerConfig config, TopicConfigValidator configValidator) {
        this.config = config;
        this.publisher = new MetadataPublisher(config.clusterId());
        this.membership = config.roles().isController() ? new VoterMembership(config, publisher, configValidator)
                : new FollowerMembership(config, publisher);
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "potok-broker-lifecycle");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts this node's part in the quorum (its voter, or its metadata follower). A broker then
     * registers and waits until this node's image includes that; a controller-only node returns
     * once its voter runs, without waiting for a quorum.
     */
    public void start() throws IOException {
        membership.start();
        if (membership instanceof VoterMembership voter && config.voters().size() == 1) {
            // A lone voter leads within milliseconds: registering through it in-process rather than through a
            // Raft client RPC to itself takes tens of milliseconds off the start.
            voter.awaitActive(REGISTRATION_TIMEOUT_MS);
        }
        if (!config.roles().isBroker()) {
            log.info("Controller {} started (controller only: not a broker) with voters {}", config.nodeId(),
                    config.voters());
            return;
        }
        try {
            submit(new ControllerCommand.RegisterBroker(config.nodeId(), config.advertisedHost(),
                    config.advertisedPort(), config.rack())).get(REGISTRATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while registering with the controller quorum", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("Could not register with the controller quorum " + config.voters()
                    + " within " + REGISTRATION_TIMEOUT_MS + " ms: " + e.getMessage(), e);
        }
        log.info("Registered broker {} at {}:{}; metadata at offset {} with {} topics", config.nodeId(),
                config.advertisedHost(), config.advertisedPort(), image().offset(), image().topics().size());
        long interval = config.timings().heartbeatIntervalMs();
        background.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
    }

    public MetadataImage image() {
        return publisher.image();
    }

    /** The node acting as active controller (the Raft leader), or -1 while the quorum has no leader. */
    public int activeControllerId() {
        return membership.leaderId();
    }

    /**
     * The controller id to tell Kafka clients (Metadata, DescribeCluster), as a KRaft broker does.
     * Clients send controller-bound requests (CreateTopics, ElectLeaders, ...) to the broker with
     * that id and drop it when no listed broker has it. So: the active controller while it is a
     * registered broker (every combined node), otherwise a live broker, which forwards: this node
     * when it is one, else the lowest live id; -1 when there is none.
     */
    public int controllerIdForClients() {
        int active = activeControllerId();
        MetadataImage image = image();
        if (active < 0 || image.brokers().containsKey(active)) {
            return active;
        }
        BrokerImage self = image.brokers().get(config.nodeId());
        if (self != null && !self.fenced()) {
            return self.id();
        }
        return image.brokers().values().stream().filter(b -> !b.fenced()).mapToInt(BrokerImage::id).min().orElse(-1);
    }

    /** This node's {@code process.roles}. */
    public ProcessRoles roles() {
        return config.roles();
    }

    /** Adds a listener; it is first told the current image (as a change from the empty image). */
    public void addListener(MetadataListener listener) {
        publisher.addListener(listener);
    }

    public CompletableFuture<List<TopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        return submit(new ControllerCommand.CreateTopics(topics, validateOnly))
                .thenApply(r -> ((ControllerResult.Topics) r).results());
    }

    public CompletableFuture<List<TopicResult>> deleteTopics(List<String> names) {
        return submit(new ControllerCommand.DeleteTopics(names)).thenApply(r -> ((ControllerResult.Topics) r).results());
    }

    /** Raises partition counts; {@code newTotals} maps topic to its new total number of partitions. */
    public CompletableFuture<List<TopicResult>> createPartitions(Map<String, Integer> newTotals, boolean validateOnly) {
        return submit(new ControllerCommand.CreatePartitions(newTotals, validateOnly))
                .thenApply(r -> ((ControllerResult.Topics) r).results());
    }

    /**
     * Applies config changes (empty value = delete the override) to a topic or to brokers
     * ({@code resource} "" is the cluster-wide default, otherwise a node id).
     */
    public CompletableFuture<ApiError> alterConfigs(ResourceKind kind, String resource,
                                                    Map<String, Optional<String>> changes, boolean replaceAll,
                                                    boolean validateOnly) {
        return submit(new ControllerCommand.AlterConfigs(kind, resource, changes, replaceAll, validateOnly))
                .thenApply(r -> ((ControllerResult.Error) r).error());
    }

    /** Reserves a block of producer ids; completes with {first, size}. */
    public CompletableFuture<long[]> allocateProducerIds() {
        return submit(new ControllerCommand.AllocateProducerIds()).thenApply(r -> {
            ControllerResult.ProducerIdBlock block = (ControllerResult.ProducerIdBlock) r;
            return new long[] {block.firstProducerId(), block.size()};
        });
    }

    /** DescribeQuorum: the quorum as the active controller sees it. */
    public CompletableFuture<io.potok.metadata.quorum.QuorumDescription> describeQuorum() {
        return submit(new ControllerCommand.DescribeQuorum())
                .thenApply(r -> ((ControllerResult.Quorum) r).description());
    }

    /** AlterPartition: completes with the controller's verdict once the change (if any) is in this node's image. */
    public CompletableFuture<ApiError> alterPartition(String topic, int partition, int leaderId, int leaderEpoch,
                                                     int partitionEpoch, List<Integer> newIsr) {
        return submit(new ControllerCommand.AlterPartition(topic, partition, leaderId, leaderEpoch, partitionEpoch,
                newIsr)).thenApply(r -> ((ControllerResult.Error) r).error());
    }

    public int nodeId() {
        return config.nodeId();
    }

    /** AlterPartitionReassignments: per topic and partition a target, or empty to cancel. */
    public CompletableFuture<Map<String, Map<Integer, ApiError>>> alterReassignments(
            Map<String, Map<Integer, Optional<List<Integer>>>> targets) {
        return submit(new ControllerCommand.AlterReassignments(targets))
                .thenApply(r -> ((ControllerResult.Elections) r).results());
    }

    /** ElectLeaders; {@code partitions} null means every partition. */
    public CompletableFuture<Map<String, Map<Integer, ApiError>>> electLeaders(boolean unclean,
                                                                           Map<String, List<Integer>> partitions) {
        return submit(new ControllerCommand.ElectLeaders(unclean, partitions))
                .thenApply(r -> ((ControllerResult.Elections) r).results());
    }

    /** Sends a command to the active controller; completes once this node's image includes its effects. */
    public CompletableFuture<ControllerResult> submit(ControllerCommand command) {
        byte[] encoded = ControllerMessages.encodeCommand(command);
        return sendWithRetry(encoded, System.currentTimeMillis() + COMMAND_TIMEOUT_MS)
                .thenCompose(bytes -> {
                    ControllerMessages.Reply reply;
                    try {
                        reply = ControllerMessages.decodeReply(bytes);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                    return awaitApplied(reply.offset()).thenApply(v -> reply.result());
                });
    }

    /** A leader change between the client's choice and the command's arrival fails the command: try again. */
    private CompletableFuture<byte[]> sendWithRetry(byte[] encoded, long deadlineMs) {
        return membership.sendToLeader(encoded).handle((bytes, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(bytes);
            }
            if (!closing && isNotController(error) && System.currentTimeMillis() < deadlineMs) {
                CompletableFuture<byte[]> retry = new CompletableFuture<>();
                background.schedule(() -> sendWithRetry(encoded, deadlineMs).whenComplete((b, e) -> {
                    if (e != null) {
                        retry.completeExceptionally(e);
                    } else {
                        retry.complete(b);
                    }
                }), 100, TimeUnit.MILLISECONDS);
                return retry;
            }
            return CompletableFuture.<byte[]>failedFuture(error);
        }).thenCompose(f -> f);
    }

    private static boolean isNotController(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof NotControllerException || String.valueOf(t.getMessage()).contains("not the active controller")
                    || String.valueOf(t.getMessage()).contains("Controller is not running")) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Void> awaitApplied(long offset) {
        if (offset < 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> applied = publisher.whenApplied(offset);
        if (!applied.isDone()) {
            membership.catchUp();
        }
        return applied.orTimeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    throw new TimeoutException("This node's metadata did not reach offset " + offset + " in time");
                });
    }

    private void heartbeat() {
        if (closing) {
            return;
        }
        membership.sendToLeader(ControllerMessages.encodeCommand(new ControllerCommand.BrokerHeartbeat(config.nodeId())))
                .whenComplete((r, e) -> {
                    if (e != null && !closing) {
                        log.debug("Heartbeat to the active controller failed: {}", e.toString());
                    }
                });
    }

    /**
     * Controlled shutdown: asks the active controller to move this broker's leadership away and fence
     * it, waiting at most {@code timeoutMs}; the process then exits with nothing led here.
     */
    public void controlledShutdown(long timeoutMs) {
        closing = true;
        if (!config.roles().isBroker()) {
            return; // a controller-only node leads no partitions
        }
        try {
            submit(new ControllerCommand.ControlledShutdown(config.nodeId())).get(timeoutMs, TimeUnit.MILLISECONDS);
            log.info("Controlled shutdown of broker {} done", config.nodeId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("Controlled shutdown of broker {} did not complete: {}", config.nodeId(), e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        background.shutdownNow();
        membership.close();
    }

    /** How this node takes part in the controller quorum. */
    private interface QuorumMembership {
        void start() throws IOException;

        /** Sends an encoded command to the active controller; completes with its encoded reply. */
        CompletableFuture<byte[]> sendToLeader(byte[] command);

        /** The Raft leader (active controller) as this node knows it, or -1. */
        int leaderId();

        /** This node waits for an offset its image lacks: get it soon. */
        void catchUp();

        void close() throws IOException;
    }

    /** A controller: a Raft voter holding the metadata log, and the active controller while it leads. */
    private static final class VoterMembership implements QuorumMembership {
        private final RatisQuorum quorum;
        private final QuorumController activeController;

        VoterMembership(ControllerConfig config, MetadataPublisher publisher, TopicConfigValidator configValidator) {
            this.quorum = new RatisQuorum(config.nodeId(), config.voters(), config.metadataDir(), config.clusterId(),
                    publisher, config.timings().electionTimeoutMs());
            config.quorumListener().ifPresent(quorum::listenOn);
            ControllerLogic logic = new ControllerLogic(new ControllerLogic.ClusterDefaults(
                    config.defaultNumPartitions(), config.defaultReplicationFactor(), config.deleteTopicEnable(),
                    config.timings().uncleanLeaderElectionEnable()), configValidator);
            this.activeController = new QuorumController(logic, publisher, quorum, config.timings(), Time.SYSTEM);
        }

        @Override
        public void start() throws IOException {
            quorum.setCommandHandler(activeController);
            quorum.setLeadershipListener(activeController);
            quorum.start();
        }

        @Override
        public CompletableFuture<byte[]> sendToLeader(byte[] command) {
            if (activeController.isActive()) {
                // This node is the active controller: no RPC to itself. Should it lose that meanwhile, the command
                // fails with NOT_CONTROLLER and is retried on the new one.
                return activeController.handle(command);
            }
            return quorum.sendToLeader(command);
        }

        /** Waits up to {@code timeoutMs} for this node to become the active controller; returns either way. */
        void awaitActive(long timeoutMs) throws IOException {
            try {
                activeController.whenActive().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for the metadata quorum's leader", e);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // Registration below goes through the quorum client and reports what is wrong.
            }
        }

        @Override
        public int leaderId() {
            return quorum.leaderId();
        }

        @Override
        public void catchUp() {
            // A voter applies every committed entry as Raft delivers it.
        }

        @Override
        public void close() throws IOException {
            activeController.close();
            quorum.close();
        }
    }

    /** A broker-only node: no Raft server; it fetches the log from the active controller and forwards to it. */
    private static final class FollowerMembership implements QuorumMembership {
        private final QuorumClient client;
        private final MetadataFollower follower;

        FollowerMembership(ControllerConfig config, MetadataPublisher publisher) {
            this.client = new QuorumClient(config.clusterId(), config.voters());
            this.follower = new MetadataFollower(client, publisher, config.nodeId());
        }

        @Override
        public void start() {
            follower.start();
        }

        @Override
        public CompletableFuture<byte[]> sendToLeader(byte[] command) {
            return client.sendToLeader(command);
        }

        @Override
        public int leaderId() {
            return follower.leaderId();
        }

        @Override
        public void catchUp() {
            follower.wakeUp();
        }

        @Override
        public void close() throws IOException {
            follower.close();
            client.close();
        }
    }
}
