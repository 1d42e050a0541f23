package io.potok.metadata.quota;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kafka's client quota keys and the rules AlterClientQuotas checks them by: which entity combinations exist, which
 * keys each takes, and what values are allowed. The messages are Kafka's.
 */
public final class ClientQuotaKeys {
    public static final String PRODUCER_BYTE_RATE = "producer_byte_rate";
    public static final String CONSUMER_BYTE_RATE = "consumer_byte_rate";
    public static final String REQUEST_PERCENTAGE = "request_percentage";
    public static final String CONTROLLER_MUTATION_RATE = "controller_mutation_rate";
    public static final String CONNECTION_CREATION_RATE = "connection_creation_rate";

    private enum Kind { LONG, DOUBLE, INT }

    private static final Map<String, Kind> CLIENT_KEYS = Map.of(
            PRODUCER_BYTE_RATE, Kind.LONG,
            CONSUMER_BYTE_RATE, Kind.LONG,
            REQUEST_PERCENTAGE, Kind.DOUBLE,
            CONTROLLER_MUTATION_RATE, Kind.DOUBLE);
    private static final Map<String, Kind> IP_KEYS = Map.of(CONNECTION_CREATION_RATE, Kind.INT);

    private ClientQuotaKeys() {
    }

    /**
     * Why the entity cannot carry quotas, or empty: it must be {@code user}, {@code client-id}, both, or {@code ip}
     * alone.
     */
    public static Optional<String> entityError(ClientQuotaEntity entity) {
        Set<String> types = entity.components().keySet();
        for (String type : types) {
            if (!ClientQuotaEntity.TYPES.contains(type)) {
                return Optional.of("Unhandled client quota entity type: " + type);
            }
        }
        if (types.isEmpty()) {
            return Optional.of("Invalid empty client quota entity");
        }
        if (types.contains(ClientQuotaEntity.IP) && types.size() > 1) {
            return Optional.of("Invalid quota entity combination, IP entity should not be combined with User or "
                    + "ClientId entities.");
        }
        Optional<String> ip = entity.components().get(ClientQuotaEntity.IP);
        if (ip != null && ip.isPresent() && !isIpAddress(ip.get())) {
            return Optional.of(ip.get() + " is not a valid IP or resolvable host.");
        }
        return Optional.empty();
    }

    /** Why {@code key = value} (null: remove) is refused for the entity, or empty. */
    public static Optional<String> valueError(ClientQuotaEntity entity, String key, Double value) {
        boolean ipEntity = entity.components().containsKey(ClientQuotaEntity.IP);
        Kind kind = (ipEntity ? IP_KEYS : CLIENT_KEYS).get(key);
        if (kind == null) {
            return Optional.of("Invalid configuration key " + key);
        }
        if (value == null) {
            return Optional.empty();
        }
        if (value.isNaN() || value <= 0) {
            return Optional.of("Illegal value " + value + " for quota " + key + ": must be positive");
        }
        if (kind != Kind.DOUBLE && value != Math.floor(value)) {
            return Optional.of("Configuration " + key + " must be a " + (kind == Kind.LONG ? "Long" : "Integer")
                    + " value");
        }
        return Optional.empty();
    }

    private static boolean isIpAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
