package io.potok.broker.replica;

import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.TopicImage;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Resolves the topic a request names (by name, or by id from v13 of Produce/Fetch on) to a hosted
 * partition, with Kafka's errors for each way it can fail.
 */
public final class PartitionLookup {
    private final MetadataController controller;
    private final ReplicaManager replicas;

    public PartitionLookup(MetadataController controller, ReplicaManager replicas) {
        this.controller = controller;
        this.replicas = replicas;
    }

    /** The topic's name: {@code name} when given, else looked up by {@code id}; empty when unknown. */
    public Optional<String> topicName(String name, Uuid id) {
        if (byId(id)) {
            return controller.image().topic(id).map(TopicImage::name);
        }
        return Optional.ofNullable(name).filter(n -> !n.isEmpty());
    }

    /** The rack broker {@code brokerId} registered with, or null. */
    public String rackOf(int brokerId) {
        io.potok.metadata.image.BrokerImage broker = controller.image().brokers().get(brokerId);
        return broker == null ? null : broker.rack().orElse(null);
    }

    public Optional<Uuid> topicId(String name) {
        return controller.image().topic(name).map(TopicImage::id);
    }

    /** The partition if this broker hosts it; unlike {@link #partition} no exception when it does not. */
    public Optional<Partition> hosted(String name, Uuid id, int partition) {
        Optional<TopicImage> topic = topic(name, id);
        if (topic.isEmpty() || partition < 0 || partition >= topic.get().partitions().size()) {
            return Optional.empty();
        }
        return replicas.partition(new TopicPartition(topic.get().name(), partition));
    }

    /** The hosted partition, or the Kafka exception a client expects. */
    public Partition partition(String name, Uuid id, int partition) {
        Optional<TopicImage> topic = topic(name, id);
        if (topic.isEmpty()) {
            if (byId(id)) {
                throw new UnknownTopicIdException("Topic id " + id + " is not known to this broker");
            }
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition.");
        }
        if (partition < 0 || partition >= topic.get().partitions().size()) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition.");
        }
        TopicPartition tp = new TopicPartition(topic.get().name(), partition);
        return replicas.partition(tp).orElseThrow(() -> new NotLeaderOrFollowerException(
                "This broker does not host " + tp));
    }

    /** The topic a request names: by id from v13 of Produce/Fetch on, by name before. */
    private Optional<TopicImage> topic(String name, Uuid id) {
        MetadataImage image = controller.image();
        return byId(id) ? image.topic(id) : image.topic(name);
    }

    private static boolean byId(Uuid id) {
        return id != null && !Uuid.ZERO_UUID.equals(id);
    }
}
