package io.potok.broker.config;

import io.potok.metadata.config.ConfigType;
import java.util.List;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/** One config as DescribeConfigs reports it: value, where it came from, and what it overrides. */
public record ConfigEntry(String name, String value, ConfigSource source, boolean readOnly, ConfigType type,
                          List<Synonym> synonyms) {

    public record Synonym(String name, String value, ConfigSource source) {
    }
}
