package io.potok.broker.config;

import io.potok.metadata.config.ConfigKey;
import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.config.TopicConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's typed, validated configuration under Kafka's key names. Immutable.
 *
 * <p>Values come from {@code server.properties} and {@code --set} overrides. A bad value of a key
 * Potok implements fails construction with the key, the value and what is allowed; a key neither
 * Potok nor Kafka knows is reported in {@link #unknownKeys()} so the caller can warn, as Kafka does.
 */
public final class BrokerConfig {
    private final Map<String, String> explicit;
    private final Map<String, Object> parsed;
    private final List<String> unknownKeys;
    private final Endpoint listener;
    private final Endpoint advertised;

    private BrokerConfig(Map<String, String> explicit, Map<String, Object> parsed, List<String> unknownKeys) {
        this.explicit = Map.copyOf(explicit);
        this.parsed = Map.copyOf(parsed);
        this.unknownKeys = List.copyOf(unknownKeys);
        this.listener = clientListener("listeners", string("listeners"));
        this.advertised = explicit.containsKey("advertised.listeners")
                ? clientListener("advertised.listeners", string("advertised.listeners"))
                : new Endpoint(listener.listenerName(), listener.host().isEmpty() || listener.host().equals("0.0.0.0")
                        ? "127.0.0.1" : listener.host(), listener.port());
        List<io.potok.metadata.quorum.Voter> voters = quorumVoters(); // validates controller.quorum.voters
        if (!voters.isEmpty() && isController() && voters.stream().noneMatch(v -> v.id() == nodeId())) {
            throw new InvalidConfigValueException("controller.quorum.voters", string("controller.quorum.voters"),
                    "this node (node.id=" + nodeId() + ") runs a controller, so it must be one of the voters");
        }
    }

    public static BrokerConfig parse(Map<String, String> raw) {
        Map<String, String> explicit = new LinkedHashMap<>();
        raw.forEach((k, v) -> explicit.put(BrokerConfigs.ALIASES.getOrDefault(k.trim(), k.trim()), v.trim()));
        Map<String, Object> parsed = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (ConfigKey key : BrokerConfigs.KEYS.all()) {
            String value = explicit.containsKey(key.name()) ? explicit.get(key.name()) : key.defaultValue().orElse(null);
            if (value != null) {
                parsed.put(key.name(), key.parse(value));
            }
        }
        for (String key : explicit.keySet()) {
            if (BrokerConfigs.KEYS.get(key).isEmpty() && !BrokerConfigs.KAFKA_DEFAULTS.containsKey(key)) {
                unknown.add(key);
            }
        }
        return new BrokerConfig(explicit, parsed, unknown);
    }

    /** Keys that neither Potok nor Kafka 4.4 knows. */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /** Keys set in the file or on the command line, as given. */
    public Map<String, String> explicit() {
        return explicit;
    }

    public int nodeId() {
        return (Integer) parsed.get("node.id");
    }

    public Endpoint listener() {
        return listener;
    }

    public Endpoint advertisedListener() {
        return advertised;
    }

    public List<Path> logDirs() {
        String dirs = explicit.containsKey("log.dirs") ? string("log.dirs") : string("log.dir");
        return Arrays.stream(dirs.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    /** Where the metadata log lives: metadata.log.dir, else the first log dir. */
    public Path metadataLogDir() {
        return Optional.ofNullable(string("metadata.log.dir")).map(Path::of).orElse(logDirs().get(0))
                .resolve("__potok_metadata");
    }

    public Optional<String> rack() {
        return Optional.ofNullable(string("broker.rack"));
    }

    public int numPartitions() {
        return intValue("num.partitions");
    }

    public short defaultReplicationFactor() {
        return (short) intValue("default.replication.factor");
    }

    public boolean autoCreateTopicsEnable() {
        return (Boolean) parsed.get("auto.create.topics.enable");
    }

    public boolean deleteTopicEnable() {
        return (Boolean) parsed.get("delete.topic.enable");
    }

    public int socketRequestMaxBytes() {
        return intValue("socket.request.max.bytes");
    }

    public int numIoThreads() {
        return intValue("num.io.threads");
    }

    public int numNetworkThreads() {
        return intValue("num.network.threads");
    }

    public int queuedMaxRequests() {
        return intValue("queued.max.requests");
    }

    public int numRecoveryThreadsPerDataDir() {
        return intValue("num.recovery.threads.per.data.dir");
    }

    public long longValue(String key) {
        return ((Number) parsed.get(key)).longValue();
    }

    public int intValue(String key) {
        return ((Number) parsed.get(key)).intValue();
    }

    public boolean booleanValue(String key) {
        return (Boolean) parsed.get(key);
    }

    /** The raw string value of a key Potok implements (explicit or default), or null. */
    public String string(String key) {
        if (explicit.containsKey(key)) {
            return explicit.get(key);
        }
        return BrokerConfigs.KEYS.get(key).flatMap(ConfigKey::defaultValue).orElse(null);
    }

    /**
     * The value each topic-level key takes for a topic without an override: the first broker
     * synonym that is set explicitly, else Kafka's topic default.
     */
    public Map<String, String> topicDefaults() {
        Map<String, String> defaults = new HashMap<>();
        for (ConfigKey key : TopicConfigs.KEYS.all()) {
            brokerSynonymValue(key.name()).map(BrokerSynonym::value)
                    .or(key::defaultValue)
                    .ifPresent(v -> defaults.put(key.name(), v));
        }
        return defaults;
    }

    /** The explicitly set broker key that supplies a topic key's default, with its value in the topic key's unit. */
    public Optional<BrokerSynonym> brokerSynonymValue(String topicKey) {
        for (String brokerKey : TopicConfigs.BROKER_SYNONYMS.getOrDefault(topicKey, List.of())) {
            if (explicit.containsKey(brokerKey)) {
                Optional<String> converted = TopicConfigs.fromBrokerValue(brokerKey, explicit.get(brokerKey));
                if (converted.isPresent()) {
                    return Optional.of(new BrokerSynonym(brokerKey, converted.get()));
                }
            }
        }
        return Optional.empty();
    }

    /** A broker key standing in for a topic key, with its value converted to the topic key's unit. */
    public record BrokerSynonym(String brokerKey, String value) {
    }

    /**
     * The controller quorum from {@code controller.quorum.voters}; empty means a one-voter quorum of
     * this node alone (the single-node default).
     */
    public List<io.potok.metadata.quorum.Voter> quorumVoters() {
        String value = string("controller.quorum.voters");
        if (value == null || value.isBlank()) {
            return List.of();
        }
        try {
            return io.potok.metadata.quorum.Voter.parseList(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigValueException("controller.quorum.voters", value, e.getMessage());
        }
    }

    /** The port of a {@code CONTROLLER://} entry in {@code listeners}, if the user gave one. */
    public Optional<Endpoint> controllerListener() {
        List<String> names = Arrays.stream(string("controller.listener.names").split(",")).map(String::trim).toList();
        return Endpoint.parseList("listeners", string("listeners")).stream()
                .filter(e -> names.contains(e.listenerName())).findFirst();
    }

    public boolean isController() {
        return Arrays.asList(string("process.roles").replace(" ", "").split(",")).contains("controller");
    }

    private static Endpoint clientListener(String key, String value) {
        List<Endpoint> endpoints = Endpoint.parseList(key, value);
        for (Endpoint e : endpoints) {
            if (!e.listenerName().equals("CONTROLLER")) {
                return e;
            }
        }
        throw new InvalidConfigValueException(key, value, "needs a client listener besides CONTROLLER");
    }
}
