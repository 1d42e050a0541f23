package io.potok.metadata.controller;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataPublisher;
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
 * <p>Every node runs a member of the controller quorum today (combined broker + controller). The
 * metadata log is replicated by Apache Ratis; a single node is a one-voter quorum on the same
 * code path. A command's answer is returned only once this node's own image includes its effects,
 * so a client that creates a topic and asks this node for metadata right after sees it.
 */
public final class MetadataController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataController.class);
    private static final long COMMAND_TIMEOUT_MS = 30_000;
    private static final long REGISTRATION_TIMEOUT_MS = 60_000;

    private final ControllerConfig config;
    private final MetadataPublisher publisher;
    private final RatisQuorum quorum;
    private final QuorumController activeController;
    private final ScheduledExecutorService background;
    private volatile boolean closing;

    public MetadataController(ControllerConfig config, TopicConfigValidator configValidator) {
        this.config = config;
        this.publisher = new MetadataPublisher(config.clusterId());
        this.quorum = new RatisQuorum(config.nodeId(), config.voters(), config.metadataDir(), config.clusterId(),
                publisher, config.timings().electionTimeoutMs());
        config.quorumListener().ifPresent(quorum::listenOn);
        ControllerLogic logic = new ControllerLogic(new ControllerLogic.ClusterDefaults(config.defaultNumPartitions(),
                config.defaultReplicationFactor(), config.deleteTopicEnable(),
                config.timings().uncleanLeaderElectionEnable()), configValidator);
        this.activeController = new QuorumController(logic, publisher, quorum, config.timings(), Time.SYSTEM);
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "potok-broker-lifecycle");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the quorum member, registers this broker and waits until this node's image includes that. */
    public void start() throws IOException {
        quorum.setCommandHandler(activeController);
        quorum.setLeadershipListener(activeController);
        quorum.start();
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

    /** The node acting as active controller, or -1 while the quorum has no leader. */
    public int activeControllerId() {
        return quorum.leaderId();
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
        return quorum.sendToLeader(encoded).handle((bytes, error) -> {
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
        return publisher.whenApplied(offset).orTimeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    throw new TimeoutException("This node's metadata did not reach offset " + offset + " in time");
                });
    }

    private void heartbeat() {
        if (closing) {
            return;
        }
        quorum.sendToLeader(ControllerMessages.encodeCommand(new ControllerCommand.BrokerHeartbeat(config.nodeId())))
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
        activeController.close();
        quorum.close();
    }
}
