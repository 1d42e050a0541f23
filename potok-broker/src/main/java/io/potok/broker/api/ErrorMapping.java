package io.potok.broker.api;

import io.potok.metadata.config.InvalidConfigValueException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become Kafka error codes. */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    public static ApiError toApiError(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof InvalidConfigValueException || cause instanceof ConfigException) {
            return new ApiError(Errors.INVALID_CONFIG, cause.getMessage());
        }
        if (cause instanceof ApiException) {
            return new ApiError(Errors.forException(cause), cause.getMessage());
        }
        log.error("Unexpected error while handling a request", cause);
        return new ApiError(Errors.UNKNOWN_SERVER_ERROR, cause.toString());
    }

    public static Errors toError(Throwable t) {
        return toApiError(t).error();
    }

    public static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
