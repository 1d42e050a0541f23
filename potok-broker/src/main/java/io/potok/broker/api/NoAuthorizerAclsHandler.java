package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * DescribeAcls, CreateAcls and DeleteAcls as a Kafka broker without an authorizer answers them: SECURITY_DISABLED with
 * Kafka's two messages (DescribeAcls builds its own, the others carry the exception's), so that {@code kafka-acls} and
 * UIs that index ACLs get the answer they know instead of an unsupported API.
 */
public final class NoAuthorizerAclsHandler implements ApiHandler<AbstractRequest> {
    static final String NO_AUTHORIZER = "No Authorizer is configured.";
    static final String NO_AUTHORIZER_ON_BROKER = "No Authorizer is configured on the broker";

    private final ApiKeys api;

    private NoAuthorizerAclsHandler(ApiKeys api) {
        this.api = api;
    }

    /** One handler for each of the three ACL APIs. */
    public static List<ApiHandler<?>> all() {
        return List.of(new NoAuthorizerAclsHandler(ApiKeys.DESCRIBE_ACLS),
                new NoAuthorizerAclsHandler(ApiKeys.CREATE_ACLS), new NoAuthorizerAclsHandler(ApiKeys.DELETE_ACLS));
    }

    @Override
    public ApiKeys apiKey() {
        return api;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, AbstractRequest request, ClientInfo client) {
        if (api == ApiKeys.DESCRIBE_ACLS) {
            return CompletableFuture.completedFuture(new DescribeAclsResponse(new DescribeAclsResponseData()
                    .setErrorCode(Errors.SECURITY_DISABLED.code()).setErrorMessage(NO_AUTHORIZER_ON_BROKER),
                    header.apiVersion()));
        }
        return CompletableFuture.completedFuture(request.getErrorResponse(0,
                new SecurityDisabledException(NO_AUTHORIZER)));
    }
}
