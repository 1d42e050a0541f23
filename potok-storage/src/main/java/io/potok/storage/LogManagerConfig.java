package io.potok.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Broker-wide storage settings; Kafka's broker key names in the comments.
 *
 * @param logDirs                          log.dirs
 * @param recoveryThreadsPerDataDir        num.recovery.threads.per.data.dir (Kafka default 2)
 * @param retentionCheckIntervalMs         log.retention.check.interval.ms (300000)
 * @param flushSchedulerIntervalMs         log.flush.scheduler.interval.ms (Long.MAX_VALUE: never)
 * @param flushOffsetCheckpointIntervalMs  log.flush.offset.checkpoint.interval.ms (60000)
 * @param cleanerEnable                    log.cleaner.enable (true)
 * @param cleanerBackoffMs                 log.cleaner.backoff.ms (15000)
 */
public record LogManagerConfig(
    List<Path> logDirs,
    int recoveryThreadsPerDataDir,
    long retentionCheckIntervalMs,
    long flushSchedulerIntervalMs,
    long flushOffsetCheckpointIntervalMs,
    boolean cleanerEnable,
    long cleanerBackoffMs) {

    public LogManagerConfig {
        logDirs = List.copyOf(logDirs);
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("log.dirs must not be empty");
        }
        if (recoveryThreadsPerDataDir < 1) {
            throw new IllegalArgumentException("num.recovery.threads.per.data.dir must be >= 1");
        }
        if (retentionCheckIntervalMs < 1 || flushSchedulerIntervalMs < 1 || flushOffsetCheckpointIntervalMs < 1
            || cleanerBackoffMs < 1) {
            throw new IllegalArgumentException("intervals must be >= 1 ms");
        }
    }

    public static LogManagerConfig defaults(List<Path> dirs) {
        return new LogManagerConfig(dirs, 2, 300_000L, Long.MAX_VALUE, 60_000L, true, 15_000L);
    }
}
