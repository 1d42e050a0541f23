package io.potok.metadata.quorum;

import io.potok.metadata.image.ImageSnapshot;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.quorum.MetadataFetch.Batch;
import io.potok.metadata.quorum.MetadataFetch.Response;
import io.potok.metadata.record.MetadataRecordSerde;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The recent committed batches of the metadata log, in memory, from which a voter answers
 * {@link MetadataFetch metadata fetches} of broker-only nodes.
 *
 * <p>It keeps every batch applied after {@link #baseOffset} (the snapshot this voter loaded, or the
 * newest batch it had to drop), within {@code maxBatches} and {@code maxBytes}. A fetch from an
 * offset at or after the base gets the batches after that offset; a fetch from an older offset, or
 * from a node with no metadata at all (offset &lt; 0), gets the whole current image instead (one
 * image is smaller than a long history). A fetch with nothing new is parked until a batch or a
 * Raft entry arrives, or {@code maxWaitMs} passes (a long poll), at most {@link #MAX_PARKED} at once.
 *
 * <p>Threading: {@link #append}, {@link #advance} and {@link #reset} come from the state machine's
 * apply thread, {@link #fetch} from Ratis' query threads; all state is guarded by {@code this}.
 * Parked fetches are completed outside the lock.
 */
final class MetadataLogTail {
    /** Parked fetches beyond this are answered at once (empty): one per broker is the normal load. */
    static final int MAX_PARKED = 1024;

    private final int leaderId;
    private final Supplier<MetadataImage> image;
    /** Ends parked fetches after their wait; owned by the caller. */
    private final ScheduledExecutorService timer;
    private final int maxBatches;
    private final long maxBytes;
    private final int maxResponseBytes;
    // Guarded by this:
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private long bytes;
    /** Every batch after this offset is kept. */
    private long baseOffset = -1;
    /** The newest log index applied (with or without metadata). */
    private long lastOffset = -1;
    private final List<Parked> parked = new ArrayList<>();

    private record Parked(long fromOffset, CompletableFuture<Response> future) {
    }

    private record Ready(CompletableFuture<Response> future, Answer answer) {
    }

    /**
     * @param leaderId         this voter's node id, named in answers
     * @param image            the current image, for snapshot answers
     * @param timer            ends parked fetches after their wait (its tasks are tiny)
     * @param maxResponseBytes batches answers stop after this many record bytes (but hold at least one batch)
     */
    MetadataLogTail(int leaderId, Supplier<MetadataImage> image, ScheduledExecutorService timer, int maxBatches,
                    long maxBytes, int maxResponseBytes) {
        this.leaderId = leaderId;
        this.image = image;
        this.timer = timer;
        this.maxBatches = maxBatches;
        this.maxBytes = maxBytes;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** A committed batch at log index {@code offset}, already applied to the image. */
    void append(long offset, byte[] records) {
        List<Ready> ready;
        synchronized (this) {
            if (offset <= lastOffset) {
                return; // replayed on restart before the snapshot it is part of: already covered
            }
            batches.addLast(new Batch(offset, records));
            bytes += records.length;
            while (batches.size() > maxBatches || (bytes > maxBytes && batches.size() > 1)) {
                Batch dropped = batches.removeFirst();
                bytes -= dropped.records().length;
                baseOffset = dropped.offset();
            }
            lastOffset = offset;
            ready = takeParked();
        }
        complete(ready);
    }

    /** A log index applied without metadata (a Raft configuration or leader entry, a discarded batch). */
    void advance(long offset) {
        List<Ready> ready;
        synchronized (this) {
            if (offset <= lastOffset) {
                return;
            }
            lastOffset = offset;
            ready = takeParked();
        }
        complete(ready);
    }

    /** The image was replaced by a snapshot at {@code offset}: older batches are no longer known here. */
    void reset(long offset) {
        List<Ready> ready;
        synchronized (this) {
            batches.clear();
            bytes = 0;
            baseOffset = offset;
            lastOffset = Math.max(lastOffset, offset);
            ready = takeParked();
        }
        complete(ready);
    }

    /**
     * Answers a fetch from {@code fromOffset} (the asker's image offset): right away when there is
     * something newer, else once there is or after {@code maxWaitMs} with an empty answer.
     */
    CompletableFuture<Response> fetch(long fromOffset, long maxWaitMs) {
        Answer answer;
        CompletableFuture<Response> future = new CompletableFuture<>();
        synchronized (this) {
            answer = answer(fromOffset);
            if (answer == null) {
                if (maxWaitMs <= 0 || parked.size() >= MAX_PARKED) {
                    return CompletableFuture.completedFuture(empty());
                }
                Parked p = new Parked(fromOffset, future);
                try {
                    timer.schedule(() -> expire(p), maxWaitMs, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    return CompletableFuture.completedFuture(empty()); // closing
                }
                parked.add(p);
                return future;
            }
        }
        future.complete(answer.build());
        return future;
    }

    synchronized long baseOffset() {
        return baseOffset;
    }

    synchronized int parkedCount() {
        return parked.size();
    }

    private void expire(Parked p) {
        synchronized (this) {
            if (!parked.remove(p)) {
                return; // answered meanwhile
            }
        }
        p.future().complete(empty());
    }

    private synchronized Response empty() {
        return new Response(leaderId, false, lastOffset, List.of());
    }

    /** Caller holds the lock. Removes the parked fetches that now have an answer, with their answers. */
    private List<Ready> takeParked() {
        if (parked.isEmpty()) {
            return List.of();
        }
        List<Ready> ready = new ArrayList<>();
        for (Iterator<Parked> it = parked.iterator(); it.hasNext(); ) {
            Parked p = it.next();
            Answer answer = answer(p.fromOffset());
            if (answer != null) {
                it.remove();
                ready.add(new Ready(p.future(), answer));
            }
        }
        return ready;
    }

    /** Outside the lock: snapshot answers are serialised here, and completion runs the callers' callbacks. */
    private static void complete(List<Ready> ready) {
        for (Ready r : ready) {
            r.future().complete(r.answer().build());
        }
    }

    /** Caller holds the lock. What to send to a node at {@code fromOffset}; null when nothing is new. */
    private Answer answer(long fromOffset) {
        if (fromOffset < baseOffset || fromOffset < 0) {
            MetadataImage current = image.get();
            return current.offset() > fromOffset ? new Answer(current, null, -1) : null;
        }
        if (lastOffset <= fromOffset) {
            return null;
        }
        List<Batch> newer = new ArrayList<>();
        for (Iterator<Batch> it = batches.descendingIterator(); it.hasNext(); ) {
            Batch b = it.next();
            if (b.offset() <= fromOffset) {
                break;
            }
            newer.add(b);
        }
        Collections.reverse(newer);
        long size = 0;
        for (int i = 0; i < newer.size(); i++) {
            size += newer.get(i).records().length;
            if (size > maxResponseBytes && i > 0) {
                // Cut here: the asker is then exactly at the last batch it got and asks again.
                List<Batch> cut = newer.subList(0, i);
                return new Answer(null, List.copyOf(cut), cut.get(cut.size() - 1).offset());
            }
        }
        return new Answer(null, newer, lastOffset);
    }

    /** Either a snapshot of {@code image}, or {@code batches} up to {@code lastOffset}. */
    private final class Answer {
        private final MetadataImage snapshot;
        private final List<Batch> batches;
        private final long lastOffset;

        Answer(MetadataImage snapshot, List<Batch> batches, long lastOffset) {
            this.snapshot = snapshot;
            this.batches = batches;
            this.lastOffset = lastOffset;
        }

        Response build() {
            if (snapshot != null) {
                byte[] records = MetadataRecordSerde.serialize(ImageSnapshot.toRecords(snapshot));
                return new Response(leaderId, true, snapshot.offset(), List.of(new Batch(snapshot.offset(), records)));
            }
            return new Response(leaderId, false, lastOffset, batches);
        }
    }
}
