package io.potok.broker.group.log;

import java.util.List;
import java.util.function.Consumer;

/**
 * The one {@code __consumer_offsets} partition a coordinator shard owns: where its state changes go
 * and where they are read back from.
 *
 * <p>Implementations are used from the shard's executor only.
 */
public interface GroupLog {
    /**
     * Appends {@code records} as one batch with acks=all semantics and returns the offset of the
     * last record. The records are durable in the local log when this returns; they count as
     * committed once {@link #highWatermark()} passes that offset.
     *
     * @throws org.apache.kafka.common.errors.ApiException (or another runtime exception) when the append
     *         failed; then nothing was appended
     */
    long append(List<GroupRecord> records);

    /** The offset below which records are committed. */
    long highWatermark();

    /** Reads every record from the start of the log to its end, in order. Returns how many were read. */
    long replay(Consumer<GroupRecord> consumer);
}
