package io.potok.metadata.controller;

import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.config.TopicConfigs;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.quota.ClientQuotaEntity;
import io.potok.metadata.quota.ClientQuotaKeys;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The controller's decisions as pure functions of (image, command): validation, placement, leader
 * election. No I/O and no clock, so every rule is testable in isolation and the active controller
 * can decide against a speculative image that includes its own not-yet-committed records.
 */
public final class ControllerLogic {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ControllerLogic.class);
    /** Producer ids are reserved in blocks so the log sees one record per block. */
    static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private final ClusterDefaults defaults;
    private final TopicConfigValidator configValidator;

    /** Cluster-wide defaults the controller applies (num.partitions, default.replication.factor, ...). */
    public record ClusterDefaults(int numPartitions, short replicationFactor, boolean deleteTopicEnable,
                                  boolean uncleanLeaderElectionEnable) {
    }

    public ControllerLogic(ClusterDefaults defaults, TopicConfigValidator configValidator) {
        this.defaults = defaults;
        this.configValidator = configValidator;
    }

    public Decision decide(MetadataImage image, ControllerCommand command) {
        if (command instanceof ControllerCommand.CreateTopics c) {
            return createTopics(image, c);
        } else if (command instanceof ControllerCommand.DeleteTopics c) {
            return deleteTopics(image, c);
        } else if (command instanceof ControllerCommand.CreatePartitions c) {
            return createPartitions(image, c);
        } else if (command instanceof ControllerCommand.AlterConfigs c) {
            return alterConfigs(image, c);
        } else if (command instanceof ControllerCommand.AllocateProducerIds) {
            long first = image.nextProducerId();
            return new Decision(List.of(new MetadataRecord.ProducerIds(first + PRODUCER_ID_BLOCK_SIZE)),
                    new ControllerResult.ProducerIdBlock(first, PRODUCER_ID_BLOCK_SIZE));
        } else if (command instanceof ControllerCommand.RegisterBroker c) {
            return registerBroker(image, c);
        } else if (command instanceof ControllerCommand.ControlledShutdown c) {
            return fenceBroker(image, c.id());
        } else if (command instanceof ControllerCommand.ElectLeaders c) {
            return electLeaders(image, c);
        } else if (command instanceof ControllerCommand.AlterPartition c) {
            return alterPartition(image, c);
        } else if (command instanceof ControllerCommand.AlterReassignments c) {
            return alterReassignments(image, c);
        }
        throw new IllegalArgumentException("Command " + command + " is not decided by the log");
    }

    // ---- topics ------------------------------------------------------------------------------

    private Decision createTopics(MetadataImage image, ControllerCommand.CreateTopics command) {
        List<TopicResult> results = new ArrayList<>();
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (NewTopic topic : command.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        List<String> accepted = new ArrayList<>();
        for (NewTopic topic : command.topics()) {
            if (duplicates.contains(topic.name())) {
                // As Kafka: every copy of a name given twice fails, and none is created.
                if (results.stream().noneMatch(r -> r.name().equals(topic.name()))) {
                    results.add(TopicResult.failed(topic.name(), new ApiError(Errors.INVALID_REQUEST,
                            "Found multiple entries for this topic.")));
                }
                continue;
            }
            ApiError error = validateNewTopic(image, topic);
            if (error.isSuccess()) {
                for (String other : accepted) {
                    if (Topic.hasCollision(other, topic.name())) {
                        error = new ApiError(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + topic.name()
                                + "' collides with topic '" + other + "' in the same request");
                    }
                }
            }
            if (error.isFailure()) {
                results.add(TopicResult.failed(topic.name(), error));
                continue;
            }
            accepted.add(topic.name());
            TopicImage created = placeTopic(image, topic);
            results.add(new TopicResult(topic.name(), ApiError.NONE, Optional.of(created)));
            if (!command.validateOnly()) {
                records.add(new MetadataRecord.CreateTopic(created.name(), created.id()));
                created.configs().forEach((k, v) -> records.add(
                        new MetadataRecord.Config(ResourceKind.TOPIC, created.name(), k, Optional.of(v))));
                for (PartitionImage p : created.partitions()) {
                    records.add(partitionRecord(created.id(), p));
                }
            }
        }
        return new Decision(records, new ControllerResult.Topics(results));
    }

    private Decision deleteTopics(MetadataImage image, ControllerCommand.DeleteTopics command) {
        List<TopicResult> results = new ArrayList<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (String name : command.names()) {
            Optional<TopicImage> topic = image.topic(name);
            if (topic.isEmpty()) {
                results.add(TopicResult.failed(name, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "This server does not host this topic-partition.")));
            } else if (!defaults.deleteTopicEnable()) {
                results.add(TopicResult.failed(name, new ApiError(Errors.TOPIC_DELETION_DISABLED,
                        "Topic deletion is disabled.")));
            } else {
                records.add(new MetadataRecord.RemoveTopic(topic.get().id()));
                results.add(new TopicResult(name, ApiError.NONE, topic));
            }
        }
        return new Decision(records, new ControllerResult.Topics(results));
    }

    private Decision createPartitions(MetadataImage image, ControllerCommand.CreatePartitions command) {
        List<TopicResult> results = new ArrayList<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (Map.Entry<String, Integer> e : command.newTotals().entrySet()) {
            Optional<TopicImage> topic = image.topic(e.getKey());
            if (topic.isEmpty()) {
                results.add(TopicResult.failed(e.getKey(), new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "The topic '" + e.getKey() + "' does not exist.")));
                continue;
            }
            TopicImage t = topic.get();
            int current = t.partitions().size();
            if (e.getValue() <= current) {
                results.add(TopicResult.failed(e.getKey(), new ApiError(Errors.INVALID_PARTITIONS,
                        "Topic currently has " + current + " partitions, which is higher than the requested "
                                + e.getValue() + ".")));
                continue;
            }
            // A partition being reassigned counts with its target, not its transient replicas.
            int rf = t.partitions().isEmpty() ? 1 : t.partitions().get(0).targetReplicas().size();
            List<Integer> brokers = placementOrder(image);
            if (rf > brokers.size()) {
                results.add(TopicResult.failed(e.getKey(), new ApiError(Errors.INVALID_REPLICATION_FACTOR,
                        "Unable to replicate the partition " + rf + " time(s): only " + brokers.size()
                                + " broker(s) are unfenced.")));
                continue;
            }
            for (int p = current; p < e.getValue(); p++) {
                List<Integer> replicas = replicasFor(p, rf, brokers, startIndex(t.name(), brokers.size()),
                        racks(image));
                if (!command.validateOnly()) {
                    records.add(new MetadataRecord.Partition(t.id(), p, replicas, replicas, replicas.get(0), 0, 0));
                }
            }
            results.add(new TopicResult(e.getKey(), ApiError.NONE, topic));
        }
        return new Decision(records, new ControllerResult.Topics(results));
    }

    private Decision alterConfigs(MetadataImage image, ControllerCommand.AlterConfigs c) {
        if (c.kind() == ResourceKind.CLIENT_QUOTA) {
            return alterClientQuotas(image, c);
        }
        Map<String, String> current;
        if (c.kind() == ResourceKind.TOPIC) {
            Optional<TopicImage> topic = image.topic(c.resource());
            if (topic.isEmpty()) {
                return error(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "The topic '" + c.resource() + "' does not exist."));
            }
            current = topic.get().configs();
        } else {
            current = image.brokerConfigs(c.resource());
        }
        Map<String, String> updated = new HashMap<>(c.replaceAll() ? Map.of() : current);
        c.changes().forEach((k, v) -> v.ifPresentOrElse(value -> updated.put(k, value), () -> updated.remove(k)));
        if (c.kind() == ResourceKind.TOPIC) {
            try {
                TopicConfigs.validate(updated);
                configValidator.validate(c.resource(), updated);
            } catch (InvalidConfigValueException e) {
                return error(new ApiError(Errors.INVALID_CONFIG, e.getMessage()));
            }
        }
        List<MetadataRecord> records = c.validateOnly() ? List.of()
                : changedConfigRecords(c.kind(), c.resource(), current, updated);
        return new Decision(records, new ControllerResult.Error(ApiError.NONE));
    }

    /** Quota values as the Config records carry them. */
    private static Map<String, String> asStrings(Map<String, Double> values) {
        Map<String, String> strings = new HashMap<>();
        values.forEach((k, v) -> strings.put(k, Double.toString(v)));
        return strings;
    }

    /** One Config record per key whose value differs between {@code current} and {@code updated}, in key order. */
    private static List<MetadataRecord> changedConfigRecords(ResourceKind kind, String resource,
                                                             Map<String, String> current, Map<String, String> updated) {
        Set<String> keys = new java.util.TreeSet<>(current.keySet());
        keys.addAll(updated.keySet());
        List<MetadataRecord> records = new ArrayList<>();
        for (String key : keys) {
            String after = updated.get(key);
            if (!java.util.Objects.equals(current.get(key), after)) {
                records.add(new MetadataRecord.Config(kind, resource, key, Optional.ofNullable(after)));
            }
        }
        return records;
    }

    /**
     * AlterClientQuotas, one entity: an AlterConfigs of kind CLIENT_QUOTA whose resource is the entity and whose
     * values are doubles. Refused whole, with Kafka's INVALID_REQUEST, if the entity or any change is not allowed.
     */
    private Decision alterClientQuotas(MetadataImage image, ControllerCommand.AlterConfigs c) {
        ClientQuotaEntity entity;
        try {
            entity = ClientQuotaEntity.fromResource(c.resource());
        } catch (IllegalArgumentException e) {
            return error(new ApiError(Errors.INVALID_REQUEST, e.getMessage()));
        }
        Optional<String> entityError = ClientQuotaKeys.entityError(entity);
        if (entityError.isPresent()) {
            return error(new ApiError(Errors.INVALID_REQUEST, entityError.get()));
        }
        Map<String, Double> current = image.clientQuotas().getOrDefault(entity, Map.of());
        Map<String, Double> updated = new HashMap<>(c.replaceAll() ? Map.of() : current);
        for (Map.Entry<String, Optional<String>> change : c.changes().entrySet()) {
            Double value;
            try {
                value = change.getValue().map(Double::parseDouble).orElse(null);
            } catch (NumberFormatException e) {
                return error(new ApiError(Errors.INVALID_REQUEST, "Invalid value " + change.getValue().get()
                        + " for quota " + change.getKey()));
            }
            Optional<String> valueError = ClientQuotaKeys.valueError(entity, change.getKey(), value);
            if (valueError.isPresent()) {
                return error(new ApiError(Errors.INVALID_REQUEST, valueError.get()));
            }
            if (value == null) {
                updated.remove(change.getKey());
            } else {
                updated.put(change.getKey(), value);
            }
        }
        List<MetadataRecord> records = c.validateOnly() ? List.of()
                : changedConfigRecords(ResourceKind.CLIENT_QUOTA, entity.toResource(), asStrings(current),
                        asStrings(updated));
        return new Decision(records, new ControllerResult.Error(ApiError.NONE));
    }

    private ApiError validateNewTopic(MetadataImage image, NewTopic topic) {
        try {
            Topic.validate(topic.name());
        } catch (InvalidTopicException e) {
            return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
        if (image.topics().containsKey(topic.name())) {
            return new ApiError(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + topic.name() + "' already exists.");
        }
        for (String existing : image.topics().keySet()) {
            if (Topic.hasCollision(existing, topic.name())) {
                return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + topic.name()
                        + "' collides with existing topic: " + existing);
            }
        }
        int liveBrokers = placementOrder(image).size();
        if (!topic.assignments().isEmpty()) {
            if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                return new ApiError(Errors.INVALID_REQUEST,
                        "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            }
            for (int p = 0; p < topic.assignments().size(); p++) {
                List<Integer> replicas = topic.assignments().get(p);
                if (replicas == null) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                            "Partitions should be a consecutive 0-based integer sequence");
                }
                if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                            "Duplicate or empty replica ids in partition " + p + " assignment.");
                }
                for (int id : replicas) {
                    if (!image.brokers().containsKey(id)) {
                        return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                                "The manual partition assignment includes broker " + id + ", but no such broker is registered.");
                    }
                }
            }
        } else {
            int partitions = topic.numPartitions() == -1 ? defaults.numPartitions() : topic.numPartitions();
            if (partitions <= 0) {
                return new ApiError(Errors.INVALID_PARTITIONS,
                        "Number of partitions was set to an invalid non-positive value.");
            }
            int rf = topic.replicationFactor() == -1 ? defaults.replicationFactor() : topic.replicationFactor();
            if (rf <= 0) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR,
                        "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            if (rf > liveBrokers) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + rf
                        + " time(s): The target replication factor of " + rf
                        + " cannot be reached because only " + liveBrokers + " broker(s) are registered.");
            }
        }
        try {
            TopicConfigs.validate(topic.configs());
            configValidator.validate(topic.name(), topic.configs());
        } catch (InvalidConfigValueException e) {
            return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
        }
        return ApiError.NONE;
    }

    private TopicImage placeTopic(MetadataImage image, NewTopic topic) {
        List<PartitionImage> partitions = new ArrayList<>();
        if (!topic.assignments().isEmpty()) {
            for (int p = 0; p < topic.assignments().size(); p++) {
                List<Integer> replicas = topic.assignments().get(p);
                partitions.add(new PartitionImage(p, replicas, replicas, replicas.get(0), 0, 0));
            }
        } else {
            int count = topic.numPartitions() == -1 ? defaults.numPartitions() : topic.numPartitions();
            int rf = topic.replicationFactor() == -1 ? defaults.replicationFactor() : topic.replicationFactor();
            List<Integer> brokers = placementOrder(image);
            int start = startIndex(topic.name(), brokers.size());
            Map<Integer, String> rackOf = racks(image);
            for (int p = 0; p < count; p++) {
                List<Integer> replicas = replicasFor(p, rf, brokers, start, rackOf);
                partitions.add(new PartitionImage(p, replicas, replicas, replicas.get(0), 0, 0));
            }
        }
        return new TopicImage(topic.name(), Uuid.randomUuid(), partitions, topic.configs());
    }

    private static int startIndex(String topic, int brokers) {
        return brokers == 0 ? 0 : Math.floorMod(topic.hashCode(), brokers);
    }

    /**
     * Partition p's first replica (its preferred leader) is entry start+p of the placement order, so
     * leaders spread evenly. Each further replica is the next entry after it on a rack the partition
     * does not use yet, or, once every rack is used (or without racks), simply the next unused entry.
     * So a partition's replicas sit on different racks whenever there are enough racks, even when
     * racks hold different numbers of brokers (Kafka's rack-aware rule); without racks the replicas
     * are consecutive entries of the order.
     */
    static List<Integer> replicasFor(int partition, int rf, List<Integer> order, int start,
                                     Map<Integer, String> rackOf) {
        int n = order.size();
        int first = (start + partition) % n;
        List<Integer> replicas = new ArrayList<>(rf);
        Set<String> racksUsed = new HashSet<>();
        replicas.add(order.get(first));
        racksUsed.add(rackOf.getOrDefault(order.get(first), ""));
        while (replicas.size() < rf) {
            int pick = -1;
            for (int k = 1; k < n && pick == -1; k++) {
                int candidate = order.get((first + k) % n);
                if (!replicas.contains(candidate) && !racksUsed.contains(rackOf.getOrDefault(candidate, ""))) {
                    pick = candidate;
                }
            }
            for (int k = 1; k < n && pick == -1; k++) {
                int candidate = order.get((first + k) % n);
                if (!replicas.contains(candidate)) {
                    pick = candidate;
                }
            }
            replicas.add(pick);
            racksUsed.add(rackOf.getOrDefault(pick, ""));
        }
        return replicas;
    }

    /** Broker id → rack ("" without one). */
    static Map<Integer, String> racks(MetadataImage image) {
        Map<Integer, String> rackOf = new HashMap<>();
        image.brokers().values().forEach(b -> rackOf.put(b.id(), b.rack().orElse("")));
        return rackOf;
    }

    /** Unfenced brokers, ordered so that racks alternate: r1-b1, r2-b2, r3-b3, r1-b4, ... */
    static List<Integer> placementOrder(MetadataImage image) {
        Map<String, List<Integer>> byRack = new TreeMap<>();
        image.brokers().values().stream().filter(b -> !b.fenced())
                .sorted(java.util.Comparator.comparingInt(BrokerImage::id))
                .forEach(b -> byRack.computeIfAbsent(b.rack().orElse(""), k -> new ArrayList<>()).add(b.id()));
        List<Integer> order = new ArrayList<>();
        int round = 0;
        boolean added = true;
        while (added) {
            added = false;
            for (List<Integer> rack : byRack.values()) {
                if (round < rack.size()) {
                    order.add(rack.get(round));
                    added = true;
                }
            }
            round++;
        }
        return order;
    }

    // ---- brokers and leadership --------------------------------------------------------------

    private Decision registerBroker(MetadataImage image, ControllerCommand.RegisterBroker c) {
        List<MetadataRecord> records = new ArrayList<>();
        BrokerImage existing = image.brokers().get(c.id());
        if (existing == null || !existing.host().equals(c.host()) || existing.port() != c.port()
                || !existing.rack().equals(c.rack()) || existing.fenced()) {
            records.add(new MetadataRecord.RegisterBroker(c.id(), c.host(), c.port(), c.rack()));
            records.addAll(onBrokerAlive(image, c.id()));
        }
        return new Decision(records, new ControllerResult.Error(ApiError.NONE));
    }

    /** A heartbeat from a fenced broker brings it back. */
    public Decision unfenceBroker(MetadataImage image, int id) {
        List<MetadataRecord> records = new ArrayList<>();
        BrokerImage broker = image.brokers().get(id);
        if (broker != null && broker.fenced()) {
            records.add(new MetadataRecord.UnfenceBroker(id));
            records.addAll(onBrokerAlive(image, id));
        }
        return new Decision(records, new ControllerResult.Error(ApiError.NONE));
    }

    /** Offline partitions whose last in-sync replica is this broker get it back as leader. */
    private List<MetadataRecord> onBrokerAlive(MetadataImage image, int id) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage t : image.topics().values()) {
            for (PartitionImage p : t.partitions()) {
                if (p.leader() == -1 && p.isr().contains(id)) {
                    records.add(partitionRecord(t.id(), p.with(p.isr(), id, p.leaderEpoch() + 1, p.partitionEpoch() + 1)));
                } else if (p.leader() == -1 && p.replicas().contains(id) && uncleanAllowed(t)) {
                    warnUnclean(t, p, id);
                    records.add(partitionRecord(t.id(), p.with(List.of(id), id, p.leaderEpoch() + 1, p.partitionEpoch() + 1)));
                }
            }
        }
        return records;
    }

    /**
     * Fences a broker: it leaves every ISR (unless it is the last member, which stays so the
     * partition can come back cleanly) and leadership moves to the next live in-sync replica.
     */
    public Decision fenceBroker(MetadataImage image, int id) {
        List<MetadataRecord> records = new ArrayList<>();
        BrokerImage broker = image.brokers().get(id);
        if (broker == null) {
            return new Decision(records, new ControllerResult.Error(new ApiError(Errors.BROKER_ID_NOT_REGISTERED,
                    "Broker " + id + " is not registered")));
        }
        if (!broker.fenced()) {
            records.add(new MetadataRecord.FenceBroker(id));
        }
        Set<Integer> alive = aliveBrokers(image);
        alive.remove(id);
        for (TopicImage t : image.topics().values()) {
            for (PartitionImage p : t.partitions()) {
                if (!p.isr().contains(id) && p.leader() != id) {
                    continue;
                }
                List<Integer> isr = new ArrayList<>(p.isr());
                if (isr.size() > 1) {
                    isr.remove(Integer.valueOf(id));
                }
                int leader = p.leader();
                if (leader == id || leader == -1) {
                    leader = p.replicas().stream().filter(r -> isr.contains(r) && alive.contains(r)).findFirst().orElse(-1);
                    if (leader == -1 && uncleanAllowed(t)) {
                        leader = p.replicas().stream().filter(alive::contains).findFirst().orElse(-1);
                        if (leader != -1) {
                            warnUnclean(t, p, leader);
                            isr.clear();
                            isr.add(leader);
                        }
                    }
                }
                int epoch = leader == p.leader() ? p.leaderEpoch() : p.leaderEpoch() + 1;
                if (!isr.equals(p.isr()) || leader != p.leader()) {
                    records.add(partitionRecord(t.id(), p.with(isr, leader, epoch, p.partitionEpoch() + 1)));
                }
            }
        }
        return new Decision(records, new ControllerResult.Error(ApiError.NONE));
    }

    /**
     * Moves leadership back to preferred replicas for brokers whose share of partitions not led by
     * their preferred replica exceeds {@code imbalancePercentage}.
     */
    public Decision rebalanceLeaders(MetadataImage image, int imbalancePercentage) {
        Set<Integer> alive = aliveBrokers(image);
        Map<Integer, Integer> preferredCount = new HashMap<>();
        Map<Integer, Integer> notLedCount = new HashMap<>();
        for (TopicImage t : image.topics().values()) {
            for (PartitionImage p : t.partitions()) {
                int preferred = p.preferredLeader();
                preferredCount.merge(preferred, 1, Integer::sum);
                if (p.leader() != preferred) {
                    notLedCount.merge(preferred, 1, Integer::sum);
                }
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage t : image.topics().values()) {
            for (PartitionImage p : t.partitions()) {
                int preferred = p.preferredLeader();
                if (p.leader() == preferred || !alive.contains(preferred) || !p.isr().contains(preferred)) {
                    continue;
                }
                double ratio = 100.0 * notLedCount.getOrDefault(preferred, 0) / preferredCount.get(preferred);
                if (ratio > imbalancePercentage) {
                    records.add(partitionRecord(t.id(), p.with(p.isr(), preferred, p.leaderEpoch() + 1, p.partitionEpoch() + 1)));
                }
            }
        }
        return new Decision(records, new ControllerResult.Error(ApiError.NONE));
    }

    private Decision electLeaders(MetadataImage image, ControllerCommand.ElectLeaders c) {
        Set<Integer> alive = aliveBrokers(image);
        Map<String, Map<Integer, ApiError>> results = new LinkedHashMap<>();
        List<MetadataRecord> records = new ArrayList<>();
        Map<String, List<Integer>> wanted = c.partitions();
        if (wanted == null) {
            wanted = new LinkedHashMap<>();
            for (TopicImage t : image.topics().values()) {
                List<Integer> all = new ArrayList<>();
                t.partitions().forEach(p -> all.add(p.partition()));
                wanted.put(t.name(), all);
            }
        }
        for (Map.Entry<String, List<Integer>> e : wanted.entrySet()) {
            Map<Integer, ApiError> perPartition = new LinkedHashMap<>();
            results.put(e.getKey(), perPartition);
            Optional<TopicImage> topic = image.topic(e.getKey());
            for (int partition : e.getValue()) {
                if (topic.isEmpty() || partition < 0 || partition >= topic.get().partitions().size()) {
                    perPartition.put(partition, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "The partition does not exist."));
                    continue;
                }
                PartitionImage p = topic.get().partitions().get(partition);
                int newLeader;
                List<Integer> isr = p.isr();
                if (!c.unclean()) {
                    int preferred = p.preferredLeader();
                    if (p.leader() == preferred) {
                        perPartition.put(partition, new ApiError(Errors.ELECTION_NOT_NEEDED,
                                "Leader election not needed for topic partition."));
                        continue;
                    }
                    if (!alive.contains(preferred) || !p.isr().contains(preferred)) {
                        perPartition.put(partition, new ApiError(Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                                "Failed to elect leader for partition " + e.getKey() + "-" + partition
                                        + " under strategy PreferredReplicaPartitionLeaderElectionStrategy"));
                        continue;
                    }
                    newLeader = preferred;
                } else {
                    if (p.leader() != -1 && alive.contains(p.leader())) {
                        perPartition.put(partition, new ApiError(Errors.ELECTION_NOT_NEEDED,
                                "Leader election not needed for topic partition."));
                        continue;
                    }
                    newLeader = p.replicas().stream().filter(r -> p.isr().contains(r) && alive.contains(r))
                            .findFirst().orElse(-1);
                    if (newLeader == -1) {
                        newLeader = p.replicas().stream().filter(alive::contains).findFirst().orElse(-1);
                        isr = newLeader == -1 ? isr : List.of(newLeader);
                        if (newLeader != -1) {
                            warnUnclean(topic.get(), p, newLeader);
                        }
                    }
                    if (newLeader == -1) {
                        perPartition.put(partition, new ApiError(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                                "No live replica of " + e.getKey() + "-" + partition));
                        continue;
                    }
                }
                records.add(partitionRecord(topic.get().id(), p.with(isr, newLeader, p.leaderEpoch() + 1, p.partitionEpoch() + 1)));
                perPartition.put(partition, ApiError.NONE);
            }
        }
        return new Decision(records, new ControllerResult.Elections(results));
    }

    private Decision alterPartition(MetadataImage image, ControllerCommand.AlterPartition c) {
        Optional<TopicImage> topic = image.topic(c.topic());
        if (topic.isEmpty() || c.partition() < 0 || c.partition() >= topic.get().partitions().size()) {
            return error(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Unknown partition " + c.topic() + "-"
                    + c.partition()));
        }
        PartitionImage p = topic.get().partitions().get(c.partition());
        if (c.leaderId() != p.leader() || c.leaderEpoch() != p.leaderEpoch()) {
            return error(new ApiError(Errors.FENCED_LEADER_EPOCH, "Leader " + c.leaderId() + " with epoch "
                    + c.leaderEpoch() + " is not the current leader " + p.leader() + " (epoch " + p.leaderEpoch() + ")"));
        }
        if (c.partitionEpoch() != p.partitionEpoch()) {
            return error(new ApiError(Errors.INVALID_UPDATE_VERSION, "Partition epoch " + c.partitionEpoch()
                    + " is not the current " + p.partitionEpoch()));
        }
        Set<Integer> alive = aliveBrokers(image);
        for (int replica : c.newIsr()) {
            if (!p.replicas().contains(replica)) {
                return error(new ApiError(Errors.INVALID_REQUEST, "Replica " + replica + " is not assigned to "
                        + c.topic() + "-" + c.partition()));
            }
            if (!p.isr().contains(replica) && !alive.contains(replica)) {
                return error(new ApiError(Errors.INELIGIBLE_REPLICA, "Replica " + replica
                        + " is fenced and cannot join the ISR"));
            }
        }
        if (!c.newIsr().contains(p.leader())) {
            return error(new ApiError(Errors.INVALID_REQUEST, "The ISR must contain the leader"));
        }
        if (new HashSet<>(c.newIsr()).size() != c.newIsr().size()) {
            // A duplicate would count one replica twice against min.insync.replicas.
            return error(new ApiError(Errors.INVALID_REQUEST, "Duplicate replica in the ISR " + c.newIsr()));
        }
        PartitionImage next = p.with(c.newIsr(), p.leader(), p.leaderEpoch(), p.partitionEpoch() + 1);
        if (next.isReassigning() && next.isr().containsAll(next.targetReplicas())) {
            next = completeReassignment(next, alive);
        }
        return new Decision(List.of(partitionRecord(topic.get().id(), next)), new ControllerResult.Error(ApiError.NONE));
    }

    // ---- reassignment (KIP-455) ---------------------------------------------------------------

    /**
     * Starts or cancels reassignments. A started one adds the target replicas (they begin following
     * at once) and keeps the old ones until every target replica is in the ISR; then the ISR change
     * that brings the last one in also completes the reassignment ({@link #completeReassignment}).
     */
    private Decision alterReassignments(MetadataImage image, ControllerCommand.AlterReassignments c) {
        Set<Integer> alive = aliveBrokers(image);
        Map<String, Map<Integer, ApiError>> results = new LinkedHashMap<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Optional<List<Integer>>>> e : c.targets().entrySet()) {
            Map<Integer, ApiError> perPartition = new LinkedHashMap<>();
            results.put(e.getKey(), perPartition);
            Optional<TopicImage> topic = image.topic(e.getKey());
            for (Map.Entry<Integer, Optional<List<Integer>>> pe : e.getValue().entrySet()) {
                int partition = pe.getKey();
                if (topic.isEmpty() || partition < 0 || partition >= topic.get().partitions().size()) {
                    perPartition.put(partition, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "The partition does not exist."));
                    continue;
                }
                PartitionImage p = topic.get().partitions().get(partition);
                PartitionImage next;
                if (pe.getValue().isEmpty()) {
                    if (!p.isReassigning()) {
                        perPartition.put(partition, new ApiError(Errors.NO_REASSIGNMENT_IN_PROGRESS,
                                "No reassignment is in progress for " + e.getKey() + "-" + partition));
                        continue;
                    }
                    next = cancelReassignment(topic.get(), p, alive);
                    if (next == null) {
                        perPartition.put(partition, new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                                "Unable to revert partition assignment for " + e.getKey() + "-" + partition
                                        + " because it would require an unclean leader election: no replica of "
                                        + "the original assignment is in sync"));
                        continue;
                    }
                } else {
                    List<Integer> target = pe.getValue().get();
                    ApiError invalid = validateTarget(image, target);
                    if (invalid.isFailure()) {
                        perPartition.put(partition, invalid);
                        continue;
                    }
                    next = startReassignment(p, target, alive);
                }
                records.add(partitionRecord(topic.get().id(), next));
                perPartition.put(partition, ApiError.NONE);
            }
        }
        return new Decision(records, new ControllerResult.Elections(results));
    }

    private static ApiError validateTarget(MetadataImage image, List<Integer> target) {
        if (target.isEmpty() || new HashSet<>(target).size() != target.size()) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The target replicas " + target
                    + " are empty or contain duplicates.");
        }
        for (int id : target) {
            if (!image.brokers().containsKey(id)) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The target replicas include broker " + id
                        + ", which is not registered.");
            }
        }
        return ApiError.NONE;
    }

    /**
     * The new assignment is the target followed by every current replica not in it (those leave on
     * completion). Replicas of a move in progress that the new target drops are therefore removed
     * only on completion too, like the original ones: they may be in the ISR or even lead (as Kafka).
     */
    private PartitionImage startReassignment(PartitionImage p, List<Integer> target, Set<Integer> alive) {
        List<Integer> original = p.replicas().stream().filter(r -> !p.addingReplicas().contains(r)).toList();
        List<Integer> adding = target.stream().filter(r -> !original.contains(r)).toList();
        List<Integer> removing = p.replicas().stream().filter(r -> !target.contains(r)).toList();
        List<Integer> replicas = new ArrayList<>(target);
        replicas.addAll(removing);
        PartitionImage next = new PartitionImage(p.partition(), replicas, p.isr(), p.leader(), p.leaderEpoch(),
                p.partitionEpoch() + 1, adding, removing);
        if (next.isr().containsAll(target)) {
            next = completeReassignment(next, alive);
        }
        return next;
    }

    /**
     * Reverts to the replicas that are not being added. Null when none of them is in sync and the
     * topic does not allow an unclean election: the adding replicas hold the only in-sync copies,
     * and dropping them would lose acknowledged records (Kafka refuses such a cancel too).
     */
    private PartitionImage cancelReassignment(TopicImage topic, PartitionImage p, Set<Integer> alive) {
        List<Integer> replicas = p.replicas().stream().filter(r -> !p.addingReplicas().contains(r)).toList();
        List<Integer> isr = new ArrayList<>(p.isr().stream().filter(replicas::contains).toList());
        int leader = p.leader();
        int epoch = p.leaderEpoch();
        if (isr.isEmpty()) {
            if (!uncleanAllowed(topic)) {
                return null;
            }
            leader = replicas.stream().filter(alive::contains).findFirst().orElse(-1);
            if (leader == -1) {
                return null;
            }
            warnUnclean(topic, p, leader);
            isr.add(leader);
            epoch++;
        } else if (!replicas.contains(leader)) {
            leader = replicas.stream().filter(r -> isr.contains(r) && alive.contains(r)).findFirst().orElse(-1);
            epoch++;
        }
        return new PartitionImage(p.partition(), replicas, isr, leader, epoch, p.partitionEpoch() + 1);
    }

    /** Every target replica is in sync: drop the replicas being removed, moving leadership if needed. */
    private static PartitionImage completeReassignment(PartitionImage p, Set<Integer> alive) {
        List<Integer> target = p.targetReplicas();
        List<Integer> isr = p.isr().stream().filter(target::contains).toList();
        int leader = p.leader();
        int epoch = p.leaderEpoch();
        if (!target.contains(leader)) {
            leader = target.stream().filter(r -> isr.contains(r) && alive.contains(r)).findFirst().orElse(-1);
            epoch++;
        }
        return new PartitionImage(p.partition(), target, isr, leader, epoch, p.partitionEpoch() + 1);
    }

    /** Kafka says so too: an out-of-sync leader lacks what the ISR acknowledged. */
    private static void warnUnclean(TopicImage topic, PartitionImage p, int leader) {
        log.warn("Unclean leader election for {}-{}: no in-sync replica of {} is alive, electing out-of-sync replica {} "
                + "(leader epoch {}); data may be lost: records acknowledged by the old ISR {} and not on broker {} "
                + "are gone", topic.name(), p.partition(), p.isr(), leader, p.leaderEpoch() + 1, p.isr(), leader);
    }

    private boolean uncleanAllowed(TopicImage topic) {
        String value = topic.configs().get("unclean.leader.election.enable");
        return value != null ? Boolean.parseBoolean(value) : defaults.uncleanLeaderElectionEnable();
    }

    static Set<Integer> aliveBrokers(MetadataImage image) {
        Set<Integer> alive = new HashSet<>();
        image.brokers().values().stream().filter(b -> !b.fenced()).forEach(b -> alive.add(b.id()));
        return alive;
    }

    private static MetadataRecord.Partition partitionRecord(Uuid topicId, PartitionImage p) {
        return new MetadataRecord.Partition(topicId, p.partition(), p.replicas(), p.isr(), p.leader(), p.leaderEpoch(),
                p.partitionEpoch(), p.addingReplicas(), p.removingReplicas());
    }

    private static Decision error(ApiError error) {
        return new Decision(List.of(), new ControllerResult.Error(error));
    }
}
