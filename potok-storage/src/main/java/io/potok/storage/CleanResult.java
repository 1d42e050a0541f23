package io.potok.storage;

import java.util.OptionalLong;

/**
 * Outcome of one cleaning pass over a compacted log.
 *
 * @param firstDirtyOffset       where the dirty section started
 * @param endOffset              the new first dirty offset: everything below it has been deduplicated
 * @param segmentsCleaned        number of segments rewritten
 * @param recordsRead            records examined in the rewritten segments
 * @param recordsRetained        records kept
 * @param bytesRead              bytes of the rewritten segments before cleaning
 * @param bytesWritten           bytes after cleaning
 * @param earliestDeleteHorizonMs when the first retained tombstone may be removed, if any tombstone was retained
 */
public record CleanResult(long firstDirtyOffset, long endOffset, int segmentsCleaned, long recordsRead,
                          long recordsRetained, long bytesRead, long bytesWritten, OptionalLong earliestDeleteHorizonMs) {
}
