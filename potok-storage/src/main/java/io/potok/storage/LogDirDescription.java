package io.potok.storage;

import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.util.Map;

/**
 * State of one log directory (DescribeLogDirs).
 *
 * @param totalBytes     capacity of the file store holding the directory, -1 when offline
 * @param usableBytes    space available to this process, -1 when offline
 * @param partitionSizes size of every partition's log in this directory (empty when offline)
 */
public record LogDirDescription(Path path, boolean online, long totalBytes, long usableBytes,
                                Map<TopicPartition, Long> partitionSizes) {
}
