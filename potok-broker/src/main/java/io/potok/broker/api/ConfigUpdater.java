package io.potok.broker.api;

import io.potok.broker.config.ConfigDescriber;
import io.potok.broker.config.ConfigEntry;
import io.potok.broker.config.DynamicBrokerConfigs;
import io.potok.metadata.config.ConfigKey;
import io.potok.metadata.config.ConfigType;
import io.potok.metadata.config.TopicConfigs;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.ApiError;

/**
 * Checks the config changes of one resource (a topic, this broker, or the cluster-wide broker
 * default "") and hands them to the controller; shared by AlterConfigs and IncrementalAlterConfigs.
 *
 * <p>Topic values are validated by the controller (INVALID_CONFIG naming the key). Broker changes
 * are checked here against Kafka's dynamic broker configs ({@link DynamicBrokerConfigs}), with
 * Kafka's INVALID_REQUEST for keys that cannot change at runtime and for bad values, and stored in
 * the metadata log under {@link ResourceKind#BROKER}.
 */
final class ConfigUpdater {
    private final MetadataController controller;
    private final ConfigDescriber describer;
    private final int nodeId;

    ConfigUpdater(MetadataController controller, ConfigDescriber describer, int nodeId) {
        this.controller = controller;
        this.describer = describer;
        this.nodeId = nodeId;
    }

    /** One incremental operation on one key. */
    record Operation(String name, OpType type, String value) {
    }

    /** IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on one resource. */
    CompletableFuture<ApiError> incremental(byte resourceType, String resourceName, List<Operation> operations,
                                            boolean validateOnly) {
        try {
            ConfigResource.Type type = checkResource(resourceType, resourceName);
            Map<String, Optional<String>> changes = new LinkedHashMap<>();
            for (Operation op : operations) {
                if (changes.containsKey(op.name())) {
                    throw new InvalidRequestException("Error due to duplicate config keys");
                }
                changes.put(op.name(), switch (op.type()) {
                    case SET -> Optional.of(requireValue(op));
                    case DELETE -> Optional.empty();
                    case APPEND, SUBTRACT -> Optional.of(appendOrSubtract(type, resourceName, op));
                });
            }
            return submit(type, resourceName, changes, false, validateOnly);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ErrorMapping.toApiError(e));
        }
    }

    /** AlterConfigs (the old API): the given configs replace every dynamic config of the resource. */
    CompletableFuture<ApiError> replace(byte resourceType, String resourceName, Map<String, String> configs,
                                        boolean validateOnly) {
        try {
            ConfigResource.Type type = checkResource(resourceType, resourceName);
            Map<String, Optional<String>> changes = new LinkedHashMap<>();
            configs.forEach((name, value) -> {
                if (value == null) {
                    throw new InvalidRequestException("Null value not supported for : " + name);
                }
                changes.put(name, Optional.of(value));
            });
            return submit(type, resourceName, changes, true, validateOnly);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ErrorMapping.toApiError(e));
        }
    }

    private CompletableFuture<ApiError> submit(ConfigResource.Type type, String name,
                                               Map<String, Optional<String>> changes, boolean replaceAll,
                                               boolean validateOnly) {
        if (type == ConfigResource.Type.BROKER) {
            DynamicBrokerConfigs.validate(changes, name.isEmpty());
            DynamicBrokerConfigs.validateThreadCounts(changes, describer::brokerValue);
        }
        ResourceKind kind = type == ConfigResource.Type.TOPIC ? ResourceKind.TOPIC : ResourceKind.BROKER;
        return controller.alterConfigs(kind, name, changes, replaceAll, validateOnly)
                .exceptionally(ErrorMapping::toApiError);
    }

    /** The resource types Potok stores configs for, with Kafka's checks of the broker name. */
    private ConfigResource.Type checkResource(byte resourceType, String name) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.TOPIC) {
            return type;
        }
        if (type == ConfigResource.Type.BROKER) {
            if (!name.isEmpty() && !name.equals(Integer.toString(nodeId))) {
                throw new InvalidRequestException("Unexpected broker id, expected " + nodeId
                        + " or empty string, but received " + name);
            }
            return type;
        }
        throw new InvalidRequestException("Potok does not alter " + type + " configs");
    }

    private static String requireValue(Operation op) {
        if (op.value() == null) {
            throw new InvalidRequestException("Null value not supported for : " + op.name());
        }
        return op.value();
    }

    /** The new value of a LIST key: the current value (the resource's own, else the effective one) with items added or removed. */
    private String appendOrSubtract(ConfigResource.Type type, String resource, Operation op) {
        String verb = op.type() == OpType.APPEND ? "APPEND" : "SUBTRACT";
        String current;
        if (type == ConfigResource.Type.TOPIC) {
            boolean isList = TopicConfigs.KEYS.get(op.name()).map(ConfigKey::type).orElse(null) == ConfigType.LIST;
            if (!isList) {
                throw new InvalidConfigurationException("Can't " + verb + " to key " + op.name()
                        + " because its type is not LIST.");
            }
            Map<String, String> overrides = controller.image().topic(resource).map(TopicImage::configs).orElse(Map.of());
            current = overrides.containsKey(op.name()) ? overrides.get(op.name())
                    : effective(describer.topic(overrides), op.name());
        } else {
            if (DynamicBrokerConfigs.type(op.name()).orElse(null) != ConfigType.LIST) {
                throw new InvalidConfigurationException("Config value " + verb.toLowerCase(java.util.Locale.ROOT)
                        + " is not allowed for config key: " + op.name());
            }
            Map<String, String> stored = controller.image().brokerConfigs(resource);
            current = stored.containsKey(op.name()) ? stored.get(op.name()) : effective(describer.broker(), op.name());
        }
        List<String> items = new ArrayList<>(split(current));
        for (String item : split(requireValue(op))) {
            if (op.type() == OpType.APPEND && !items.contains(item)) {
                items.add(item);
            } else if (op.type() == OpType.SUBTRACT) {
                items.remove(item);
            }
        }
        return String.join(",", items);
    }

    private static String effective(List<ConfigEntry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).map(ConfigEntry::value).findFirst().orElse(null);
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
