package io.potok.server.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code potok group list|describe|reset}, in the manner of {@code kafka-consumer-groups}. */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "List and describe consumer groups, and reset their committed offsets.",
        subcommands = {GroupCommand.ListGroups.class, GroupCommand.Describe.class, GroupCommand.Reset.class})
final class GroupCommand extends CommandGroup {
    private static final Comparator<TopicPartition> BY_TOPIC_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    @Spec
    CommandSpec spec;

    @Override
    CommandSpec spec() {
        return spec;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the groups with type and state.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                List<GroupListing> groups = new ArrayList<>(client.await(admin.listGroups().all()));
                groups.sort(Comparator.comparing(GroupListing::groupId));
                Table table = new Table("GROUP", "TYPE", "PROTOCOL", "STATE");
                for (GroupListing g : groups) {
                    table.row(g.groupId(), g.type().map(t -> t.toString().toLowerCase()).orElse("-"),
                            g.protocol() == null || g.protocol().isEmpty() ? "-" : g.protocol(),
                            g.groupState().map(GroupState::toString).orElse("-"));
                }
                table.print(System.out);
            }
            return 0;
        }
    }

    /** The group's state, refusing a group the coordinator does not know. */
    private static ConsumerGroupDescription describe(ClientOptions client, Admin admin, String group) {
        ConsumerGroupDescription d = client.await(admin.describeConsumerGroups(List.of(group)).all()).get(group);
        if (d == null || d.groupState() == GroupState.DEAD) {
            throw new CliFailure("consumer group '" + group + "' does not exist");
        }
        return d;
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Committed offsets, log end offsets, lag and members of consumer groups.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "GROUP", arity = "1..*", description = "Groups to describe.")
        List<String> groups;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                boolean first = true;
                for (String group : groups) {
                    if (!first) {
                        System.out.println();
                    }
                    first = false;
                    describeOne(admin, group);
                }
            }
            return 0;
        }

        private void describeOne(Admin admin, String group) {
            ConsumerGroupDescription d = describe(client, admin, group);
            Map<TopicPartition, OffsetAndMetadata> committed = client.await(
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
            Map<TopicPartition, MemberDescription> owners = new HashMap<>();
            for (MemberDescription m : d.members()) {
                m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m));
            }
            Map<TopicPartition, Long> ends = new TreeMap<>(BY_TOPIC_PARTITION);
            committed.keySet().forEach(tp -> ends.put(tp, null));
            owners.keySet().forEach(tp -> ends.put(tp, null));
            ends.putAll(endOffsets(client, admin, ends.keySet(), OffsetSpec.latest()));
            if (d.members().isEmpty()) {
                System.out.println("Consumer group '" + group + "' has no active members.");
            }
            System.out.println("Group: " + group + "  State: " + d.groupState() + "  Type: "
                    + d.type().toString().toLowerCase() + "  Members: " + d.members().size() + "  Coordinator: "
                    + (d.coordinator() == null ? "-" : d.coordinator().id()));
            Table table = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                    "CONSUMER-ID", "HOST", "CLIENT-ID");
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                TopicPartition tp = e.getKey();
                OffsetAndMetadata offset = committed.get(tp);
                Long end = e.getValue();
                String lag = offset == null || end == null ? "-" : Long.toString(Math.max(0, end - offset.offset()));
                MemberDescription owner = owners.get(tp);
                table.row(group, tp.topic(), tp.partition(), offset == null ? "-" : offset.offset(),
                        end == null ? "-" : end, lag, owner == null ? "-" : owner.consumerId(),
                        owner == null ? "-" : owner.host(), owner == null ? "-" : owner.clientId());
            }
            table.print(System.out);
        }
    }

    /** Offsets of {@code partitions} by {@code spec}; partitions whose lookup fails are left out. */
    static Map<TopicPartition, Long> endOffsets(ClientOptions client, Admin admin, Set<TopicPartition> partitions,
                                                OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> infos = client.await(admin.listOffsets(request).all());
        Map<TopicPartition, Long> out = new HashMap<>();
        infos.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Reset a consumer group's committed offsets (the group must have no active members). "
                    + "Shows the plan unless --execute is given.")
    static final class Reset implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "GROUP", description = "The group whose offsets to reset.")
        String group;

        @Option(names = "--topic", paramLabel = "TOPIC",
                description = "Reset this topic's partitions (repeatable; default: every topic the group committed).")
        List<String> topics = new ArrayList<>();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--to-earliest", required = true, description = "To the log start offset.")
            boolean earliest;

            @Option(names = "--to-latest", required = true, description = "To the log end offset.")
            boolean latest;

            @Option(names = "--to-offset", required = true, paramLabel = "OFFSET",
                    description = "To OFFSET (kept within the log's start and end).")
            Long offset;

            @Option(names = "--shift-by", required = true, paramLabel = "N",
                    description = "Move the committed offset by N (negative: back).")
            Long shift;
        }

        @Option(names = "--execute", description = "Apply the new offsets (without it, only print them).")
        boolean execute;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                ConsumerGroupDescription d = client.await(admin.describeConsumerGroups(List.of(group)).all()).get(group);
                GroupState state = d == null ? GroupState.DEAD : d.groupState();
                if (state != GroupState.EMPTY && state != GroupState.DEAD) {
                    throw new CliFailure("offsets of group '" + group + "' can only be reset while it has no "
                            + "active members; its state is " + state);
                }
                Map<TopicPartition, OffsetAndMetadata> committed = client.await(
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
                Set<TopicPartition> partitions = new java.util.TreeSet<>(BY_TOPIC_PARTITION);
                if (topics.isEmpty()) {
                    partitions.addAll(committed.keySet());
                    if (partitions.isEmpty()) {
                        throw new CliFailure("group '" + group + "' has no committed offsets; name the topics with --topic");
                    }
                } else {
                    Map<String, TopicDescription> described = client.await(admin.describeTopics(topics).allTopicNames());
                    for (TopicDescription t : described.values()) {
                        for (TopicPartitionInfo p : t.partitions()) {
                            partitions.add(new TopicPartition(t.name(), p.partition()));
                        }
                    }
                }
                Map<TopicPartition, Long> earliest = endOffsets(client, admin, partitions, OffsetSpec.earliest());
                Map<TopicPartition, Long> latest = endOffsets(client, admin, partitions, OffsetSpec.latest());
                Map<TopicPartition, OffsetAndMetadata> plan = new TreeMap<>(BY_TOPIC_PARTITION);
                for (TopicPartition tp : partitions) {
                    long low = earliest.getOrDefault(tp, 0L);
                    long high = latest.getOrDefault(tp, low);
                    long wanted;
                    if (target.earliest) {
                        wanted = low;
                    } else if (target.latest) {
                        wanted = high;
                    } else if (target.offset != null) {
                        wanted = target.offset;
                    } else {
                        OffsetAndMetadata current = committed.get(tp);
                        wanted = (current == null ? high : current.offset()) + target.shift;
                    }
                    plan.put(tp, new OffsetAndMetadata(Math.max(low, Math.min(high, wanted))));
                }
                if (execute) {
                    client.await(admin.alterConsumerGroupOffsets(group, plan).all());
                }
                Table table = new Table("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
                plan.forEach((tp, o) -> table.row(group, tp.topic(), tp.partition(), o.offset()));
                table.print(System.out);
                if (!execute) {
                    System.err.println("potok: dry run, nothing changed; add --execute to apply these offsets");
                }
            }
            return 0;
        }
    }
}
