package io.potok.broker.replica;

import io.potok.broker.config.BrokerConfig;
import io.potok.metadata.controller.MetadataListener;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.storage.Log;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image: new assignments get a
 * log, removed topics lose theirs, config changes reach the logs.
 *
 * <p>Thread-safety: {@link #partitions} is a concurrent map read by request threads; it is changed
 * only from {@link #onImage}, which the controller calls on its single thread.
 */
public final class ReplicaManager implements MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int nodeId;
    private final BrokerConfig config;
    private final LogManager logManager;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final List<Consumer<TopicPartition>> appendListeners = new CopyOnWriteArrayList<>();

    public ReplicaManager(int nodeId, BrokerConfig config, LogManager logManager) {
        this.nodeId = nodeId;
        this.config = config;
        this.logManager = logManager;
    }

    /** The storage settings of a topic: broker defaults overlaid with the topic's overrides. */
    public LogConfig logConfig(TopicImage topic) {
        Map<String, String> effective = new HashMap<>(config.topicDefaults());
        effective.putAll(topic.configs());
        return LogConfig.fromTopicConfigs(effective);
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /** Registers a callback run after every successful append (delayed fetches listen here). */
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
        for (TopicImage old : previous.topics().values()) {
            TopicImage now = current.topics().get(old.name());
            if (now == null || !now.id().equals(old.id())) {
                removeTopic(old);
            }
        }
        for (TopicImage topic : current.topics().values()) {
            TopicImage before = previous.topics().get(topic.name());
            boolean configChanged = before != null && !before.configs().equals(topic.configs());
            LogConfig logConfig = null;
            int minIsr = Integer.parseInt(effective(topic, "min.insync.replicas"));
            for (PartitionImage p : topic.partitions()) {
                if (!p.replicas().contains(nodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                Partition existing = partitions.get(tp);
                if (existing == null) {
                    if (logConfig == null) {
                        logConfig = logConfig(topic);
                    }
                    Log partitionLog = logManager.getOrCreateLog(tp, logConfig);
                    partitions.put(tp, new Partition(tp, topic.id(), nodeId, partitionLog, p, minIsr));
                } else {
                    if (configChanged) {
                        if (logConfig == null) {
                            logConfig = logConfig(topic);
                        }
                        existing.log().updateConfig(logConfig);
                    }
                    existing.update(p, minIsr);
                }
            }
        }
    }

    private String effective(TopicImage topic, String key) {
        String value = topic.configs().get(key);
        return value != null ? value : config.topicDefaults().get(key);
    }

    private void removeTopic(TopicImage topic) {
        for (PartitionImage p : topic.partitions()) {
            TopicPartition tp = new TopicPartition(topic.name(), p.partition());
            if (partitions.remove(tp) != null) {
                logManager.deleteLog(tp);
            }
        }
        log.info("Deleted topic {} ({} partitions)", topic.name(), topic.partitions().size());
    }
}
