package io.potok.storage.index;

import java.io.IOException;

/** An index file failed its sanity check and must be rebuilt from the segment's log file. */
public final class CorruptIndexException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptIndexException(String message) {
        super(message);
    }
}
