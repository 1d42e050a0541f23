package io.potok.storage;

import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Result of a read: whole record batches copied from the log.
 *
 * @param fetchOffset the offset that was asked for (the first batch may start before it)
 * @param records     the batches; {@link MemoryRecords#EMPTY} when there is nothing to return
 */
public record FetchDataInfo(long fetchOffset, MemoryRecords records) {
}
