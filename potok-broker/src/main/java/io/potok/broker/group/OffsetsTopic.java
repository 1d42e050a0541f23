package io.potok.broker.group;

import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.controller.NewTopic;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal topic {@code __consumer_offsets}: which of its partitions a group maps to, and its
 * creation on first use (compacted, {@code offsets.topic.num.partitions} partitions, replication
 * factor {@code offsets.topic.replication.factor} capped at the live brokers, segments of
 * {@code offsets.topic.segment.bytes}).
 *
 * <p>Thread-safety: thread-safe; creation is requested at most once at a time.
 */
public final class OffsetsTopic {
    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);
    public static final String NAME = Topic.GROUP_METADATA_TOPIC_NAME;

    private final MetadataController controller;
    private final GroupConfig config;
    private final AtomicReference<CompletableFuture<Void>> creating = new AtomicReference<>();

    public OffsetsTopic(MetadataController controller, GroupConfig config) {
        this.controller = controller;
        this.config = config;
    }

    /** The partition of {@code __consumer_offsets} whose leader coordinates {@code groupId}. */
    public static int partitionFor(String groupId, int numPartitions) {
        return Utils.abs(groupId.hashCode()) % numPartitions;
    }

    public int partitionFor(String groupId) {
        return partitionFor(groupId, config.offsetsTopicNumPartitions());
    }

    /** The partition count of the topic as it exists, else as it will be created. */
    public static int numPartitions(MetadataImage image, int configured) {
        return image.topic(NAME).map(t -> t.partitions().size()).filter(n -> n > 0).orElse(configured);
    }

    /** Completes when the topic exists; creates it if needed. */
    public CompletableFuture<Void> ensureCreated() {
        if (controller.image().topic(NAME).isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> existing = creating.compareAndExchange(null, mine);
        if (existing != null) {
            return existing;
        }
        MetadataImage image = controller.image();
        long live = image.brokers().values().stream().filter(b -> !b.fenced()).count();
        short rf = (short) Math.max(1, Math.min(config.offsetsTopicReplicationFactor(), live));
        NewTopic topic = new NewTopic(NAME, config.offsetsTopicNumPartitions(), rf, Map.of(), Map.of(
                "cleanup.policy", "compact",
                "segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes()),
                "compression.type", "producer"));
        log.info("Creating {} with {} partitions and replication factor {}", NAME, config.offsetsTopicNumPartitions(), rf);
        controller.createTopics(List.of(topic), false).whenComplete((results, e) -> {
            creating.set(null);
            if (e != null) {
                mine.completeExceptionally(new CoordinatorNotAvailableException("Creating " + NAME + " failed: " + e));
                return;
            }
            Errors error = results.get(0).error().error();
            if (error == Errors.NONE || error == Errors.TOPIC_ALREADY_EXISTS) {
                mine.complete(null);
            } else {
                mine.completeExceptionally(new CoordinatorNotAvailableException("Creating " + NAME + " failed: "
                        + results.get(0).error().messageWithFallback()));
            }
        });
        return mine;
    }

    /** The live broker leading the group's partition, if any. */
    public Optional<BrokerImage> coordinatorFor(String groupId) {
        MetadataImage image = controller.image();
        Optional<TopicImage> topic = image.topic(NAME);
        if (topic.isEmpty() || topic.get().partitions().isEmpty()) {
            return Optional.empty();
        }
        PartitionImage p = topic.get().partitions().get(partitionFor(groupId, topic.get().partitions().size()));
        BrokerImage leader = image.brokers().get(p.leader());
        return leader == null || leader.fenced() ? Optional.empty() : Optional.of(leader);
    }
}
