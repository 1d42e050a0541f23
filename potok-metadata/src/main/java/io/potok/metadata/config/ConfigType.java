package io.potok.metadata.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Value types of Kafka configs, with parsing that names what is allowed when it fails. */
public enum ConfigType {
    BOOLEAN, INT, LONG, DOUBLE, STRING, LIST, CLASS, PASSWORD;

    /** Returns the parsed value or throws {@link IllegalArgumentException} with a reason. */
    public Object parse(String raw) {
        String value = raw.trim();
        try {
            return switch (this) {
                case BOOLEAN -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException("expected true or false");
                    }
                    yield Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
                }
                case INT -> Integer.parseInt(value);
                case LONG -> Long.parseLong(value);
                case DOUBLE -> Double.parseDouble(value);
                case LIST -> value.isEmpty() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
                case STRING, CLASS, PASSWORD -> raw;
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + (this == INT ? "a 32-bit integer"
                    : this == LONG ? "a 64-bit integer" : "a number"));
        }
    }

    /** Kafka's DescribeConfigs type code name. */
    public String kafkaName() {
        return name();
    }
}
