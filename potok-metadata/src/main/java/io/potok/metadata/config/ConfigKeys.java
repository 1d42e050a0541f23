package io.potok.metadata.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** A small builder-style catalogue of {@link ConfigKey}s, shared by topic and broker configs. */
public final class ConfigKeys {
    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

    public ConfigKeys define(String name, ConfigType type, String defaultValue, String allowed,
                             Predicate<Object> validator, String doc) {
        keys.put(name, new ConfigKey(name, type, Optional.ofNullable(defaultValue), allowed, validator, doc));
        return this;
    }

    public ConfigKeys define(String name, ConfigType type, String defaultValue, String doc) {
        return define(name, type, defaultValue, "any " + type.name().toLowerCase(java.util.Locale.ROOT), v -> true, doc);
    }

    public Optional<ConfigKey> get(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    public Collection<ConfigKey> all() {
        return keys.values();
    }

    public Set<String> names() {
        return keys.keySet();
    }

    // Validators used by many keys.
    public static Predicate<Object> atLeast(long min) {
        return v -> ((Number) v).doubleValue() >= min;
    }

    public static Predicate<Object> between(double min, double max) {
        return v -> ((Number) v).doubleValue() >= min && ((Number) v).doubleValue() <= max;
    }

    public static Predicate<Object> oneOf(String... values) {
        List<String> allowed = List.of(values);
        return v -> allowed.contains(v.toString().trim());
    }

    @SuppressWarnings("unchecked")
    public static Predicate<Object> listOf(String... values) {
        List<String> allowed = List.of(values);
        return v -> ((List<String>) v).stream().allMatch(allowed::contains);
    }
}
