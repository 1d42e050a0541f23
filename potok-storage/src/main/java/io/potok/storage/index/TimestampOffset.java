package io.potok.storage.index;

/**
 * A time index entry: {@code timestamp} is the largest timestamp seen in the segment up to and including the batch
 * that starts at {@code offset}, and every batch before that one has a smaller maximum timestamp.
 */
public record TimestampOffset(long timestamp, long offset) {
}
