package io.potok.broker.config;

import io.potok.metadata.config.ConfigKey;
import io.potok.metadata.config.ConfigType;
import io.potok.metadata.config.TopicConfigs;
import io.potok.metadata.image.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * Computes the effective configs of topics and of this broker with Kafka's source rules. A value
 * comes from the first layer that sets it: the topic override, then for the broker keys that stand
 * for a topic key, the dynamic config of this broker, the dynamic cluster-wide default, the static
 * config ({@code server.properties}, {@code --set}) and Kafka's default.
 *
 * <p>Synonyms are listed as Kafka lists them: layer by layer, each layer in the synonym keys' order
 * (for {@code retention.ms}: {@code log.retention.ms}, {@code .minutes}, {@code .hours}), and the
 * leading entries that are not the primary key dropped, so that {@code kafka-configs --describe}
 * prints the same lines for Potok as for Kafka.
 *
 * <p>Thread-safe: each call reads one metadata image.
 */
public final class ConfigDescriber {
    /** The cluster-wide default of dynamic broker configs in the metadata image. */
    public static final String CLUSTER_DEFAULT = "";

    private final BrokerConfig broker;
    private final Supplier<MetadataImage> image;

    /** Static configs only (no dynamic broker configs). */
    public ConfigDescriber(BrokerConfig broker) {
        this(broker, () -> null);
    }

    public ConfigDescriber(BrokerConfig broker, Supplier<MetadataImage> image) {
        this.broker = broker;
        this.image = image;
    }

    public List<ConfigEntry> topic(Map<String, String> overrides) {
        Layers layers = layers();
        List<ConfigEntry> entries = new ArrayList<>();
        for (ConfigKey key : TopicConfigs.KEYS.all()) {
            List<String> brokerKeys = TopicConfigs.BROKER_SYNONYMS.getOrDefault(key.name(), List.of());
            List<ConfigEntry.Synonym> fromBroker = brokerKeys.isEmpty() ? List.of()
                    : synonyms(layers, brokerKeys.get(0), brokerKeys);
            List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
            String override = overrides.get(key.name());
            if (override != null) {
                synonyms.add(new ConfigEntry.Synonym(key.name(), override, ConfigSource.TOPIC_CONFIG));
            }
            synonyms.addAll(fromBroker);
            String value;
            ConfigSource source;
            if (override != null) {
                value = override;
                source = ConfigSource.TOPIC_CONFIG;
            } else if (!fromBroker.isEmpty()) {
                ConfigEntry.Synonym first = fromBroker.get(0);
                value = TopicConfigs.fromBrokerValue(first.name(), first.value()).orElse(first.value());
                source = first.source();
            } else {
                value = brokerKeys.stream()
                        .map(k -> layers.effective(k).flatMap(v -> TopicConfigs.fromBrokerValue(k, v)))
                        .flatMap(Optional::stream).findFirst().orElse(key.defaultValue().orElse(null));
                source = ConfigSource.DEFAULT_CONFIG;
            }
            entries.add(new ConfigEntry(key.name(), value, source, false, key.type(), synonyms));
        }
        return entries;
    }

    /**
     * The value every topic key takes for a topic without overrides on this node, dynamic broker
     * configs included: what the storage engine should use as topic defaults. With no dynamic
     * configs it equals {@link BrokerConfig#topicDefaults()}.
     */
    public Map<String, String> topicDefaults() {
        Map<String, String> defaults = new java.util.HashMap<>();
        for (ConfigEntry e : topic(Map.of())) {
            if (e.value() != null) {
                defaults.put(e.name(), e.value());
            }
        }
        return defaults;
    }

    /** Every broker key Kafka or Potok knows, plus dynamic keys of this broker, with their value on this node. */
    public List<ConfigEntry> broker() {
        Layers layers = layers();
        Map<String, ConfigEntry> entries = new TreeMap<>();
        List<String> names = new ArrayList<>(BrokerConfigs.KAFKA_DEFAULTS.keySet());
        BrokerConfigs.KEYS.all().forEach(k -> names.add(k.name()));
        names.addAll(broker.explicit().keySet());
        names.addAll(layers.dynamicBroker().keySet());
        names.addAll(layers.dynamicDefault().keySet());
        for (String name : names) {
            if (entries.containsKey(name)) {
                continue;
            }
            List<ConfigEntry.Synonym> synonyms = synonyms(layers, name, synonymGroup(name));
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            String value = synonyms.isEmpty() ? null : synonyms.get(0).value();
            entries.put(name, entry(name, value, source, synonyms));
        }
        return new ArrayList<>(entries.values());
    }

