package io.potok.storage;

import org.apache.kafka.common.errors.RetriableException;

/** A follower append whose first offset is not past the log end offset (replica state diverged). */
public final class UnexpectedAppendOffsetException extends RetriableException {
    private static final long serialVersionUID = 1L;
    private final long firstOffset;
    private final long logEndOffset;

    public UnexpectedAppendOffsetException(String message, long firstOffset, long logEndOffset) {
        super(message);
        this.firstOffset = firstOffset;
        this.logEndOffset = logEndOffset;
    }

    public long firstOffset() {
        return firstOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }
}
