package io.potok.server.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code potok cluster status}: brokers, the active controller and partition health. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Show the state of the cluster.",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand extends CommandGroup {
    @Spec
    CommandSpec spec;

    @Override
    CommandSpec spec() {
        return spec;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Cluster id, brokers, active controller, and under-replicated and offline partitions.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                DescribeClusterResult cluster = admin.describeCluster();
                String clusterId = client.await(cluster.clusterId());
                Node controller = client.await(cluster.controller());
                List<Node> brokers = new ArrayList<>(client.await(cluster.nodes()));
                brokers.sort(Comparator.comparingInt(Node::id));
                Collection<String> names = new TreeSet<>(client.await(
                        admin.listTopics(new ListTopicsOptions().listInternal(true)).names()));
                Map<String, TopicDescription> topics = names.isEmpty() ? Map.of()
                        : client.await(admin.describeTopics(names).allTopicNames());

                int partitions = 0;
                Table unhealthy = new Table("TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "PROBLEM");
                int underReplicated = 0;
                int offline = 0;
                for (String name : names) {
                    for (TopicPartitionInfo p : topics.get(name).partitions()) {
                        partitions++;
                        boolean noLeader = p.leader() == null || p.leader().isEmpty();
                        boolean under = p.isr().size() < p.replicas().size();
                        if (noLeader) {
                            offline++;
                        }
                        if (under) {
                            underReplicated++;
                        }
                        if (noLeader || under) {
                            unhealthy.row(name, p.partition(), noLeader ? "none" : p.leader().id(),
                                    TopicCommand.ids(p.replicas()), TopicCommand.ids(p.isr()),
                                    noLeader ? "offline" : "under-replicated");
                        }
                    }
                }
                long internal = topics.values().stream().filter(TopicDescription::isInternal).count();
                System.out.println("Cluster id:  " + clusterId);
                System.out.println("Controller:  " + (controller == null || controller.isEmpty() ? "none"
                        : controller.id()));
                System.out.println("Brokers:     " + brokers.size());
                System.out.println("Topics:      " + names.size() + " (" + internal + " internal)");
                System.out.println("Partitions:  " + partitions + " (" + underReplicated + " under-replicated, "
                        + offline + " offline)");
                System.out.println();
                Table table = new Table("BROKER", "HOST", "PORT", "RACK", "ROLE");
                for (Node b : brokers) {
                    table.row(b.id(), b.host(), b.port(), b.hasRack() ? b.rack() : "-",
                            controller != null && controller.id() == b.id() ? "broker,active-controller" : "broker");
                }
                table.print(System.out);
                if (unhealthy.size() > 0) {
                    System.out.println();
                    unhealthy.print(System.out);
                }
            }
            return 0;
        }
    }
}
