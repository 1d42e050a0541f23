package io.potok.broker.config;

import io.potok.metadata.config.ConfigKey;
import io.potok.metadata.config.ConfigType;
import io.potok.metadata.config.InvalidConfigValueException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Which broker keys can change at runtime (Kafka 4.4's dynamic broker configs) and the rules a new
 * value must follow, so that IncrementalAlterConfigs and AlterConfigs on a BROKER resource accept and
 * refuse what Kafka accepts and refuses.
 *
 * <p>A dynamic value is stored in the cluster metadata either for one broker (resource = its id)
 * or as the cluster-wide default (resource = ""); DescribeConfigs reports it with source
 * DYNAMIC_BROKER_CONFIG or DYNAMIC_DEFAULT_BROKER_CONFIG. As in Kafka: a key Kafka or Potok knows
 * but cannot change at runtime is refused ({@code Cannot update these configs dynamically}), a
 * per-broker key (listeners, SSL/SASL) is refused at the cluster default, and a key neither knows is
 * stored as given (it may be a plugin's). Immutable and thread-safe.
 */
public final class DynamicBrokerConfigs {

    /** Whether a dynamic key may be set cluster-wide or only for one broker. */
    public enum Mode { PER_BROKER, CLUSTER_WIDE }

    /** One dynamic key as Kafka defines it. */
    public record DynamicKey(String name, Mode mode, ConfigType type, String rule) {
    }

    private static final Map<String, DynamicKey> KEYS = load();

    private DynamicBrokerConfigs() {
    }

    public static boolean isDynamic(String name) {
        return KEYS.containsKey(name);
    }

    public static Optional<DynamicKey> key(String name) {
        return Optional.ofNullable(KEYS.get(name));
    }

    /** True for a key Kafka or Potok knows; unknown keys are stored as given, like Kafka does. */
    public static boolean isKnown(String name) {
        return KEYS.containsKey(name) || BrokerConfigs.KEYS.get(name).isPresent()
                || BrokerConfigs.KAFKA_DEFAULTS.containsKey(name);
    }

    /** The key's type: Potok's when it implements the key, else Kafka's; empty for an unknown key. */
    public static Optional<ConfigType> type(String name) {
        Optional<ConfigType> potok = BrokerConfigs.KEYS.get(name).map(ConfigKey::type);
        return potok.isPresent() ? potok : key(name).map(DynamicKey::type);
    }

    /** Values of this key are hidden in DescribeConfigs (passwords, and keys nobody knows, as Kafka does). */
    public static boolean isSensitive(String name) {
        return !isKnown(name) || key(name).map(k -> k.type() == ConfigType.PASSWORD).orElse(false);
    }

    /**
     * Checks a change set for one BROKER resource ({@code clusterDefault} for resource ""). The
     * value {@code Optional.empty()} deletes the key, which is always allowed. Kafka's order: keys
     * that are not dynamic, then per-broker keys at the cluster level, then each value.
     *
     * @throws InvalidRequestException with Kafka's message (Kafka answers INVALID_REQUEST for broker configs)
     */
    public static void validate(Map<String, Optional<String>> changes, boolean clusterDefault) {
        List<String> notDynamic = new ArrayList<>();
        List<String> perBroker = new ArrayList<>();
        changes.forEach((name, value) -> {
            if (value.isEmpty()) {
                return;
            }
            if (isKnown(name) && !isDynamic(name)) {
                notDynamic.add(name);
            } else if (clusterDefault && key(name).map(k -> k.mode() == Mode.PER_BROKER).orElse(false)) {
                perBroker.add(name);
            }
        });
        if (!notDynamic.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs dynamically: " + notDynamic);
        }
        if (!perBroker.isEmpty()) {
            throw new InvalidRequestException(
                    "Cannot update these configs at default cluster level, broker id must be specified: " + perBroker);
        }
        changes.forEach((name, value) -> value.ifPresent(v -> {
            try {
                validateValue(name, v);
            } catch (InvalidConfigValueException e) {
                throw new InvalidRequestException(e.getMessage());
            }
        }));
    }

    /** Thread counts that Kafka lets change at most to half or double in one step (DynamicThreadPool, SocketServer). */
    static final java.util.Set<String> THREAD_COUNTS = java.util.Set.of("num.io.threads", "num.network.threads",
            "num.replica.fetchers", "num.recovery.threads.per.data.dir", "background.threads");

    /**
     * Kafka's rule for thread counts: a new value must be at least 1, at least half the current value and at most
     * double it (integer halves, as Kafka computes them). {@code current} gives this broker's effective value; a key
     * without one is not checked.
     *
     * @throws InvalidRequestException with Kafka's message
     */
    public static void validateThreadCounts(Map<String, Optional<String>> changes,
                                            java.util.function.Function<String, Optional<String>> current) {
        changes.forEach((name, value) -> {
            if (value.isEmpty() || !THREAD_COUNTS.contains(name)) {
                return;
            }
            int newValue;
            int oldValue;
            try {
                newValue = Integer.parseInt(value.get().trim());
                Optional<String> now = current.apply(name);
                if (now.isEmpty()) {
                    return;
                }
                oldValue = Integer.parseInt(now.get().trim());
            } catch (NumberFormatException e) {
                return; // the type check reports a value that is not a number
            }
            if (newValue == oldValue) {
                return;
            }
            String error = "Dynamic thread count update validation failed for " + name + "=" + value.get();
            if (newValue <= 0) {
                throw new InvalidRequestException(error + ", value should be at least 1");
            }
            if (newValue < oldValue / 2) {
                throw new InvalidRequestException(error + ", value should be at least half the current value " + oldValue);
            }
            if (newValue > oldValue * 2) {
                throw new InvalidRequestException(error + ", value should not be greater than double the current value "
                        + oldValue);
            }
        });
    }

    /**
     * Checks {@code value} with Kafka's type and validator (and Kafka's message), then with Potok's
     * rule for a key Potok implements, which may be narrower. Unknown keys are stored as given.
     */
    static void validateValue(String name, String value) {
        DynamicKey key = KEYS.get(name);
        if (key != null) {
            Object parsed;
            try {
                parsed = key.type().parse(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigValueException(name, value, key.type() == ConfigType.BOOLEAN
                        ? "Expected value to be either true or false" : "Not a number of type " + key.type().name());
            }
            checkRule(name, value, key.rule(), parsed);
        }
        BrokerConfigs.KEYS.get(name).ifPresent(potok -> potok.parse(value));
    }

    /** Kafka's validator strings: {@code [a,...]}, {@code [a,...,b]}, {@code [x, y]} and {@code RULE or V}. */
    private static void checkRule(String name, String raw, String rule, Object parsed) {
        if (rule.isEmpty()) {
            return;
        }
        String main = rule;
        String alternative = null;
        int or = rule.indexOf(" or ");
        if (or > 0) {
            main = rule.substring(0, or);
            alternative = rule.substring(or + 4).trim();
        }
        if (alternative != null && raw.trim().equals(alternative)) {
            return;
        }
        String body = main.substring(1, main.length() - 1);
        if (body.contains("...")) {
            String[] bounds = body.split(",");
            double v = ((Number) parsed).doubleValue();
            double min = Double.parseDouble(bounds[0].trim());
            if (v < min) {
                throw new InvalidConfigValueException(name, raw, "Value must be at least " + bounds[0].trim());
            }
            if (bounds.length == 3 && v > Double.parseDouble(bounds[2].trim())) {
                throw new InvalidConfigValueException(name, raw, "Value must be no more than " + bounds[2].trim());
            }
            return;
        }
        List<String> allowed = Arrays.stream(body.split(",")).map(String::trim).toList();
        List<?> values = parsed instanceof List<?> list ? list : List.of(parsed.toString().trim());
        for (Object v : values) {
            if (!allowed.contains(v.toString())) {
                throw new InvalidConfigValueException(name, raw, "String must be one of: " + String.join(", ", allowed));
            }
        }
    }

    private static Map<String, DynamicKey> load() {
        Map<String, DynamicKey> keys = new LinkedHashMap<>();
        try (InputStream in = DynamicBrokerConfigs.class.getResourceAsStream("kafka-4.4-dynamic-broker-configs.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                Mode mode = f[1].equals("per-broker") ? Mode.PER_BROKER : Mode.CLUSTER_WIDE;
                String kafkaType = f[2].toUpperCase(Locale.ROOT);
                ConfigType type = kafkaType.equals("SHORT") ? ConfigType.INT : ConfigType.valueOf(kafkaType);
                String rule = f.length > 3 ? f[3].replace('_', ' ') : "";
                keys.put(f[0], new DynamicKey(f[0], mode, type, rule));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(keys);
    }
}
