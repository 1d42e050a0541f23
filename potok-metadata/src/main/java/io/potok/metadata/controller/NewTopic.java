package io.potok.metadata.controller;

import java.util.List;
import java.util.Map;

/**
 * A topic to create. {@code numPartitions} and {@code replicationFactor} of -1 mean "the broker
 * default"; a non-empty {@code assignments} (partition → replicas) overrides both.
 */
public record NewTopic(String name, int numPartitions, short replicationFactor,
                       Map<Integer, List<Integer>> assignments, Map<String, String> configs) {
    public NewTopic {
        assignments = Map.copyOf(assignments);
        configs = Map.copyOf(configs);
    }
}
