package io.potok.metadata.image;

import io.potok.metadata.controller.MetadataListener;
import io.potok.metadata.record.MetadataRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds this node's current metadata image and tells listeners about every new one, in log order.
 *
 * <p>Threading: {@link #apply} and {@link #reset} are called by the quorum's apply thread only;
 * {@link #image()} may be read from any thread (volatile, immutable).
 */
public final class MetadataPublisher {
    private static final Logger log = LoggerFactory.getLogger(MetadataPublisher.class);

    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final Object appliedMonitor = new Object();
    /** Commands waiting for their offset to be applied here; guarded by appliedMonitor. */
    private final java.util.PriorityQueue<Waiter> waiters =
            new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(Waiter::offset));
    /** Serialises listener calls, so a listener added late never sees images out of order. */
    private final Object publishLock = new Object();
    private volatile MetadataImage image;

    public MetadataPublisher(String clusterId) {
        this.image = MetadataImage.empty(clusterId);
    }

    public MetadataImage image() {
        return image;
    }

    /** Applies one committed batch at log offset {@code offset}. */
    public void apply(List<MetadataRecord> records, long offset) {
        MetadataImageBuilder builder = new MetadataImageBuilder(image);
        for (MetadataRecord record : records) {
            try {
                builder.apply(record);
            } catch (RuntimeException e) {
                // Every node skips the same bad record the same way, so images stay identical.
                log.error("Skipping metadata record {} at offset {}: {}", record, offset, e.getMessage());
            }
        }
        publish(builder.build(offset));
    }

    /** Replaces the image wholesale (snapshot load) at {@code offset}. */
    public void reset(MetadataImage snapshot) {
        publish(snapshot);
    }

    /** Marks {@code offset} as applied even though it carried no metadata (Raft configuration entries). */
    public void advance(long offset) {
        if (offset > image.offset()) {
            MetadataImage current = image;
            image = current.withOffset(offset);
            synchronized (appliedMonitor) {
                completeWaiters();
            }
        }
    }

    /** Adds a listener and tells it the current image right away, as a change from the empty image. */
    public void addListener(MetadataListener listener) {
        synchronized (publishLock) {
            listeners.add(listener);
            listener.onImage(MetadataImage.empty(image.clusterId()), image);
        }
    }

    /** Completes once the image includes {@code offset}; never blocks a thread while waiting. */
    public java.util.concurrent.CompletableFuture<Void> whenApplied(long offset) {
        java.util.concurrent.CompletableFuture<Void> future = new java.util.concurrent.CompletableFuture<>();
        synchronized (appliedMonitor) {
            if (image.offset() >= offset) {
                future.complete(null);
            } else {
                waiters.add(new Waiter(offset, future));
            }
        }
        return future;
    }

    private record Waiter(long offset, java.util.concurrent.CompletableFuture<Void> future) {
    }

    /** Caller holds appliedMonitor. */
    private void completeWaiters() {
        long applied = image.offset();
        while (!waiters.isEmpty() && waiters.peek().offset() <= applied) {
            waiters.poll().future().complete(null);
        }
        appliedMonitor.notifyAll();
    }

    /** Waits until the image includes {@code offset}; returns false on timeout. */
    public boolean awaitOffset(long offset, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (appliedMonitor) {
            while (image.offset() < offset) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                appliedMonitor.wait(left);
            }
        }
        return true;
    }

    private void publish(MetadataImage next) {
        synchronized (publishLock) {
            MetadataImage previous = image;
            image = next;
            for (MetadataListener listener : listeners) {
                try {
                    listener.onImage(previous, next);
                } catch (RuntimeException e) {
                    log.error("Metadata listener failed on image at offset {}", next.offset(), e);
                }
            }
        }
        synchronized (appliedMonitor) {
            completeWaiters();
        }
    }
}
