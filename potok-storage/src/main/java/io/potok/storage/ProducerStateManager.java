package io.potok.storage;

import io.potok.storage.ProducerStateEntry.BatchMetadata;
import io.potok.storage.checkpoint.AtomicFile;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Per-partition state of idempotent producers (epoch and last batches), with Kafka's duplicate, epoch and sequence
 * checks, persisted as {@code <offset>.snapshot} files so that a restart does not rescan the whole log.
 *
 * <p>Invariant: the in-memory map reflects exactly the batches with offsets below {@link #mapEndOffset()}. A snapshot
 * named {@code N.snapshot} holds the state for offsets below N.
 *
 * <p>Snapshot format (big-endian): int version, int CRC-32C of the rest, long offset, int entry count, then per
 * producer: long id, short epoch, int batch count, per batch: int firstSeq, int lastSeq, long firstOffset,
 * long lastOffset, long timestamp.
 *
 * <p>Thread-safety: mutations are serialised by the owning {@link Log}'s lock; {@link #lastEntry} may be called from
 * any thread.
 */
final class ProducerStateManager {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);
    private static final int SNAPSHOT_VERSION = 1;

    private final Path dir;
    private final Map<Long, ProducerStateEntry> producers = new ConcurrentHashMap<>();
    private volatile long mapEndOffset;

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    Optional<ProducerStateEntry> lastEntry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** A snapshot of every producer's state (DescribeProducers). */
    List<ProducerStateEntry> entries() {
        return List.copyOf(producers.values());
    }

    long mapEndOffset() {
        return mapEndOffset;
    }

    int producerCount() {
        return producers.size();
    }

    /**
     * Checks a leader append against the producers' state. Returns the original of a retried batch if one of the
     * batches is a duplicate (then nothing must be appended).
     *
     * @throws InvalidProducerEpochException if a batch carries an epoch older than the producer's
     * @throws OutOfOrderSequenceException   if a batch does not continue its producer's sequence
     */
    Optional<BatchMetadata> checkLeaderAppend(List<BatchHeader> batches) {
        Map<Long, ProducerStateEntry> pending = null;
        for (BatchHeader batch : batches) {
            if (!batch.hasProducerId()) {
                continue;
            }
            long producerId = batch.producerId();
            ProducerStateEntry committed = producers.get(producerId);
            if (committed != null) {
                Optional<BatchMetadata> duplicate = committed.findDuplicate(batch.producerEpoch(), batch.baseSequence(),
                    batch.lastSequence());
                if (duplicate.isPresent()) {
                    return duplicate;
                }
            }
            ProducerStateEntry current = pending != null && pending.containsKey(producerId) ? pending.get(producerId)
                : committed != null ? committed : ProducerStateEntry.empty(producerId);
            checkEpoch(current, batch);
            checkSequence(current, batch);
            if (pending == null) {
                pending = new HashMap<>();
            }
            pending.put(producerId, current.withBatch(batch.producerEpoch(),
                new BatchMetadata(batch.baseSequence(), batch.lastSequence(), -1, -1, -1)));
        }
        return Optional.empty();
    }

    private static void checkEpoch(ProducerStateEntry current, BatchHeader batch) {
        if (batch.producerEpoch() < current.producerEpoch()) {
            throw new InvalidProducerEpochException("Epoch of producer " + batch.producerId() + " is "
                + batch.producerEpoch() + ", which is smaller than the last seen epoch " + current.producerEpoch());
        }
    }

    private static void checkSequence(ProducerStateEntry current, BatchHeader batch) {
        int firstSeq = batch.baseSequence();
        if (batch.producerEpoch() != current.producerEpoch()) {
            // An unknown producer (state lost to retention or DeleteRecords) may resume at any sequence (Kafka 2.5+).
            if (firstSeq != 0 && current.producerEpoch() != BatchHeader.NO_PRODUCER_EPOCH) {
                throw new OutOfOrderSequenceException("Invalid sequence number for new epoch of producer "
                    + batch.producerId() + ": " + batch.producerEpoch() + " (request epoch), " + firstSeq
                    + " (seq. number), " + current.producerEpoch() + " (current producer epoch)");
            }
        } else {
            int lastSeq = current.lastSequence();
            if (!inSequence(lastSeq, firstSeq)) {
                throw new OutOfOrderSequenceException("Out of order sequence number for producer "
                    + batch.producerId() + ": " + firstSeq + " (incoming seq. number), " + lastSeq
                    + " (current end sequence number)");
            }
        }
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    /** Records batches that were appended with offsets assigned (after {@link #checkLeaderAppend} passed). */
    void update(List<BatchHeader> batches) {
        for (BatchHeader batch : batches) {
            update(batch);
        }
    }

    /** Records one appended batch without checks (leader commit, replication and replay at load). */
    void update(BatchHeader batch) {
        if (batch.hasProducerId()) {
            ProducerStateEntry current = producers.getOrDefault(batch.producerId(),
                ProducerStateEntry.empty(batch.producerId()));
            producers.put(batch.producerId(), current.withBatch(batch.producerEpoch(), new BatchMetadata(
                batch.baseSequence(), batch.lastSequence(), batch.baseOffset(), batch.lastOffset(),
                batch.maxTimestamp())));
        }
        mapEndOffset = Math.max(mapEndOffset, batch.nextOffset());
    }

    void updateMapEndOffset(long offset) {
        mapEndOffset = offset;
    }

    /** Writes the current state as {@code <mapEndOffset>.snapshot}. */
    void takeSnapshot(boolean durable) throws IOException {
        AtomicFile.write(LogFileNames.snapshotFile(dir, mapEndOffset), serialize(), durable);
    }

    /**
     * Loads the newest readable snapshot at or below {@code logEndOffset} (deleting newer and unreadable ones) and
     * returns the offset from which batches must be replayed; with no snapshot the state starts empty at
     * {@code logStartOffset}.
     */
    long truncateAndReload(long logStartOffset, long logEndOffset) throws IOException {
        producers.clear();
        TreeMap<Long, Path> snapshots = listSnapshots();
        for (Map.Entry<Long, Path> e : snapshots.tailMap(logEndOffset, false).entrySet()) {
            Files.deleteIfExists(e.getValue());
        }
        for (Map.Entry<Long, Path> e : snapshots.headMap(logEndOffset, true).descendingMap().entrySet()) {
            try {
                Map<Long, ProducerStateEntry> loaded = deserialize(e.getKey(), Files.readAllBytes(e.getValue()));
                producers.putAll(loaded);
                mapEndOffset = e.getKey();
                return Math.max(e.getKey(), logStartOffset);
            } catch (CorruptSnapshotException ex) {
                LOG.warn("Deleting corrupt producer state snapshot {}: {}", e.getValue(), ex.getMessage());
                Files.deleteIfExists(e.getValue());
            }
        }
        mapEndOffset = logStartOffset;
        return logStartOffset;
    }

    /** Deletes snapshots below {@code offset}, always keeping the newest one. */
    void deleteSnapshotsBefore(long offset) throws IOException {
        TreeMap<Long, Path> snapshots = listSnapshots();
        if (snapshots.isEmpty()) {
            return;
        }
        long newest = snapshots.lastKey();
        for (Map.Entry<Long, Path> e : snapshots.headMap(Math.min(offset, newest), false).entrySet()) {
            Files.deleteIfExists(e.getValue());
        }
    }

    OptionalLong latestSnapshotOffset() throws IOException {
        TreeMap<Long, Path> snapshots = listSnapshots();
        return snapshots.isEmpty() ? OptionalLong.empty() : OptionalLong.of(snapshots.lastKey());
    }

    private TreeMap<Long, Path> listSnapshots() throws IOException {
        TreeMap<Long, Path> result = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + LogFileNames.SNAPSHOT_SUFFIX)) {
            for (Path p : stream) {
                OptionalLong offset = LogFileNames.offsetFromFileName(p.getFileName().toString());
                if (offset.isPresent()) {
                    result.put(offset.getAsLong(), p);
                }
            }
        }
        return result;
    }

    private byte[] serialize() {
        List<ProducerStateEntry> entries = new ArrayList<>(producers.values());
        int bytes = 4 + 4 + 8 + 4;
        for (ProducerStateEntry e : entries) {
            bytes += 8 + 2 + 4 + e.batchMetadata().size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        buf.putInt(SNAPSHOT_VERSION).putInt(0).putLong(mapEndOffset).putInt(entries.size());
        for (ProducerStateEntry e : entries) {
            buf.putLong(e.producerId()).putShort(e.producerEpoch()).putInt(e.batchMetadata().size());
            for (BatchMetadata b : e.batchMetadata()) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                    .putLong(b.timestampMs());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 8, bytes - 8);
        buf.putInt(4, (int) crc.getValue());
        return buf.array();
    }

    private static Map<Long, ProducerStateEntry> deserialize(long expectedOffset, byte[] bytes)
        throws CorruptSnapshotException {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            int version = buf.getInt();
            if (version != SNAPSHOT_VERSION) {
                throw new CorruptSnapshotException("unknown version " + version);
            }
            int storedCrc = buf.getInt();
            CRC32C crc = new CRC32C();
            crc.update(bytes, 8, bytes.length - 8);
            if ((int) crc.getValue() != storedCrc) {
                throw new CorruptSnapshotException("CRC mismatch");
            }
            long offset = buf.getLong();
            if (offset != expectedOffset) {
                throw new CorruptSnapshotException("holds offset " + offset + ", file name says " + expectedOffset);
            }
            int count = buf.getInt();
            Map<Long, ProducerStateEntry> result = new HashMap<>();
            for (int i = 0; i < count; i++) {
                long producerId = buf.getLong();
                short epoch = buf.getShort();
                int batches = buf.getInt();
                List<BatchMetadata> metadata = new ArrayList<>(batches);
                for (int b = 0; b < batches; b++) {
                    metadata.add(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(),
                        buf.getLong()));
                }
                result.put(producerId, new ProducerStateEntry(producerId, epoch, metadata));
            }
            return result;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptSnapshotException("truncated: " + e);
        }
    }

    private static final class CorruptSnapshotException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptSnapshotException(String message) {
            super(message);
        }
    }
}
