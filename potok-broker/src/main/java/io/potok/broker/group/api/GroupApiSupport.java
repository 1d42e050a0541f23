package io.potok.broker.group.api;

import io.potok.broker.api.ErrorMapping;
import io.potok.broker.group.RequestContext;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** What the group API handlers share: the request context and the error path. */
final class GroupApiSupport {
    private GroupApiSupport() {
    }

    static RequestContext context(RequestHeader header, ClientInfo client) {
        InetSocketAddress remote = client == null ? null : client.remote();
        String host = remote == null || remote.getAddress() == null ? "/unknown" : "/" + remote.getAddress().getHostAddress();
        String clientId = header.clientId() == null ? "" : header.clientId();
        return new RequestContext(header.apiVersion(), clientId, host);
    }

    /** The response, or the request's error response built from the failure (mapped by {@link ErrorMapping}). */
    static CompletableFuture<AbstractResponse> respond(CompletableFuture<? extends AbstractResponse> response,
                                                       AbstractRequest request) {
        return response.<AbstractResponse>thenApply(r -> r)
                .exceptionally(e -> request.getErrorResponse(0, ErrorMapping.toApiError(e).exception()));
    }
}
