package io.potok.broker.api;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Told about every request {@link KafkaApis} answers, once its handler's future completes. The
 * broker stays free of any metrics library: the server module implements this (Micrometer).
 *
 * <p>Implementations are called on request and purgatory threads, concurrently, and must be
 * thread-safe and cheap; an exception they throw is ignored.
 */
public interface RequestMetrics {
    /** Records nothing. */
    RequestMetrics NONE = (header, request, response, error, latencyNanos) -> { };

    /**
     * @param response     the answer, or null when there is none (acks=0 produce, or {@code error})
     * @param error        the exception the handler's future failed with, or null
     * @param latencyNanos from the call to the handler until its future completed
     */
    void record(RequestHeader header, AbstractRequest request, AbstractResponse response, Throwable error,
                long latencyNanos);
}
