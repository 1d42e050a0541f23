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
        List<io.potok.metadata.quorum.Voter> voters = quorumVoters(); // validates controller.quorum.voters
        checkRoles(voters);
        this.listener = isBroker() ? clientListener("listeners", string("listeners")) : controllerOnlyListener(voters);
        this.advertised = isBroker() && explicit.containsKey("advertised.listeners")
                ? clientListener("advertised.listeners", string("advertised.listeners"))
                : new Endpoint(listener.listenerName(), listener.host().isEmpty() || listener.host().equals("0.0.0.0")
                        ? "127.0.0.1" : listener.host(), listener.port());
    }

    /**
     * Kafka's KRaft rules for {@code process.roles}: a controller is one of the voters; a node with
     * one role finds the others through {@code controller.quorum.voters}, so it needs them; a
     * broker-only node is no voter and has no controller listener; a controller-only node listens on
     * controller listeners only.
     */
    private void checkRoles(List<io.potok.metadata.quorum.Voter> voters) {
        String roles = string("process.roles");
        if (!isBroker() && !isController()) {
            throw new InvalidConfigValueException("process.roles", roles, "must name broker, controller or both");
        }
        boolean isVoter = voters.stream().anyMatch(v -> v.id() == nodeId());
        if (!voters.isEmpty() && isController() && !isVoter) {
            throw new InvalidConfigValueException("controller.quorum.voters", string("controller.quorum.voters"),
                    "this node (node.id=" + nodeId() + ") runs a controller, so it must be one of the voters");
        }
        if (isBroker() && isController()) {
            return;
        }
        if (voters.isEmpty()) {
            throw new InvalidConfigValueException("process.roles=" + roles + " needs controller.quorum.voters "
                    + "(id@host:port,...): a node with one role reaches the other role's nodes through the "
                    + "controller quorum, and an empty list means a one-voter quorum of this node alone");
        }
        if (!isController()) {
            if (isVoter) {
                throw new InvalidConfigValueException("controller.quorum.voters", string("controller.quorum.voters"),
                        "node.id=" + nodeId() + " is a voter but process.roles=" + roles
                                + " runs no controller (use process.roles=broker,controller or controller)");
            }
            controllerListener().ifPresent(e -> {
                throw new InvalidConfigValueException("listeners", string("listeners"), "a broker-only node "
                        + "(process.roles=" + roles + ") runs no controller, so it has no " + e.listenerName()
                        + " listener (controller.listener.names)");
            });
        }
    }

    /**
     * What a controller-only node listens on: its controller listener, else its entry in
     * {@code controller.quorum.voters}. It serves no Kafka clients, so client listeners are refused.
     */
    private Endpoint controllerOnlyListener(List<io.potok.metadata.quorum.Voter> voters) {
        io.potok.metadata.quorum.Voter self = voters.stream().filter(v -> v.id() == nodeId()).findFirst()
                .orElseThrow();
        if (!explicit.containsKey("listeners")) {
            return new Endpoint(controllerListenerNames().get(0), self.host(), self.port());
        }
        List<String> names = controllerListenerNames();
        for (Endpoint e : Endpoint.parseList("listeners", string("listeners"))) {
            if (!names.contains(e.listenerName())) {
                throw new InvalidConfigValueException("listeners", string("listeners"), "a controller-only node "
                        + "(process.roles=controller) serves no Kafka clients, so it listens on controller listeners "
                        + "only (controller.listener.names=" + String.join(",", names) + "), not " + e);
            }
        }
        Endpoint e = controllerListener().orElseThrow();
        return new Endpoint(e.listenerName(), e.host(), e.port() > 0 ? e.port() : self.port());
    }

    /** The first of {@code controller.listener.names}: the name voters' endpoints are reported under. */
    public String controllerListenerName() {
        return controllerListenerNames().get(0);
    }

    private List<String> controllerListenerNames() {
        return Arrays.stream(string("controller.listener.names").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
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

    /** The client listener; on a controller-only node (no client listener) the controller listener. */
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

    /** The client listener's socket settings. */
    public io.potok.broker.network.SocketOptions socketOptions() {
        return new io.potok.broker.network.SocketOptions(intValue("socket.send.buffer.bytes"),
                intValue("socket.receive.buffer.bytes"), intValue("socket.listen.backlog.size"));
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
        List<String> names = controllerListenerNames();
        return Endpoint.parseList("listeners", string("listeners")).stream()
                .filter(e -> names.contains(e.listenerName())).findFirst();
    }

    /** {@code process.roles} contains {@code controller}: this node runs a voter of the controller quorum. */
    public boolean isController() {
        return roles().contains("controller");
    }

    /** {@code process.roles} contains {@code broker}: this node registers as a broker and serves clients. */
    public boolean isBroker() {
        return roles().contains("broker");
    }

    /**
     * The roles as the metadata layer names them. On a controller-only node {@link #listener()} is
     * its controller listener, where the quorum member binds; it has no client listener.
     */
    public io.potok.metadata.controller.ProcessRoles processRoles() {
        return io.potok.metadata.controller.ProcessRoles.of(isBroker(), isController());
    }

    private List<String> roles() {
        return Arrays.stream(string("process.roles").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
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