    /** The dynamic cluster-wide defaults (broker resource ""), each its own only synonym, as Kafka answers. */
    /** This broker's value of {@code key} now: per-broker dynamic, cluster-wide dynamic, static, then the default. */
    public Optional<String> brokerValue(String key) {
        return layers().effective(key);
    }

    public List<ConfigEntry> brokerDefaults() {
        Map<String, ConfigEntry> entries = new TreeMap<>();
        layers().dynamicDefault().forEach((name, value) -> entries.put(name, entry(name, value,
                ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                List.of(new ConfigEntry.Synonym(name, value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)))));
        return new ArrayList<>(entries.values());
    }

    private static ConfigEntry entry(String name, String value, ConfigSource source, List<ConfigEntry.Synonym> synonyms) {
        boolean sensitive = DynamicBrokerConfigs.isSensitive(name);
        ConfigType type = DynamicBrokerConfigs.type(name).orElse(ConfigType.STRING);
        List<ConfigEntry.Synonym> shown = sensitive
                ? synonyms.stream().map(s -> new ConfigEntry.Synonym(s.name(), null, s.source())).toList() : synonyms;
        return new ConfigEntry(name, sensitive ? null : value, source, !DynamicBrokerConfigs.isDynamic(name), type,
                shown, sensitive);
    }

    /**
     * Kafka's synonyms of a broker key: every layer that sets one of {@code group}, layer by layer,
     * from the first entry for {@code name} on.
     */
    private static List<ConfigEntry.Synonym> synonyms(Layers layers, String name, List<String> group) {
        List<ConfigEntry.Synonym> all = new ArrayList<>();
        addLayer(all, group, layers.dynamicBroker(), ConfigSource.DYNAMIC_BROKER_CONFIG);
        addLayer(all, group, layers.dynamicDefault(), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        addLayer(all, group, layers.staticConfig(), ConfigSource.STATIC_BROKER_CONFIG);
        for (String key : group) {
            defaultValue(key).ifPresent(v -> all.add(new ConfigEntry.Synonym(key, v, ConfigSource.DEFAULT_CONFIG)));
        }
        int first = 0;
        while (first < all.size() && !all.get(first).name().equals(name)) {
            first++;
        }
        return List.copyOf(all.subList(first, all.size()));
    }

    private static void addLayer(List<ConfigEntry.Synonym> out, List<String> group, Map<String, String> layer,
                                 ConfigSource source) {
        for (String key : group) {
            String value = layer.get(key);
            if (value != null) {
                out.add(new ConfigEntry.Synonym(key, value, source));
            }
        }
    }

    /** The broker keys that mean the same setting in other units ({@code log.retention.ms/minutes/hours}). */
    private static List<String> synonymGroup(String name) {
        for (List<String> group : TopicConfigs.BROKER_SYNONYMS.values()) {
            if (group.size() > 1 && group.contains(name)) {
                return group;
            }
        }
        return List.of(name);
    }

    /** Potok's default for a key it implements, else the default Kafka reports; empty when there is none. */
    private static Optional<String> defaultValue(String key) {
        Optional<ConfigKey> potok = BrokerConfigs.KEYS.get(key);
        if (potok.isPresent()) {
            return potok.get().defaultValue();
        }
        String kafka = BrokerConfigs.KAFKA_DEFAULTS.get(key);
        return kafka == null || kafka.startsWith("(") || kafka.equals("null") ? Optional.empty() : Optional.of(kafka);
    }

    private Layers layers() {
        MetadataImage current = image.get();
        Map<String, String> dynamicBroker = current == null ? Map.of()
                : current.brokerConfigs(Integer.toString(broker.nodeId()));
        Map<String, String> dynamicDefault = current == null ? Map.of() : current.brokerConfigs(CLUSTER_DEFAULT);
        return new Layers(dynamicBroker, dynamicDefault, broker.explicit());
    }

    /** The config layers of one call, highest priority first (Kafka's defaults come last). */
    private record Layers(Map<String, String> dynamicBroker, Map<String, String> dynamicDefault,
                          Map<String, String> staticConfig) {
        Optional<String> effective(String key) {
            if (dynamicBroker.containsKey(key)) {
                return Optional.of(dynamicBroker.get(key));
            }
            if (dynamicDefault.containsKey(key)) {
                return Optional.of(dynamicDefault.get(key));
            }
            if (staticConfig.containsKey(key)) {
                return Optional.of(staticConfig.get(key));
            }
            return defaultValue(key);
        }
    }
}
