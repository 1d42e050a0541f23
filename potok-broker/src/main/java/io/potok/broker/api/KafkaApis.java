package io.potok.broker.api;

import io.potok.broker.network.RequestHandler;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Routes each request to the handler of its API. The set of registered handlers is exactly what
 * ApiVersions advertises, so a client never sees an API that is not implemented.
 */
public final class KafkaApis implements RequestHandler {
    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestMetrics metrics;

    public KafkaApis(List<ApiHandler<?>> handlers) {
        this(handlers, RequestMetrics.NONE);
    }

    /** @param metrics told about each answered request (count, latency, bytes) */
    public KafkaApis(List<ApiHandler<?>> handlers, RequestMetrics metrics) {
        handlers.forEach(h -> this.handlers.put(h.apiKey(), h));
        this.metrics = metrics;
    }

    public Collection<ApiHandler<?>> handlers() {
        return handlers.values();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, AbstractRequest request, ClientInfo client) {
        if (metrics == RequestMetrics.NONE) {
            return dispatch(header, request, client);
        }
        long startNanos = System.nanoTime();
        CompletableFuture<AbstractResponse> future;
        try {
            future = dispatch(header, request, client);
        } catch (RuntimeException e) {
            record(header, request, null, e, startNanos);
            throw e;
        }
        // Recorded before the response is written: the future handed on completes after this runs.
        return future.whenComplete((response, error) -> record(header, request, response, error, startNanos));
    }

    private void record(RequestHeader header, AbstractRequest request, AbstractResponse response, Throwable error,
                        long startNanos) {
        try {
            metrics.record(header, request, response, error, System.nanoTime() - startNanos);
        } catch (RuntimeException ignored) {
            // metrics must never fail a request
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean isNonBlocking(RequestHeader header, AbstractRequest request) {
        ApiHandler handler = handlers.get(header.apiKey());
        try {
            return handler != null && handler.isNonBlocking(request);
        } catch (RuntimeException e) {
            return false; // the request threads will answer it, with the error handle() finds
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompletableFuture<AbstractResponse> dispatch(RequestHeader header, AbstractRequest request,
                                                         ClientInfo client) {
        ApiHandler handler = handlers.get(header.apiKey());
        boolean apiVersionsFallback = header.apiKey() == ApiKeys.API_VERSIONS && !header.isApiVersionSupported();
        if (handler == null || (!apiVersionsFallback && (header.apiVersion() < handler.minVersion()
                || header.apiVersion() > handler.maxVersion()))) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0, new UnsupportedVersionException(
                    "Potok does not serve " + header.apiKey() + " v" + header.apiVersion())));
        }
        return handler.handle(header, request, client);
    }
}
