package io.potok.metadata.quorum;

import io.potok.metadata.image.ImageSnapshot;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a broker-only node's image in step with the metadata log without being a Raft voter: one
 * thread polls the active controller with {@link MetadataFetch metadata fetches} from the image's
 * offset and applies each answer to the node's {@link MetadataPublisher}, in log order. Offsets
 * stay the leader's Raft log indexes, so a forwarded command's answer can wait for its offset here
 * exactly as on a voter.
 *
 * <p>Pacing: an answer with news is followed by the next fetch at once; after an empty one the
 * thread pauses {@link #POLL_INTERVAL_MS}, or less when {@link #wakeUp} says this node waits for an
 * offset (a command it forwarded was committed). The fetch asks the controller not to park it
 * ({@link #FETCH_WAIT_MS} = 0) although the protocol allows a long poll: Ratis' Netty server answers
 * client requests on its event-loop threads and blocks one until the reply, so a parked fetch would
 * hold a thread that also carries the controller's proposals and other nodes' commands.
 *
 * <p>Threading: the fetch thread is the only writer of the publisher (its "apply thread").
 */
public final class MetadataFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataFollower.class);
    /** How long the controller may park a fetch with nothing new: not at all (see the class comment). */
    static final int FETCH_WAIT_MS = 0;
    /** The pause after an empty answer: changes made elsewhere reach this node within about this. */
    static final long POLL_INTERVAL_MS = 100;
    private static final long RETRY_BACKOFF_MS = 200;
    /** Longer than the Ratis client's own retries (30 s), so those decide when a fetch failed. */
    private static final long FETCH_TIMEOUT_MS = 60_000;

    private final QuorumClient client;
    private final MetadataPublisher publisher;
    private final Thread thread;
    private volatile boolean running;
    /** The fetch in flight; close() cancels it (never interrupts: listeners may be writing files). */
    private volatile CompletableFuture<MetadataFetch.Response> inFlight;
    private volatile int leaderId = -1;
    private final int nodeId;
    private final Object wakeMonitor = new Object();
    /** Guarded by wakeMonitor: fetch again without pausing. */
    private boolean wakeRequested;

    public MetadataFollower(QuorumClient client, MetadataPublisher publisher, int nodeId) {
        this.client = client;
        this.nodeId = nodeId;
        this.publisher = publisher;
        this.thread = new Thread(this::run, "potok-metadata-follower-" + nodeId);
        this.thread.setDaemon(true);
    }

    public void start() {
        running = true;
        thread.start();
    }

    /** Ends the pause after an empty answer: this node waits for an offset it does not have yet. */
    public void wakeUp() {
        synchronized (wakeMonitor) {
            wakeRequested = true;
            wakeMonitor.notifyAll();
        }
    }

    /** The active controller that answered the latest fetch, or -1 while none answers. */
    public int leaderId() {
        return leaderId;
    }

    private void run() {
        boolean failing = false;
        while (running) {
            long from = publisher.image().offset();
            try {
                CompletableFuture<MetadataFetch.Response> fetch = client.fetchMetadata(nodeId, from, FETCH_WAIT_MS);
                inFlight = fetch;
                if (!running) {
                    return;
                }
                MetadataFetch.Response response = fetch.get(FETCH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                leaderId = response.leaderId();
                apply(publisher, response);
                if (failing) {
                    log.info("Fetching metadata from the active controller {} again, at offset {}", leaderId,
                            publisher.image().offset());
                    failing = false;
                }
                if (!response.hasNews(from)) {
                    pause(POLL_INTERVAL_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) { // also CancellationException
                if (!running) {
                    return;
                }
                leaderId = -1;
                if (!failing) {
                    log.warn("Metadata fetch from offset {} failed; retrying: {}", from, e.toString());
                    failing = true;
                }
                try {
                    pause(RETRY_BACKOFF_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits up to {@code ms}, less when woken; consumes the wake-up. */
    private void pause(long ms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (wakeMonitor) {
            long leftMs;
            while (!wakeRequested && running
                    && (leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) > 0) {
                wakeMonitor.wait(leftMs);
            }
            wakeRequested = false;
        }
    }

    /**
     * Applies one fetch answer: a snapshot replaces the image, batches are applied in order (those at
     * or below the image's offset are skipped), then the image advances to the answer's last offset.
     */
    static void apply(MetadataPublisher publisher, MetadataFetch.Response response) {
        if (response.snapshot()) {
            MetadataFetch.Batch image = response.batches().get(0);
            if (image.offset() <= publisher.image().offset()) {
                return;
            }
            try {
                List<MetadataRecord> records = MetadataRecordSerde.deserialize(image.records());
                MetadataImage snapshot = ImageSnapshot.fromRecords(publisher.image().clusterId(), records, image.offset());
                publisher.reset(snapshot);
                log.info("Loaded the metadata image at offset {} from the active controller {} ({} records)",
                        image.offset(), response.leaderId(), records.size());
            } catch (IOException e) {
                // Cannot happen unless the controller runs another version; the next fetch asks again.
                log.error("Undecodable metadata image at offset {} from the active controller", image.offset(), e);
                return;
            }
        } else {
            for (MetadataFetch.Batch batch : response.batches()) {
                if (batch.offset() <= publisher.image().offset()) {
                    continue;
                }
                try {
                    publisher.apply(MetadataRecordSerde.deserialize(batch.records()), batch.offset());
                } catch (IOException e) {
                    // Every voter skipped the same bytes the same way (see MetadataStateMachine).
                    log.error("Skipping undecodable metadata batch at offset {}", batch.offset(), e);
                    publisher.advance(batch.offset());
                }
            }
        }
        publisher.advance(response.lastOffset());
    }

    @Override
    public void close() {
        running = false;
        wakeUp();
        CompletableFuture<MetadataFetch.Response> fetch = inFlight;
        if (fetch != null) {
            fetch.cancel(false);
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
