package io.potok.metadata.controller;

import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataImageBuilder;
import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.quorum.CommandHandler;
import io.potok.metadata.quorum.LeadershipListener;
import io.potok.metadata.quorum.RatisQuorum;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller's duties while this node leads the quorum: deciding forwarded commands,
 * watching broker sessions, and moving leadership back to preferred replicas.
 *
 * <p>All state lives on one thread ({@link #thread}). {@link #pending} is the committed image plus
 * the records this controller proposed that are not applied yet, so back-to-back commands see each
 * other (two creates of one name cannot both pass). It is reset to the committed image whenever a
 * proposal fails or leadership changes.
 */
final class QuorumController implements LeadershipListener, CommandHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QuorumController.class);
    private static final long SESSION_CHECK_INTERVAL_MS = 250;

    private final ControllerLogic logic;
    private final MetadataPublisher publisher;
    private final RatisQuorum quorum;
    private final ControllerConfig.Timings timings;
    private final Time time;
    private final ScheduledExecutorService thread;
    // Controller-thread state:
    private boolean active;
    private MetadataImage pending;
    private final Map<Integer, Long> lastHeartbeatMs = new HashMap<>();
    private ScheduledFuture<?> sessionCheck;
    private ScheduledFuture<?> rebalanceCheck;
    /** Completed while this node is the active controller; replaced by a new one when it loses that. */
    private volatile CompletableFuture<Void> activation = new CompletableFuture<>();
    /** The log index of this controller's latest proposal (fails if that proposal failed). */
    private CompletableFuture<Long> lastProposal = CompletableFuture.completedFuture(-1L);

    QuorumController(ControllerLogic logic, MetadataPublisher publisher, RatisQuorum quorum,
                     ControllerConfig.Timings timings, Time time) {
        this.logic = logic;
        this.publisher = publisher;
        this.quorum = quorum;
        this.timings = timings;
        this.time = time;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "potok-active-controller");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void onBecomeLeader(long term) {
        thread.execute(() -> {
            active = true;
            pending = publisher.image();
            lastProposal = CompletableFuture.completedFuture(-1L);
            long now = time.milliseconds();
            lastHeartbeatMs.clear();
            // A new controller gives every broker a full session before it may fence it.
            pending.brokers().keySet().forEach(id -> lastHeartbeatMs.put(id, now));
            sessionCheck = thread.scheduleWithFixedDelay(this::checkSessions, SESSION_CHECK_INTERVAL_MS,
                    SESSION_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
            if (timings.autoLeaderRebalanceEnable()) {
                rebalanceCheck = thread.scheduleWithFixedDelay(this::rebalance, timings.imbalanceCheckIntervalMs(),
                        timings.imbalanceCheckIntervalMs(), TimeUnit.MILLISECONDS);
            }
            log.info("Node {} is now the active controller (term {})", quorum.nodeId(), term);
            activation.complete(null);
        });
    }

    @Override
    public void onLoseLeadership() {
        thread.execute(() -> {
            if (active) {
                log.info("Node {} is no longer the active controller", quorum.nodeId());
            }
            active = false;
            if (activation.isDone()) {
                activation = new CompletableFuture<>();
            }
            pending = null;
            if (sessionCheck != null) {
                sessionCheck.cancel(false);
            }
            if (rebalanceCheck != null) {
                rebalanceCheck.cancel(false);
            }
        });
    }

    /** Whether this node is the active controller now (it may lose that at any time: commands then fail NOT_CONTROLLER). */
    boolean isActive() {
        return activation.isDone();
    }

    /** Completes when this node is (or next becomes) the active controller. */
    CompletableFuture<Void> whenActive() {
        return activation;
    }

    @Override
    public CompletableFuture<byte[]> handle(byte[] encoded) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        ControllerCommand command;
        try {
            command = ControllerMessages.decodeCommand(encoded);
        } catch (IOException e) {
            reply.completeExceptionally(e);
            return reply;
        }
        try {
            thread.execute(() -> runAndReply(command, reply));
        } catch (RejectedExecutionException e) {
            // Closing: the caller retries on the next controller instead of waiting for a timeout.
            reply.completeExceptionally(new NotControllerException(
                    "Node " + quorum.nodeId() + " is not the active controller (shutting down)"));
        }
        return reply;
    }

    /** Controller thread only. */
    private void runAndReply(ControllerCommand command, CompletableFuture<byte[]> reply) {
        try {
            run(command).whenComplete((r, e) -> {
                if (e != null) {
                    reply.completeExceptionally(e);
                } else {
                    reply.complete(ControllerMessages.encodeReply(r));
                }
            });
        } catch (RuntimeException e) {
            reply.completeExceptionally(e);
        }
    }

    /** Controller thread only. */
    private CompletableFuture<ControllerMessages.Reply> run(ControllerCommand command) {
        if (!active) {
            return CompletableFuture.failedFuture(new NotControllerException(
                    "Node " + quorum.nodeId() + " is not the active controller"));
        }
        if (command instanceof ControllerCommand.BrokerHeartbeat heartbeat) {
            lastHeartbeatMs.put(heartbeat.id(), time.milliseconds());
            BrokerImage broker = pending.brokers().get(heartbeat.id());
            if (broker != null && broker.fenced()) {
                log.info("Broker {} is alive again; unfencing it", heartbeat.id());
                return propose(logic.unfenceBroker(pending, heartbeat.id()));
            }
            return CompletableFuture.completedFuture(
                    new ControllerMessages.Reply(new ControllerResult.Error(ApiError.NONE), -1));
        }
        if (command instanceof ControllerCommand.DescribeQuorum) {
            try {
                return CompletableFuture.completedFuture(
                        new ControllerMessages.Reply(new ControllerResult.Quorum(quorum.describe()), -1));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        if (command instanceof ControllerCommand.RegisterBroker register) {
            lastHeartbeatMs.put(register.id(), time.milliseconds());
        }
        if (command instanceof ControllerCommand.ControlledShutdown shutdown) {
            log.info("Broker {} is shutting down; moving its leadership away", shutdown.id());
        }
        return propose(logic.decide(pending, command));
    }

    /** Controller thread only: applies the decision to {@link #pending} and proposes its records. */
    private CompletableFuture<ControllerMessages.Reply> propose(Decision decision) {
        if (decision.records().isEmpty()) {
            // Nothing to write, but the answer was decided on everything committed so far and on
            // the proposals in flight: the asking node waits until its image has those too, so
            // that, for example, a broker's start() or a TOPIC_ALREADY_EXISTS answer never comes
            // with an image that lacks what the controller saw.
            long committed = publisher.image().offset();
            return lastProposal.handle((offset, e) -> new ControllerMessages.Reply(decision.result(),
                    Math.max(committed, offset == null ? -1 : offset)));
        }
        MetadataImageBuilder builder = new MetadataImageBuilder(pending);
        decision.records().forEach(builder::apply);
        pending = builder.build(pending.offset());
        CompletableFuture<Long> proposal = quorum.propose(decision.records());
        lastProposal = proposal;
        return proposal
                .thenApply(offset -> new ControllerMessages.Reply(decision.result(), offset))
                .whenComplete((r, e) -> {
                    if (e != null) {
                        thread.execute(() -> {
                            if (active) {
                                log.warn("Metadata proposal failed; resetting to the committed image", e);
                                pending = publisher.image();
                            }
                        });
                    }
                });
    }

    private void checkSessions() {
        if (!active) {
            return;
        }
        long now = time.milliseconds();
        for (BrokerImage broker : pending.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            long last = lastHeartbeatMs.computeIfAbsent(broker.id(), id -> now);
            if (now - last > timings.sessionTimeoutMs()) {
                log.warn("Broker {} sent no heartbeat for {} ms (broker.session.timeout.ms={}); fencing it",
                        broker.id(), now - last, timings.sessionTimeoutMs());
                propose(logic.fenceBroker(pending, broker.id()));
            }
        }
    }

    private void rebalance() {
        if (!active) {
            return;
        }
        Decision decision = logic.rebalanceLeaders(pending, timings.imbalancePercentage());
        if (!decision.records().isEmpty()) {
            log.info("Moving leadership of {} partitions back to their preferred replicas", decision.records().size());
            propose(decision);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

}
