package io.potok.metadata.image;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/** A topic: its id, partitions (index = partition id) and topic-level config overrides. Immutable. */
public record TopicImage(String name, Uuid id, List<PartitionImage> partitions, Map<String, String> configs) {
    public TopicImage {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }

    public boolean isInternal() {
        return name.startsWith("__");
    }
}
