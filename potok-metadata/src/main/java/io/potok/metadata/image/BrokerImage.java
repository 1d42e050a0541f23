package io.potok.metadata.image;

import java.util.Optional;

/** A registered broker and where clients reach it. Immutable. */
public record BrokerImage(int id, String host, int port, Optional<String> rack, boolean fenced) {
}
