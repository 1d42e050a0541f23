package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** Answers one API, for the versions it declares. Handlers are stateless or thread-safe. */
public interface ApiHandler<R extends AbstractRequest> {
    ApiKeys apiKey();

    /** Lowest version served; defaults to the oldest kafka-clients can parse. */
    default short minVersion() {
        return apiKey().oldestVersion();
    }

    /** Highest version served; defaults to the newest stable version kafka-clients knows. */
    default short maxVersion() {
        return apiKey().latestVersion();
    }

    CompletableFuture<AbstractResponse> handle(RequestHeader header, R request, ClientInfo client);

    /** See {@link io.potok.broker.network.RequestHandler#isNonBlocking}; false unless a handler knows better. */
    default boolean isNonBlocking(R request) {
        return false;
    }
}
