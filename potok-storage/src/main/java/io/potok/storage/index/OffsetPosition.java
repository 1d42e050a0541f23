package io.potok.storage.index;

/** An offset index entry: the batch starting at byte {@code position} of the segment holds {@code offset}. */
public record OffsetPosition(long offset, int position) {
}
