package io.potok.broker.replica.fetcher;

/**
 * Replication settings with Kafka's names.
 *
 * @param fetchMaxWaitMs            replica.fetch.wait.max.ms
 * @param fetchMaxBytes             replica.fetch.response.max.bytes
 * @param fetchMaxBytesPerPartition replica.fetch.max.bytes
 * @param backoffMs                 replica.fetch.backoff.ms
 * @param socketTimeoutMs           replica.socket.timeout.ms
 */
public record ReplicaFetcherConfig(int fetchMaxWaitMs, int fetchMaxBytes, int fetchMaxBytesPerPartition,
                                   long backoffMs, int socketTimeoutMs) {
}
