package io.potok.metadata.controller;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the controller needs to know about its node and the cluster defaults.
 *
 * @param metadataDir              where the metadata log lives
 * @param defaultNumPartitions     num.partitions
 * @param defaultReplicationFactor default.replication.factor
 * @param deleteTopicEnable        delete.topic.enable
 */
public record ControllerConfig(int nodeId, String clusterId, Path metadataDir, String advertisedHost,
                               int advertisedPort, Optional<String> rack, int defaultNumPartitions,
                               short defaultReplicationFactor, boolean deleteTopicEnable) {
}
