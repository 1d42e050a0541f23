package io.potok.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the log knows about one idempotent producer: its epoch and the metadata of its last (at most
 * {@value #NUM_BATCHES_TO_RETAIN}) batches, used to detect retried batches.
 *
 * <p>Immutable: an update creates a new entry.
 */
public record ProducerStateEntry(long producerId, short producerEpoch, List<BatchMetadata> batchMetadata) {

    /** The producer's in-flight request limit (max.in.flight.requests.per.connection) is 5 for idempotence. */
    public static final int NUM_BATCHES_TO_RETAIN = 5;

    public ProducerStateEntry {
        batchMetadata = List.copyOf(batchMetadata);
    }

    /** One batch of the producer as appended. */
    public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestampMs) {
    }

    public int lastSequence() {
        return batchMetadata.isEmpty() ? BatchHeader.NO_SEQUENCE : batchMetadata.get(batchMetadata.size() - 1).lastSeq();
    }

    public long lastDataOffset() {
        return batchMetadata.isEmpty() ? -1L : batchMetadata.get(batchMetadata.size() - 1).lastOffset();
    }

    public long lastTimestampMs() {
        return batchMetadata.isEmpty() ? BatchHeader.NO_TIMESTAMP
            : batchMetadata.get(batchMetadata.size() - 1).timestampMs();
    }

    /** The retained batch with exactly this sequence range in the same epoch, i.e. the original of a retry. */
    Optional<BatchMetadata> findDuplicate(short epoch, int firstSeq, int lastSeq) {
        if (epoch != producerEpoch) {
            return Optional.empty();
        }
        for (BatchMetadata b : batchMetadata) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** This entry with one more batch; a new epoch starts a fresh batch history. */
    ProducerStateEntry withBatch(short epoch, BatchMetadata batch) {
        List<BatchMetadata> next = new ArrayList<>(NUM_BATCHES_TO_RETAIN);
        if (epoch == producerEpoch) {
            int from = Math.max(0, batchMetadata.size() - (NUM_BATCHES_TO_RETAIN - 1));
            next.addAll(batchMetadata.subList(from, batchMetadata.size()));
        }
        next.add(batch);
        return new ProducerStateEntry(producerId, epoch, next);
    }

    static ProducerStateEntry empty(long producerId) {
        return new ProducerStateEntry(producerId, BatchHeader.NO_PRODUCER_EPOCH, List.of());
    }
}
