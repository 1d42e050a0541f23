package io.potok.broker.network;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Answers parsed requests. Runs on the request-handler pool, never on an event loop; work that has
 * to wait (long-poll fetch, acks=all) returns an incomplete future instead of blocking.
 */
public interface RequestHandler {
    /** Completes with the response, or with {@code null} when the request gets none (acks=0). */
    CompletableFuture<AbstractResponse> handle(RequestHeader header, AbstractRequest request, ClientInfo client);

    /** Who sent a request: for logs and client-facing views. */
    record ClientInfo(String connectionId, String clientId, java.net.InetSocketAddress remote) {
    }
}
