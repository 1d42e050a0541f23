package io.potok.metadata.quota;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who a client quota applies to, as Kafka names it: one or more components, each an entity type ({@code user},
 * {@code client-id}, {@code ip}) with a name, or empty for that type's default ({@code --entity-default}).
 * Immutable; components are kept in type order.
 */
public record ClientQuotaEntity(Map<String, Optional<String>> components) {
    public static final String USER = "user";
    public static final String CLIENT_ID = "client-id";
    public static final String IP = "ip";
    /** The entity types Kafka knows. */
    public static final java.util.Set<String> TYPES = java.util.Set.of(USER, CLIENT_ID, IP);

    public ClientQuotaEntity {
        components = Collections.unmodifiableMap(new TreeMap<>(components));
    }

    public static ClientQuotaEntity of(String type, Optional<String> name) {
        return new ClientQuotaEntity(Map.of(type, name));
    }

    /**
     * The entity as one metadata resource string: {@code type[=name]} per component, joined by {@code /}, names
     * URL-encoded (so any client id fits) and absent for a default.
     */
    public String toResource() {
        StringBuilder sb = new StringBuilder();
        components.forEach((type, name) -> {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(type);
            name.ifPresent(n -> sb.append('=').append(URLEncoder.encode(n, StandardCharsets.UTF_8)));
        });
        return sb.toString();
    }

    /** @throws IllegalArgumentException if {@code resource} is not of the form {@link #toResource} writes */
    public static ClientQuotaEntity fromResource(String resource) {
        Map<String, Optional<String>> components = new TreeMap<>();
        for (String part : resource.split("/", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("Bad client quota entity '" + resource + "'");
            }
            int eq = part.indexOf('=');
            String type = eq < 0 ? part : part.substring(0, eq);
            Optional<String> name = eq < 0 ? Optional.empty()
                    : Optional.of(URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            if (components.put(type, name) != null) {
                throw new IllegalArgumentException("Entity type " + type + " twice in '" + resource + "'");
            }
        }
        return new ClientQuotaEntity(components);
    }

    @Override
    public String toString() {
        return toResource();
    }
}
