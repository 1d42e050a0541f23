package io.potok.broker.group;

import io.potok.broker.api.ErrorMapping;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/**
 * Turns a failed write to {@code __consumer_offsets} into the error a group client understands, as
 * Kafka does: storage and replication trouble means "find the coordinator again", a record that is
 * too big is the request's fault.
 */
final class AppendErrors {
    private AppendErrors() {
    }

    /** For writes of group state (JoinGroup, SyncGroup, heartbeats, deletions). */
    static ApiException forGroupWrite(Throwable t) {
        Errors error = common(t);
        if (error == Errors.MESSAGE_TOO_LARGE || error == Errors.RECORD_LIST_TOO_LARGE
                || error == Errors.INVALID_FETCH_SIZE) {
            return Errors.UNKNOWN_SERVER_ERROR.exception("The group record is too large: " + t.getMessage());
        }
        return error.exception(ErrorMapping.unwrap(t).getMessage());
    }

    /** For offset commits. */
    static ApiException forOffsetCommit(Throwable t) {
        Errors error = common(t);
        if (error == Errors.MESSAGE_TOO_LARGE || error == Errors.RECORD_LIST_TOO_LARGE
                || error == Errors.INVALID_FETCH_SIZE) {
            return Errors.INVALID_COMMIT_OFFSET_SIZE.exception();
        }
        return error.exception(ErrorMapping.unwrap(t).getMessage());
    }

    private static Errors common(Throwable t) {
        Errors error = ErrorMapping.toError(t);
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> error;
        };
    }
}
