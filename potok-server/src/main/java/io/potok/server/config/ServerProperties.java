package io.potok.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads a Kafka-style {@code server.properties} and applies {@code --set key=value} overrides on top. */
public final class ServerProperties {
    private ServerProperties() {
    }

    public static Map<String, String> load(Path file, List<String> overrides) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("Config file " + file + " does not exist or is not readable");
            }
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            }
            props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k)));
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set expects key=value, got '" + override + "'");
            }
            values.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return values;
    }
}
