package io.potok.storage;

/**
 * Result of an append.
 *
 * @param firstOffset      offset of the first appended record (-1 for an empty append)
 * @param lastOffset       offset of the last appended record (-1 for an empty append)
 * @param logAppendTimeMs  the broker time stamped on the batches when message.timestamp.type=LogAppendTime, else -1
 * @param logStartOffset   the log start offset after the append
 * @param recordCount      number of records appended
 * @param validBytes       bytes appended
 * @param duplicate        true if the batch was a retry of an idempotent batch already in the log; nothing was
 *                         appended and the offsets are those of the original append
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTimeMs, long logStartOffset,
                            int recordCount, int validBytes, boolean duplicate) {
}
