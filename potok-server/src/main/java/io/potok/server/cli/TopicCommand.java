package io.potok.server.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code potok topic create|list|describe|alter|delete}, in the manner of {@code kafka-topics}. */
@Command(name = "topic", mixinStandardHelpOptions = true,
        description = "Create, list, describe, alter and delete topics.",
        subcommands = {TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class,
                TopicCommand.Alter.class, TopicCommand.Delete.class})
final class TopicCommand extends CommandGroup {
    @Spec
    CommandSpec spec;

    @Override
    CommandSpec spec() {
        return spec;
    }

    /** {@code key=value} pairs in the order given; a pair without '=' is a usage error. */
    static Map<String, String> keyValues(List<String> pairs, String option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliFailure(option + " expects KEY=VALUE, got '" + pair + "'", CliFailure.USAGE);
            }
            out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return out;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "TOPIC", description = "The topic's name.")
        String topic;

        @Option(names = "--partitions", paramLabel = "N",
                description = "Number of partitions (default: the broker's num.partitions).")
        Integer partitions;

        @Option(names = "--replication-factor", paramLabel = "N",
                description = "Replicas per partition (default: the broker's default.replication.factor).")
        Short replicationFactor;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A topic config (repeatable).")
        List<String> configs = new ArrayList<>();

        @Option(names = "--if-not-exists", description = "Succeed quietly if the topic exists.")
        boolean ifNotExists;

        @Override
        public Integer call() {
            if (partitions != null && partitions < 1) {
                throw new CliFailure("--partitions must be at least 1, got " + partitions, CliFailure.USAGE);
            }
            if (replicationFactor != null && replicationFactor < 1) {
                throw new CliFailure("--replication-factor must be at least 1, got " + replicationFactor,
                        CliFailure.USAGE);
            }
            Map<String, String> topicConfigs = keyValues(configs, "--config");
            NewTopic newTopic = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
                    .configs(topicConfigs);
            try (Admin admin = client.admin()) {
                try {
                    client.await(admin.createTopics(List.of(newTopic), new CreateTopicsOptions()).all());
                } catch (CliFailure e) {
                    if (ifNotExists && topicExists(admin, topic)) {
                        return 0;
                    }
                    throw e;
                }
            }
            System.out.println("Created topic " + topic + ".");
            return 0;
        }

        private boolean topicExists(Admin admin, String name) {
            return client.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()).contains(name);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topic names, one per line.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--exclude-internal", description = "Leave out internal topics such as __consumer_offsets.")
        boolean excludeInternal;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                Collection<String> names = client.await(
                        admin.listTopics(new ListTopicsOptions().listInternal(!excludeInternal)).names());
                new TreeSet<>(names).forEach(System.out::println);
            }
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show topics with their partitions, leaders, replicas and in-sync replicas.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "Topics to describe (default: all).")
        List<String> topics = new ArrayList<>();

        @Option(names = "--exclude-internal", description = "Leave out internal topics (when describing all).")
        boolean excludeInternal;

        @Option(names = "--under-replicated-partitions",
                description = "Only partitions whose ISR is smaller than their replica set.")
        boolean underReplicatedOnly;

        @Option(names = "--unavailable-partitions", description = "Only partitions without a leader.")
        boolean unavailableOnly;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                List<String> names = topics.isEmpty()
                        ? new ArrayList<>(new TreeSet<>(client.await(admin.listTopics(
                                new ListTopicsOptions().listInternal(!excludeInternal)).names())))
                        : topics;
                if (names.isEmpty()) {
                    return 0;
                }
                Map<String, TopicDescription> descriptions = client.await(admin.describeTopics(names).allTopicNames());
                Map<ConfigResource, Config> configs = overrides(admin, names);
                boolean filtered = underReplicatedOnly || unavailableOnly;
                boolean first = true;
                for (String name : names) {
                    TopicDescription d = descriptions.get(name);
                    Table table = new Table("PARTITION", "LEADER", "REPLICAS", "ISR");
                    for (TopicPartitionInfo p : d.partitions()) {
                        boolean under = p.isr().size() < p.replicas().size();
                        boolean unavailable = p.leader() == null || p.leader().isEmpty();
                        if (filtered && !(underReplicatedOnly && under) && !(unavailableOnly && unavailable)) {
                            continue;
                        }
                        table.row(p.partition(), unavailable ? "none" : p.leader().id(), ids(p.replicas()), ids(p.isr()));
                    }
                    if (filtered && table.size() == 0) {
                        continue;
                    }
                    if (!first) {
                        System.out.println();
                    }
                    first = false;
                    Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                    String overrides = config == null ? "" : config.entries().stream()
                            .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                            .map(e -> e.name() + "=" + (e.isSensitive() ? "(sensitive)" : e.value()))
                            .sorted().collect(Collectors.joining(","));
                    int rf = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
                    System.out.println("Topic: " + name + "  TopicId: " + d.topicId() + "  PartitionCount: "
                            + d.partitions().size() + "  ReplicationFactor: " + rf + "  Configs: " + overrides);
                    table.print(System.out, "  ");
                }
            }
            return 0;
        }

        /** The topics' configs, for their overrides; an empty map if the broker cannot describe them. */
        private Map<ConfigResource, Config> overrides(Admin admin, List<String> names) {
            List<ConfigResource> resources = names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            try {
                return client.await(admin.describeConfigs(resources).all());
            } catch (CliFailure e) {
                return Map.of();
            }
        }
    }

    static String ids(List<Node> nodes) {
        return nodes.isEmpty() ? "-" : nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(","));
    }

    @Command(name = "alter", mixinStandardHelpOptions = true,
            description = "Add partitions to a topic or change its configs.")
    static final class Alter implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "TOPIC", description = "The topic to alter.")
        String topic;

        @Option(names = "--partitions", paramLabel = "N", description = "The new, larger, number of partitions.")
        Integer partitions;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Set a topic config (repeatable).")
        List<String> configs = new ArrayList<>();

        @Option(names = "--delete-config", paramLabel = "KEY",
                description = "Remove a topic config override (repeatable).")
        List<String> deleteConfigs = new ArrayList<>();

        @Override
        public Integer call() {
            if (partitions == null && configs.isEmpty() && deleteConfigs.isEmpty()) {
                throw new CliFailure("nothing to alter: give --partitions, --config or --delete-config",
                        CliFailure.USAGE);
            }
            if (partitions != null && partitions < 1) {
                throw new CliFailure("--partitions must be at least 1, got " + partitions, CliFailure.USAGE);
            }
            Map<String, String> set = keyValues(configs, "--config");
            try (Admin admin = client.admin()) {
                if (partitions != null) {
                    client.await(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all());
                    System.out.println("Topic " + topic + " now has " + partitions + " partitions.");
                }
                if (!set.isEmpty() || !deleteConfigs.isEmpty()) {
                    List<AlterConfigOp> ops = new ArrayList<>();
                    set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                    deleteConfigs.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, ""),
                            AlterConfigOp.OpType.DELETE)));
                    client.await(admin.incrementalAlterConfigs(
                            Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), ops)).all());
                    List<String> changes = new ArrayList<>();
                    set.forEach((k, v) -> changes.add(k + "=" + v));
                    deleteConfigs.forEach(k -> changes.add("-" + k));
                    System.out.println("Updated the configs of topic " + topic + ": " + String.join(", ", changes));
                }
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics and their data.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "TOPIC", arity = "1..*", description = "Topics to delete.")
        List<String> topics;

        @Option(names = "--if-exists", description = "Succeed quietly for topics that do not exist.")
        boolean ifExists;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                for (String topic : topics) {
                    try {
                        client.await(admin.deleteTopics(List.of(topic)).all());
                        System.out.println("Deleted topic " + topic + ".");
                    } catch (CliFailure e) {
                        if (topicExists(admin, topic)) {
                            throw e;
                        }
                        if (!ifExists) {
                            throw new CliFailure("topic " + topic + " does not exist");
                        }
                    }
                }
            }
            return 0;
        }

        private boolean topicExists(Admin admin, String name) {
            return client.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()).contains(name);
        }
    }
}
