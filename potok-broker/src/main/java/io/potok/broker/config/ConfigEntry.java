package io.potok.broker.config;

import io.potok.metadata.config.ConfigType;
import java.util.List;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * One config as DescribeConfigs reports it: value, where it came from, and what it overrides. A
 * sensitive entry (a password, or a dynamic key nobody knows) has a null value, as in Kafka.
 */
public record ConfigEntry(String name, String value, ConfigSource source, boolean readOnly, ConfigType type,
                          List<Synonym> synonyms, boolean sensitive) {

    public ConfigEntry(String name, String value, ConfigSource source, boolean readOnly, ConfigType type,
                       List<Synonym> synonyms) {
        this(name, value, source, readOnly, type, synonyms, false);
    }

    public record Synonym(String name, String value, ConfigSource source) {
    }
}
