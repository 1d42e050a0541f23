package io.potok.broker.network;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Answers parsed requests. Runs on the request-handler pool, or on the connection's event loop for requests it calls
 * {@linkplain #isNonBlocking non-blocking}; work that has to wait (long-poll fetch, acks=all) returns an incomplete
 * future instead of blocking.
 */
public interface RequestHandler {
    /** Completes with the response, or with {@code null} when the request gets none (acks=0). */
    CompletableFuture<AbstractResponse> handle(RequestHeader header, AbstractRequest request, ClientInfo client);

    /**
     * True if handling this request can neither wait on the disk (an fsync) nor on a lock held for long, so that the
     * event loop that read it may handle it itself: for a produce into the page cache or a fetch of a file region, the
     * hand-off to a request thread and back (two thread wake-ups) costs more than the work.
     */
    default boolean isNonBlocking(RequestHeader header, AbstractRequest request) {
        return false;
    }

    /** Who sent a request: for logs and client-facing views. */
    record ClientInfo(String connectionId, String clientId, java.net.InetSocketAddress remote) {
    }
}
