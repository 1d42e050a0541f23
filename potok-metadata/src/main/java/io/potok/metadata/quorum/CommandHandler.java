package io.potok.metadata.quorum;

import java.util.concurrent.CompletableFuture;

/** Answers commands forwarded to this node while it is the active controller. */
@FunctionalInterface
public interface CommandHandler {
    /** {@code command} is an encoded controller command; the reply is an encoded controller reply. */
    CompletableFuture<byte[]> handle(byte[] command);
}
