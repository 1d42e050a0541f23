package io.potok.broker.config;

import io.potok.metadata.config.InvalidConfigValueException;
import java.util.ArrayList;
import java.util.List;

/** One listener, {@code NAME://host:port}. An empty host means every interface. */
public record Endpoint(String listenerName, String host, int port) {

    /** Parses a comma-separated listener list such as {@code PLAINTEXT://127.0.0.1:9092,CONTROLLER://:9093}. */
    public static List<Endpoint> parseList(String key, String value) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String part : value.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            int scheme = s.indexOf("://");
            int colon = s.lastIndexOf(':');
            if (scheme <= 0 || colon <= scheme + 2) {
                throw new InvalidConfigValueException(key, value, "expected NAME://host:port, e.g. PLAINTEXT://127.0.0.1:9092");
            }
            String host = s.substring(scheme + 3, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new InvalidConfigValueException(key, value, "the port must be a number in [0,...,65535]");
            }
            if (port < 0 || port > 65535) {
                throw new InvalidConfigValueException(key, value, "the port must be in [0,...,65535]");
            }
            endpoints.add(new Endpoint(s.substring(0, scheme), host, port));
        }
        if (endpoints.isEmpty()) {
            throw new InvalidConfigValueException(key, value, "at least one listener is required");
        }
        return endpoints;
    }

    @Override
    public String toString() {
        return listenerName + "://" + host + ":" + port;
    }
}
