/**
 * Potok's storage engine: Kafka-compatible partition logs on local disk.
 *
 * <p>Public entry points: {@link io.potok.storage.LogManager} (owns the log directories and every partition's
 * {@link io.potok.storage.Log}), {@link io.potok.storage.LogConfig} (topic-level settings),
 * {@link io.potok.storage.LogManagerConfig} (broker-level settings) and {@link io.potok.storage.LogCleaner}
 * (compaction).
 *
 * <p>On-disk layout, per log directory:
 * <pre>
 * .lock                               held while a LogManager uses the directory
 * .kafka_cleanshutdown                present only between a clean shutdown and the next startup
 * recovery-point-offset-checkpoint    offsets below which each partition is fsynced
 * log-start-offset-checkpoint         DeleteRecords / retention progress
 * cleaner-offset-checkpoint           compaction progress
 * orders-0/                           one directory per partition
 *   00000000000000000000.log          v2 record batches, byte-for-byte as produced
 *   00000000000000000000.index        sparse offset → position index (mmap)
 *   00000000000000000000.timeindex    sparse max-timestamp → offset index (mmap)
 *   00000000000000001234.snapshot     idempotent producer state as of offset 1234
 * </pre>
 * Transient suffixes: {@code .deleted} (awaiting asynchronous deletion), {@code .cleaned} (compaction output being
 * written), {@code .swap} (compaction output being swapped in), {@code .tmp} (atomic file writes), and partition
 * directories named {@code <topic>-<partition>.<uuid>-delete}.
 *
 * <p>Record batches are handled with kafka-clients' wire-format classes only; file handling, indexes, recovery,
 * retention and compaction are implemented here.
 */
package io.potok.storage;
