package io.potok.broker.config;

import io.potok.metadata.config.ConfigKey;
import io.potok.metadata.config.ConfigType;
import io.potok.metadata.config.TopicConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * Computes the effective configs of topics and of this broker with Kafka's source rules: a topic
 * override beats a broker setting, which beats the default.
 */
public final class ConfigDescriber {
    private final BrokerConfig broker;

    public ConfigDescriber(BrokerConfig broker) {
        this.broker = broker;
    }

    public List<ConfigEntry> topic(Map<String, String> overrides) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (ConfigKey key : TopicConfigs.KEYS.all()) {
            List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
            String override = overrides.get(key.name());
            if (override != null) {
                synonyms.add(new ConfigEntry.Synonym(key.name(), override, ConfigSource.TOPIC_CONFIG));
            }
            Optional<BrokerConfig.BrokerSynonym> fromBroker = broker.brokerSynonymValue(key.name());
            fromBroker.ifPresent(s -> synonyms.add(new ConfigEntry.Synonym(s.brokerKey(),
                    broker.explicit().get(s.brokerKey()), ConfigSource.STATIC_BROKER_CONFIG)));
            String defaultValue = key.defaultValue().orElse(null);
            List<String> brokerKeys = TopicConfigs.BROKER_SYNONYMS.getOrDefault(key.name(), List.of());
            if (!brokerKeys.isEmpty()) {
                synonyms.add(new ConfigEntry.Synonym(brokerKeys.get(0), defaultValue, ConfigSource.DEFAULT_CONFIG));
            }
            String value;
            ConfigSource source;
            if (override != null) {
                value = override;
                source = ConfigSource.TOPIC_CONFIG;
            } else if (fromBroker.isPresent()) {
                value = fromBroker.get().value();
                source = ConfigSource.STATIC_BROKER_CONFIG;
            } else {
                value = defaultValue;
                source = ConfigSource.DEFAULT_CONFIG;
            }
            entries.add(new ConfigEntry(key.name(), value, source, false, key.type(), synonyms));
        }
        return entries;
    }

    /** Every broker key Kafka or Potok knows, with its value on this node. */
    public List<ConfigEntry> broker() {
        Map<String, ConfigEntry> entries = new TreeMap<>();
        BrokerConfigs.KAFKA_DEFAULTS.forEach((name, kafkaDefault) -> entries.put(name,
                entry(name, kafkaDefault.startsWith("(") || kafkaDefault.equals("null") ? null : kafkaDefault,
                        ConfigType.STRING)));
        for (ConfigKey key : BrokerConfigs.KEYS.all()) {
            entries.put(key.name(), entry(key.name(), key.defaultValue().orElse(null), key.type()));
        }
        broker.explicit().forEach((name, value) -> {
            if (!entries.containsKey(name)) {
                entries.put(name, entry(name, null, ConfigType.STRING));
            }
        });
        return new ArrayList<>(entries.values());
    }

    private ConfigEntry entry(String name, String defaultValue, ConfigType type) {
        List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
        String explicit = broker.explicit().get(name);
        if (explicit != null) {
            synonyms.add(new ConfigEntry.Synonym(name, explicit, ConfigSource.STATIC_BROKER_CONFIG));
        }
        if (defaultValue != null) {
            synonyms.add(new ConfigEntry.Synonym(name, defaultValue, ConfigSource.DEFAULT_CONFIG));
        }
        return explicit != null
                ? new ConfigEntry(name, explicit, ConfigSource.STATIC_BROKER_CONFIG, true, type, synonyms)
                : new ConfigEntry(name, defaultValue, ConfigSource.DEFAULT_CONFIG, true, type, synonyms);
    }
}
