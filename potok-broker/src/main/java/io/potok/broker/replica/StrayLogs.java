package io.potok.broker.replica;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Logs a broker finds on disk that the metadata no longer gives it: the topic was deleted, or the partition moved to
 * other brokers, while this broker was down; or the topic was deleted and created again under the same name, so the
 * log holds the old topic's records. Kafka deletes such "stray" replicas when the broker first catches up with the
 * metadata (KAFKA-14616); so does Potok, before it hosts any partition.
 */
final class StrayLogs {
    private StrayLogs() {
    }

    /**
     * Why the log of {@code tp}, recorded as belonging to topic {@code logTopicId} (empty: not recorded, as in logs
     * written before topic ids were kept; those are taken to belong to the current topic), is stray on node
     * {@code nodeId} according to {@code image}; empty if it is not.
     */
    static Optional<String> reason(TopicPartition tp, Optional<Uuid> logTopicId, MetadataImage image, int nodeId) {
        TopicImage topic = image.topics().get(tp.topic());
        if (topic == null) {
            return Optional.of("topic " + tp.topic() + " no longer exists");
        }
        if (logTopicId.isPresent() && !logTopicId.get().equals(topic.id())) {
            return Optional.of("the log belongs to topic id " + logTopicId.get() + ", deleted; " + tp.topic()
                    + " is now topic id " + topic.id());
        }
        PartitionImage partition = topic.partitions().stream().filter(p -> p.partition() == tp.partition())
                .findFirst().orElse(null);
        if (partition == null) {
            return Optional.of("the topic has no partition " + tp.partition());
        }
        if (!partition.replicas().contains(nodeId)) {
            return Optional.of("its replicas are now " + partition.replicas());
        }
        return Optional.empty();
    }
}
