package io.potok.metadata.config;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * One config key: its Kafka name, type, default and the rule its values must follow.
 *
 * @param defaultValue Kafka's default as a string; empty when the key has none
 * @param allowed      describes the valid values for error messages (for example "[1,...]")
 */
public record ConfigKey(String name, ConfigType type, Optional<String> defaultValue, String allowed,
                        Predicate<Object> validator, String documentation) {

    /** Parses and validates {@code raw}; the exception message names the key, the value and what is allowed. */
    public Object parse(String raw) {
        Object value;
        try {
            value = type.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigValueException(name, raw, e.getMessage());
        }
        if (!validator.test(value)) {
            throw new InvalidConfigValueException(name, raw, "allowed: " + allowed);
        }
        return value;
    }
}
