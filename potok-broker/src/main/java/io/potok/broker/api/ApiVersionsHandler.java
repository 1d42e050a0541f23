package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** ApiVersions: advertises exactly the registered handlers and their version ranges. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final Supplier<List<ApiHandler<?>>> handlers;

    public ApiVersionsHandler(Supplier<List<ApiHandler<?>>> handlers) {
        this.handlers = handlers;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, ApiVersionsRequest request, ClientInfo client) {
        ApiVersionCollection versions = new ApiVersionCollection();
        handlers.get().stream().sorted(Comparator.comparingInt(h -> h.apiKey().id)).forEach(h ->
                versions.add(new ApiVersion().setApiKey(h.apiKey().id).setMinVersion(h.minVersion())
                        .setMaxVersion(h.maxVersion())));
        ApiVersionsResponseData data = new ApiVersionsResponseData().setApiKeys(versions);
        if (!header.isApiVersionSupported()) {
            data.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        } else if (!request.isValid()) {
            data.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return CompletableFuture.completedFuture(new ApiVersionsResponse(data));
    }
}
