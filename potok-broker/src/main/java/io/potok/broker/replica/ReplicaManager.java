package io.potok.broker.replica;

import io.potok.broker.config.BrokerConfig;
import io.potok.broker.replica.fetcher.ReplicaFetcherConfig;
import io.potok.broker.replica.fetcher.ReplicaFetcherManager;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.controller.MetadataListener;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.storage.Log;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import io.potok.storage.checkpoint.OffsetCheckpointFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image: new assignments get a
 * log, removed topics lose theirs, config changes reach the logs, and each replica leads or
 * follows as the controller decided (followers replicate through {@link ReplicaFetcherManager}).
 * Leaders shrink their ISR when followers lag by more than {@code replica.lag.time.max.ms} and
 * report ISR changes to the controller (AlterPartition).
 *
 * <p>Thread-safety: {@link #partitions} is a concurrent map read by request threads; it is changed
 * only from {@link #onImage}, which the metadata publisher calls on one thread at a time.
 */
public final class ReplicaManager implements MetadataListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);
    static final String HIGH_WATERMARK_CHECKPOINT = "replication-offset-checkpoint";
    private static final long HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5_000;

    private final int nodeId;
    private final BrokerConfig config;
    private final LogManager logManager;
    private final Time time;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final List<Consumer<TopicPartition>> appendListeners = new CopyOnWriteArrayList<>();
    private final Map<TopicPartition, Long> checkpointedHighWatermarks = new HashMap<>();
    private final LongAdder isrShrinks = new LongAdder(); // ISR changes the controller accepted, for metrics
    private final LongAdder isrExpands = new LongAdder();
    private final ScheduledExecutorService background;
    private volatile MetadataController controller;
    /** Topic defaults including dynamic broker configs from the image; static ones until started. */
    private volatile io.potok.broker.config.ConfigDescriber describer;
    private volatile ReplicaFetcherManager fetchers;
    /** Images arrive one at a time under the publisher's lock; set by the first. */
    private boolean strayLogsChecked;

    public ReplicaManager(int nodeId, BrokerConfig config, LogManager logManager) {
        this(nodeId, config, logManager, Time.SYSTEM);
    }

    public ReplicaManager(int nodeId, BrokerConfig config, LogManager logManager, Time time) {
        this.nodeId = nodeId;
        this.config = config;
        this.logManager = logManager;
        this.time = time;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "potok-replica-manager");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the controller (ISR changes, peer endpoints) and starts the background work:
     * ISR shrink checks and high-watermark checkpoints. Call before the first image arrives.
     */
    public void start(MetadataController metadataController, ReplicationThrottles throttles) {
        this.controller = metadataController;
        this.describer = new io.potok.broker.config.ConfigDescriber(config, metadataController::image);
        this.fetchers = new ReplicaFetcherManager(nodeId, new ReplicaFetcherConfig(
                config.intValue("replica.fetch.wait.max.ms"), config.intValue("replica.fetch.response.max.bytes"),
                config.intValue("replica.fetch.max.bytes"), config.longValue("replica.fetch.backoff.ms"),
                config.intValue("replica.socket.timeout.ms")), metadataController::image, throttles,
                config.intValue(ReplicaFetcherManager.NUM_FETCHERS_CONFIG), time);
        for (Path dir : config.logDirs()) {
            try {
                checkpointedHighWatermarks.putAll(new OffsetCheckpointFile(dir.resolve(HIGH_WATERMARK_CHECKPOINT)).read());
            } catch (IOException e) {
                log.warn("Cannot read {} in {} ({}); high watermarks start at the log start", HIGH_WATERMARK_CHECKPOINT,
                        dir, e.toString());
            }
        }
        long lagMs = config.longValue("replica.lag.time.max.ms");
        long shrinkCheckMs = Math.max(100, lagMs / 2);
        background.scheduleWithFixedDelay(this::shrinkIsrs, shrinkCheckMs, shrinkCheckMs, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::checkpointHighWatermarks, HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS,
                HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private Map<String, String> topicDefaults() {
        io.potok.broker.config.ConfigDescriber d = describer;
        return d == null ? config.topicDefaults() : d.topicDefaults();
    }

    /** The storage settings of a topic: broker defaults overlaid with the topic's overrides. */
    public LogConfig logConfig(TopicImage topic) {
        Map<String, String> effective = new HashMap<>(topicDefaults());
        effective.putAll(topic.configs());
        return LogConfig.fromTopicConfigs(effective);
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /** ISR shrinks this node asked for as a leader and the controller accepted, since start. */
    public long isrShrinks() {
        return isrShrinks.sum();
    }

    /** ISR expands this node asked for as a leader and the controller accepted, since start. */
    public long isrExpands() {
        return isrExpands.sum();
    }

    /** Registers a callback run after appends and high-watermark moves (delayed operations listen here). */
    public void addAppendListener(Consumer<TopicPartition> listener) {
        appendListeners.add(listener);
    }

    public void appended(TopicPartition tp) {
        for (Consumer<TopicPartition> listener : appendListeners) {
            listener.accept(tp);
        }
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        if (!strayLogsChecked) {
            // The first image comes once this node has caught up with the metadata (its registration is applied).
            strayLogsChecked = true;
            deleteStrayLogs(current);
        }
        for (TopicImage old : previous.topics().values()) {
            TopicImage now = current.topics().get(old.name());
            if (now == null || !now.id().equals(old.id())) {
                removeTopic(old);
            }
        }
        // Dynamic broker configs (IncrementalAlterConfigs on a broker) change every topic's defaults.
        boolean brokerConfigsChanged = !previous.configs().equals(current.configs());
        if (brokerConfigsChanged) {
            resizeFetchers();
        }
        for (TopicImage topic : current.topics().values()) {
            TopicImage before = previous.topics().get(topic.name());
            boolean configChanged = before != null && (brokerConfigsChanged || !before.configs().equals(topic.configs()));
            LogConfig logConfig = null;
            int minIsr = Integer.parseInt(effective(topic, "min.insync.replicas"));
            for (PartitionImage p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                Partition existing = partitions.get(tp);
                if (!p.replicas().contains(nodeId)) {
                    if (existing != null) {
                        // Reassigned away. The replica takes the new state first (it leads no more), so
                        // requests parked on it (acks=all produce waiting for this ISR) are answered
                        // NOT_LEADER_OR_FOLLOWER now, and the clients retry on the new leader.
                        existing.update(p, minIsr);
                        stopHosting(tp);
                        appended(tp);
                    }
                    continue;
                }
                if (existing == null) {
                    if (logConfig == null) {
                        logConfig = logConfig(topic);
                    }
                    Log partitionLog = logManager.getOrCreateLog(tp, logConfig);
                    if (partitionLog.topicId().filter(id -> !id.equals(topic.id())).isPresent()) {
                        // Left by an earlier topic of this name (deleted while the log was offline, say).
                        log.warn("{}: deleting the log of topic id {} before hosting topic id {}", tp,
                                partitionLog.topicId().get(), topic.id());
                        logManager.deleteLog(tp);
                        partitionLog = logManager.getOrCreateLog(tp, logConfig);
                    }
                    partitionLog.assignTopicId(topic.id());
                    // A log recovered at start-up was opened before dynamic broker configs were known.
                    partitionLog.updateConfig(logConfig);
                    Partition partition = new Partition(tp, topic.id(), nodeId, partitionLog, p, minIsr,
                            checkpointedHighWatermarks.getOrDefault(tp, 0L), time, this::alterIsr,
                            () -> appended(tp));
                    partitions.put(tp, partition);
                    followOrLead(partition, p);
                } else {
                    if (configChanged) {
                        if (logConfig == null) {
                            logConfig = logConfig(topic);
                        }
                        existing.log().updateConfig(logConfig);
                    }
                    PartitionImage was = existing.state();
                    existing.update(p, minIsr);
                    if (was.leader() != p.leader() || was.leaderEpoch() != p.leaderEpoch()) {
                        followOrLead(existing, p);
                    }
                }
            }
        }
    }

    private void followOrLead(Partition partition, PartitionImage p) {
        ReplicaFetcherManager f = fetchers;
        if (f == null) {
            return;
        }
        if (p.leader() == nodeId || p.leader() < 0) {
            f.stopFollowing(partition.topicPartition());
            // Requests parked on this partition may now have an answer (or an error).
            appended(partition.topicPartition());
        } else {
            f.follow(partition, p.leader(), p.leaderEpoch());
        }
    }

    /** {@code num.replica.fetchers} is a dynamic broker config; a value that does not parse was refused when set. */
    private void resizeFetchers() {
        String value = describer.brokerValue(ReplicaFetcherManager.NUM_FETCHERS_CONFIG)
                .orElse(Integer.toString(config.intValue(ReplicaFetcherManager.NUM_FETCHERS_CONFIG)));
        try {
            fetchers.resize(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            log.warn("Ignoring {}={}: not a number", ReplicaFetcherManager.NUM_FETCHERS_CONFIG, value);
        }
    }

    private void alterIsr(Partition partition, int leaderEpoch, int partitionEpoch, List<Integer> newIsr) {
        MetadataController c = controller;
        TopicPartition tp = partition.topicPartition();
        List<Integer> oldIsr = partition.isr();
        log.info("{}: asking the controller to change the ISR from {} to {}", tp, oldIsr, newIsr);
        c.alterPartition(tp.topic(), tp.partition(), nodeId, leaderEpoch, partitionEpoch, newIsr)
                .whenComplete((error, e) -> {
                    if (e != null || error.isFailure()) {
                        log.info("{}: ISR change to {} refused: {}", tp, newIsr, e != null ? e.toString() : error);
                        partition.onAlterIsrFailed(newIsr);
                    } else if (newIsr.size() < oldIsr.size()) {
                        isrShrinks.increment();
                    } else if (newIsr.size() > oldIsr.size()) {
                        isrExpands.increment();
                    }
                });
    }

    private void shrinkIsrs() {
        long lagMs = config.longValue("replica.lag.time.max.ms");
        for (Partition partition : partitions.values()) {
            try {
                partition.maybeShrinkIsr(lagMs);
            } catch (RuntimeException e) {
                log.warn("ISR check of {} failed", partition.topicPartition(), e);
            }
        }
    }

    private void checkpointHighWatermarks() {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        for (Partition partition : partitions.values()) {
            byDir.computeIfAbsent(partition.log().dir().getParent(), d -> new HashMap<>())
                    .put(partition.topicPartition(), partition.highWatermark());
        }
        for (Map.Entry<Path, Map<TopicPartition, Long>> e : byDir.entrySet()) {
            try {
                new OffsetCheckpointFile(e.getKey().resolve(HIGH_WATERMARK_CHECKPOINT)).write(e.getValue());
            } catch (IOException ex) {
                log.warn("Cannot write the high-watermark checkpoint in {}", e.getKey(), ex);
            }
        }
    }

    private String effective(TopicImage topic, String key) {
        String value = topic.configs().get(key);
        return value != null ? value : topicDefaults().get(key);
    }

    private void stopHosting(TopicPartition tp) {
        ReplicaFetcherManager f = fetchers;
        if (f != null) {
            f.stopFollowing(tp);
        }
        if (partitions.remove(tp) != null) {
            logManager.deleteLog(tp);
        }
    }

    private void deleteStrayLogs(MetadataImage image) {
        for (Log strayCandidate : List.copyOf(logManager.allLogs())) {
            TopicPartition tp = strayCandidate.topicPartition();
            Optional<String> reason = StrayLogs.reason(tp, strayCandidate.topicId(), image, nodeId);
            if (reason.isPresent()) {
                log.warn("{}: deleting stray log {}: {}", tp, strayCandidate.dir(), reason.get());
                logManager.deleteLog(tp);
            }
        }
    }

    private void removeTopic(TopicImage topic) {
        for (PartitionImage p : topic.partitions()) {
            stopHosting(new TopicPartition(topic.name(), p.partition()));
        }
        log.info("Deleted topic {} ({} partitions)", topic.name(), topic.partitions().size());
    }

    @Override
    public void close() {
        background.shutdownNow();
        ReplicaFetcherManager f = fetchers;
        if (f != null) {
            f.close();
        }
        checkpointHighWatermarks();
    }
}
