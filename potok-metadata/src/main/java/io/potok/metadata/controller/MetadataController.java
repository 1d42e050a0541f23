package io.potok.metadata.controller;

import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.config.TopicConfigs;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataImageBuilder;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.journal.MetadataJournal;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller: validates administrative commands, turns them into metadata records,
 * makes them durable in the metadata log and publishes the resulting image.
 *
 * <p>Every command runs on one thread, in submission order, so decisions see each other's effects
 * without locks. The current image is published through a volatile field and is immutable.
 * Today the quorum has one voter (this node) and its log is a local journal.
 */
public final class MetadataController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataController.class);
    /** Producer ids are handed out to brokers in blocks so that the log sees one record per block. */
    private static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private final ControllerConfig config;
    private final TopicConfigValidator configValidator;
    private final ExecutorService thread;
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private MetadataJournal journal;
    private volatile MetadataImage image;

    public MetadataController(ControllerConfig config, TopicConfigValidator configValidator) {
        this.config = config;
        this.configValidator = configValidator;
        this.image = MetadataImage.empty(config.clusterId());
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "potok-controller");
            t.setDaemon(true);
            return t;
        });
    }

    /** Replays the metadata log, then registers this node's broker if its endpoint changed. */
    public void start() throws IOException {
        MetadataImageBuilder builder = new MetadataImageBuilder(image);
        journal = MetadataJournal.open(config.metadataDir(), batch -> batch.forEach(builder::apply));
        image = builder.build(journal.nextOffset() - 1);
        log.info("Loaded metadata: {} topics at offset {}", image.topics().size(), image.offset());
        BrokerImage self = image.brokers().get(config.nodeId());
        if (self == null || !self.host().equals(config.advertisedHost()) || self.port() != config.advertisedPort()
                || !self.rack().equals(config.rack())) {
            join(submit(() -> {
                commit(List.of(new MetadataRecord.RegisterBroker(config.nodeId(), config.advertisedHost(),
                        config.advertisedPort(), config.rack())));
                return null;
            }));
        }
    }

    public MetadataImage image() {
        return image;
    }

    /** Adds a listener and tells it the current image right away (from the empty image). */
    public void addListener(MetadataListener listener) {
        join(submit(() -> {
            listeners.add(listener);
            listener.onImage(MetadataImage.empty(config.clusterId()), image);
            return null;
        }));
    }

    public CompletableFuture<List<TopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        return submit(() -> {
            List<TopicResult> results = new ArrayList<>();
            List<MetadataRecord> records = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Set<String> duplicates = new HashSet<>();
            for (NewTopic topic : topics) {
                if (!seen.add(topic.name())) {
                    duplicates.add(topic.name());
                }
            }
            List<String> accepted = new ArrayList<>();
            for (NewTopic topic : topics) {
                if (duplicates.contains(topic.name())) {
                    // As Kafka: every copy of a name given twice fails, and none is created.
                    if (results.stream().noneMatch(r -> r.name().equals(topic.name()))) {
                        results.add(TopicResult.failed(topic.name(), new ApiError(Errors.INVALID_REQUEST,
                                "Found multiple entries for this topic.")));
                    }
                    continue;
                }
                ApiError error = validateNewTopic(topic);
                if (error.isSuccess()) {
                    for (String other : accepted) {
                        if (Topic.hasCollision(other, topic.name())) {
                            error = new ApiError(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + topic.name()
                                    + "' collides with topic '" + other + "' in the same request");
                        }
                    }
                }
                if (error.isFailure()) {
                    results.add(TopicResult.failed(topic.name(), error));
                    continue;
                }
                accepted.add(topic.name());
                TopicImage created = placeTopic(topic);
                results.add(new TopicResult(topic.name(), ApiError.NONE, Optional.of(created)));
                if (!validateOnly) {
                    records.add(new MetadataRecord.CreateTopic(created.name(), created.id()));
                    created.configs().forEach((k, v) -> records.add(
                            new MetadataRecord.Config(ResourceKind.TOPIC, created.name(), k, Optional.of(v))));
                    for (PartitionImage p : created.partitions()) {
                        records.add(new MetadataRecord.Partition(created.id(), p.partition(), p.replicas(), p.isr(),
                                p.leader(), p.leaderEpoch(), p.partitionEpoch()));
                    }
                }
            }
            if (!records.isEmpty()) {
                commit(records);
            }
            return results;
        });
    }

    public CompletableFuture<List<TopicResult>> deleteTopics(List<String> names) {
        return submit(() -> {
            List<TopicResult> results = new ArrayList<>();
            List<MetadataRecord> records = new ArrayList<>();
            for (String name : names) {
                Optional<TopicImage> topic = image.topic(name);
                if (topic.isEmpty()) {
                    results.add(TopicResult.failed(name, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "This server does not host this topic-partition.")));
                } else if (!config.deleteTopicEnable()) {
                    results.add(TopicResult.failed(name, new ApiError(Errors.TOPIC_DELETION_DISABLED,
                            "Topic deletion is disabled.")));
                } else {
                    records.add(new MetadataRecord.RemoveTopic(topic.get().id()));
                    results.add(new TopicResult(name, ApiError.NONE, topic));
                }
            }
            if (!records.isEmpty()) {
                commit(records);
            }
            return results;
        });
    }

    /** Raises partition counts; {@code newTotals} maps topic to its new total number of partitions. */
    public CompletableFuture<List<TopicResult>> createPartitions(Map<String, Integer> newTotals, boolean validateOnly) {
        return submit(() -> {
            List<TopicResult> results = new ArrayList<>();
            List<MetadataRecord> records = new ArrayList<>();
            for (Map.Entry<String, Integer> e : newTotals.entrySet()) {
                Optional<TopicImage> topic = image.topic(e.getKey());
                if (topic.isEmpty()) {
                    results.add(TopicResult.failed(e.getKey(), new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "The topic '" + e.getKey() + "' does not exist.")));
                    continue;
                }
                TopicImage t = topic.get();
                int current = t.partitions().size();
                if (e.getValue() <= current) {
                    results.add(TopicResult.failed(e.getKey(), new ApiError(Errors.INVALID_PARTITIONS,
                            "Topic currently has " + current + " partitions, which is higher than the requested "
                                    + e.getValue() + ".")));
                    continue;
                }
                int rf = t.partitions().isEmpty() ? 1 : t.partitions().get(0).replicas().size();
                List<Integer> brokers = liveBrokerIds();
                for (int p = current; p < e.getValue(); p++) {
                    List<Integer> replicas = replicasFor(p, rf, brokers, 0);
                    if (!validateOnly) {
                        records.add(new MetadataRecord.Partition(t.id(), p, replicas, replicas, replicas.get(0), 0, 0));
                    }
                }
                results.add(new TopicResult(e.getKey(), ApiError.NONE, topic));
            }
            if (!records.isEmpty()) {
                commit(records);
            }
            return results;
        });
    }

    /**
     * Applies config changes (empty value = delete the override) to a topic or to brokers
     * ({@code resource} "" is the cluster-wide default, otherwise a node id).
     */
    public CompletableFuture<ApiError> alterConfigs(ResourceKind kind, String resource,
                                                    Map<String, Optional<String>> changes, boolean replaceAll,
                                                    boolean validateOnly) {
        return submit(() -> {
            Map<String, String> current;
            if (kind == ResourceKind.TOPIC) {
                Optional<TopicImage> topic = image.topic(resource);
                if (topic.isEmpty()) {
                    return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + resource + "' does not exist.");
                }
                current = topic.get().configs();
            } else {
                current = image.brokerConfigs(resource);
            }
            Map<String, String> updated = new HashMap<>(replaceAll ? Map.of() : current);
            changes.forEach((k, v) -> v.ifPresentOrElse(value -> updated.put(k, value), () -> updated.remove(k)));
            if (kind == ResourceKind.TOPIC) {
                try {
                    TopicConfigs.validate(updated);
                    configValidator.validate(resource, updated);
                } catch (InvalidConfigValueException e) {
                    return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
                }
            }
            if (validateOnly) {
                return ApiError.NONE;
            }
            List<MetadataRecord> records = new ArrayList<>();
            Set<String> keys = new HashSet<>(current.keySet());
            keys.addAll(updated.keySet());
            for (String key : keys) {
                String before = current.get(key);
                String after = updated.get(key);
                if (after == null ? before != null : !after.equals(before)) {
                    records.add(new MetadataRecord.Config(kind, resource, key, Optional.ofNullable(after)));
                }
            }
            if (!records.isEmpty()) {
                commit(records);
            }
            return ApiError.NONE;
        });
    }

    /** Hands out a block of producer ids; returns the first. */
    public CompletableFuture<long[]> allocateProducerIds() {
        return submit(() -> {
            long first = image.nextProducerId();
            commit(List.of(new MetadataRecord.ProducerIds(first + PRODUCER_ID_BLOCK_SIZE)));
            return new long[] {first, PRODUCER_ID_BLOCK_SIZE};
        });
    }

    private ApiError validateNewTopic(NewTopic topic) {
        try {
            Topic.validate(topic.name());
        } catch (InvalidTopicException e) {
            return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
        if (image.topics().containsKey(topic.name())) {
            return new ApiError(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + topic.name() + "' already exists.");
        }
        for (String existing : image.topics().keySet()) {
            if (Topic.hasCollision(existing, topic.name())) {
                return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + topic.name()
                        + "' collides with existing topic: " + existing);
            }
        }
        int liveBrokers = liveBrokerIds().size();
        if (!topic.assignments().isEmpty()) {
            if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                return new ApiError(Errors.INVALID_REQUEST,
                        "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            }
            for (int p = 0; p < topic.assignments().size(); p++) {
                List<Integer> replicas = topic.assignments().get(p);
                if (replicas == null) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                            "Partitions should be a consecutive 0-based integer sequence");
                }
                if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                            "Duplicate or empty replica ids in partition " + p + " assignment.");
                }
                for (int id : replicas) {
                    if (!image.brokers().containsKey(id)) {
                        return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                                "The manual partition assignment includes broker " + id + ", but no such broker is registered.");
                    }
                }
            }
        } else {
            int partitions = topic.numPartitions() == -1 ? config.defaultNumPartitions() : topic.numPartitions();
            if (partitions <= 0) {
                return new ApiError(Errors.INVALID_PARTITIONS,
                        "Number of partitions was set to an invalid non-positive value.");
            }
            int rf = topic.replicationFactor() == -1 ? config.defaultReplicationFactor() : topic.replicationFactor();
            if (rf <= 0) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR,
                        "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            if (rf > liveBrokers) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + rf
                        + " time(s): The target replication factor of " + rf
                        + " cannot be reached because only " + liveBrokers + " broker(s) are registered.");
            }
        }
        try {
            TopicConfigs.validate(topic.configs());
            configValidator.validate(topic.name(), topic.configs());
        } catch (InvalidConfigValueException e) {
            return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
        }
        return ApiError.NONE;
    }

    private TopicImage placeTopic(NewTopic topic) {
        List<PartitionImage> partitions = new ArrayList<>();
        if (!topic.assignments().isEmpty()) {
            for (int p = 0; p < topic.assignments().size(); p++) {
                List<Integer> replicas = topic.assignments().get(p);
                partitions.add(new PartitionImage(p, replicas, replicas, replicas.get(0), 0, 0));
            }
        } else {
            int count = topic.numPartitions() == -1 ? config.defaultNumPartitions() : topic.numPartitions();
            int rf = topic.replicationFactor() == -1 ? config.defaultReplicationFactor() : topic.replicationFactor();
            List<Integer> brokers = liveBrokerIds();
            int start = brokers.isEmpty() ? 0 : Math.floorMod(topic.name().hashCode(), brokers.size());
            for (int p = 0; p < count; p++) {
                List<Integer> replicas = replicasFor(p, rf, brokers, start);
                partitions.add(new PartitionImage(p, replicas, replicas, replicas.get(0), 0, 0));
            }
        }
        return new TopicImage(topic.name(), Uuid.randomUuid(), partitions, topic.configs());
    }

    /** Round-robin placement: partition p's replicas are consecutive brokers starting at start+p. */
    private static List<Integer> replicasFor(int partition, int rf, List<Integer> brokers, int start) {
        List<Integer> replicas = new ArrayList<>(rf);
        for (int r = 0; r < rf; r++) {
            replicas.add(brokers.get((start + partition + r) % brokers.size()));
        }
        return replicas;
    }

    private List<Integer> liveBrokerIds() {
        return image.brokers().values().stream().filter(b -> !b.fenced()).map(BrokerImage::id).sorted().toList();
    }

    /** Makes {@code records} durable, then publishes the new image to every listener. Controller thread only. */
    private void commit(List<MetadataRecord> records) throws IOException {
        MetadataImageBuilder builder = new MetadataImageBuilder(image);
        records.forEach(builder::apply);
        long offset = journal.append(records);
        MetadataImage previous = image;
        image = builder.build(offset);
        for (MetadataListener listener : listeners) {
            try {
                listener.onImage(previous, image);
            } catch (RuntimeException e) {
                log.error("Metadata listener failed on image at offset {}", offset, e);
            }
        }
    }

    private interface Command<T> {
        T run() throws Exception;
    }

    private <T> CompletableFuture<T> submit(Command<T> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(command.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the controller", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Controller command failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (journal != null) {
            journal.close();
        }
    }

}
