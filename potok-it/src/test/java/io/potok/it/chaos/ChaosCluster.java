package io.potok.it.chaos;

import io.potok.it.Parallel;
import io.potok.it.PotokNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A cluster of real {@code ./potok start} processes (combined broker + controller nodes, ids 1..n)
 * with a {@link TcpProxy} in front of each node's client port and quorum port. Every node
 * advertises its proxies (advertised.listeners, controller.quorum.voters) and binds its real
 * listeners behind them, so all traffic between nodes, and from clients, passes the proxies and
 * {@link #isolate} can cut a node off both ways.
 *
 * <p>Each node's output goes to {@code target/potok-it-logs/<name>-n<id>.log}. {@link #close()}
 * heals the network, stops every node by PID and deletes their data directories.
 */
public final class ChaosCluster implements AutoCloseable {
    private static final Duration API_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final int size;
    private final Map<Integer, PotokNode> nodes = new TreeMap<>();
    private final Map<Integer, TcpProxy> clientProxies = new TreeMap<>();
    private final Map<Integer, TcpProxy> quorumProxies = new TreeMap<>();
    private final Map<Integer, Integer> clientPorts = new HashMap<>();
    private final NetworkFaults network = new NetworkFaults();

    private ChaosCluster(Builder b) {
        this.name = b.name;
        this.size = b.size;
        boolean ok = false;
        try {
            Map<Integer, Integer> quorumPorts = new HashMap<>();
            for (int id = 1; id <= size; id++) {
                int nodeId = id;
                clientPorts.put(id, PotokNode.freePort());
                quorumPorts.put(id, PotokNode.freePort());
                clientProxies.put(id, new TcpProxy(name + "-n" + id + "-client", PotokNode.freePort(), id,
                        () -> clientPorts.get(nodeId), network));
                quorumProxies.put(id, new TcpProxy(name + "-n" + id + "-quorum", PotokNode.freePort(), id,
                        () -> quorumPorts.get(nodeId), network));
            }
            String voters = quorumProxies.entrySet().stream()
                    .map(e -> e.getKey() + "@127.0.0.1:" + e.getValue().port()).collect(Collectors.joining(","));
            for (int id = 1; id <= size; id++) {
                PotokNode.Builder nb = PotokNode.builder(name + "-n" + id)
                        .port(clientPorts.get(id))
                        .controllerPort(quorumPorts.get(id))
                        .set("node.id", Integer.toString(id))
                        .set("controller.quorum.voters", voters)
                        .set("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientProxies.get(id).port());
                for (Map.Entry<String, String> e : b.common.entrySet()) {
                    nb.set(e.getKey(), e.getValue());
                }
                for (Map.Entry<String, String> e : b.perNode.getOrDefault(id, Map.of()).entrySet()) {
                    nb.set(e.getKey(), e.getValue());
                }
                PotokNode node = nb.build();
                nodes.put(id, node);
                network.registerNode(id, node::processId);
            }
            ok = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Cluster settings: size and {@code --set} overrides for all nodes or one. */
    public static final class Builder {
        private final String name;
        private int size = 3;
        private final Map<String, String> common = new LinkedHashMap<>();
        private final Map<Integer, Map<String, String>> perNode = new HashMap<>();

        private Builder(String name) {
            this.name = name;
            // Kafka's session timeout: a node's quorum client needs up to its 5 s request timeout to
            // find a new controller when the old one vanished, so shorter sessions fence live brokers.
            common.put("broker.heartbeat.interval.ms", "1000");
            common.put("broker.session.timeout.ms", "9000");
            common.put("num.io.threads", "4");
            common.put("num.network.threads", "2");
            common.put("default.replication.factor", Integer.toString(size));
        }

        public Builder size(int nodes) {
            this.size = nodes;
            common.put("default.replication.factor", Integer.toString(Math.min(3, nodes)));
            return this;
        }

        public Builder set(String key, String value) {
            common.put(key, value);
            return this;
        }

        public Builder set(int nodeId, String key, String value) {
            perNode.computeIfAbsent(nodeId, id -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        public ChaosCluster build() {
            return new ChaosCluster(this);
        }

        /** Builds and starts every node (in parallel: each waits for a quorum of the others). */
        public ChaosCluster start() {
            ChaosCluster cluster = build();
            try {
                cluster.startAll();
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    public void startAll() {
        List<Runnable> starts = new ArrayList<>();
        for (int id : nodes.keySet()) {
            starts.add(() -> startNode(id));
        }
        Parallel.run("chaos-cluster-task", starts);
    }

    public void startNode(int id) {
        node(id).start();
    }

    /** SIGKILL, like {@code kill -9}. */
    public void kill(int id) {
        node(id).kill();
    }

    /** SIGTERM and wait (clean shutdown with controlled leadership moves). */
    public void stop(int id) {
        node(id).stop();
    }

    /** Stops every running node cleanly, in parallel. */
    public void stopAll() {
        List<Runnable> stops = new ArrayList<>();
        for (PotokNode node : nodes.values()) {
            stops.add(node::stop);
        }
        Parallel.run("chaos-cluster-task", stops);
    }

    /** Cuts node {@code id} off from its peers and from clients, both ways. */
    public void isolate(int id, NetworkFaults.Mode mode) {
        network.isolate(id, mode);
    }

    public void heal(int id) {
        network.heal(id);
    }

    public NetworkFaults network() {
        return network;
    }

    @Override
    public void close() {
        try {
            network.healAll();
        } catch (RuntimeException | Error e) {
            // the nodes must go whatever happened to the network
        }
        List<Runnable> closes = new ArrayList<>();
        for (PotokNode node : nodes.values()) {
            closes.add(node::close);
        }
        try {
            Parallel.run("chaos-cluster-task", closes);
        } finally {
            network.closeAll();
            clientProxies.values().forEach(TcpProxy::close);
            quorumProxies.values().forEach(TcpProxy::close);
        }
    }

    // ------------------------------------------------------------------ accessors

    public Set<Integer> ids() {
        return nodes.keySet();
    }

    public PotokNode node(int id) {
        PotokNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        }
        return node;
    }

    /** The node's data directory ({@code log.dirs}). */
    public Path logDir(int id) {
        return node(id).dataDir().resolve("data");
    }

    public Path logFile(int id) {
        return node(id).logFile();
    }

    /** Every node's client proxy: what clients bootstrap from. */
    public String bootstrap() {
        return clientProxies.values().stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
    }

    /** One node's client proxy. */
    public String bootstrap(int id) {
        return "127.0.0.1:" + clientProxies.get(id).port();
    }

    /** The node's real client port, bypassing its proxy. */
    public int directPort(int id) {
        return clientPorts.get(id);
    }

    public Admin admin() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, name + "-admin");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
        c.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        return Admin.create(c);
    }

    /** The active controller as DescribeCluster reports it, or -1. */
    public static int activeController(Admin admin) {
        try {
            Node controller = admin.describeCluster().controller().get(API_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return controller == null ? -1 : controller.id();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Partition → its description, or an empty map if the cluster does not answer now. */
    public static Map<Integer, TopicPartitionInfo> describe(Admin admin, String topic) {
        return describe(admin, topic, API_TIMEOUT);
    }

    /** As {@link #describe(Admin, String)}, giving up after {@code timeout}. */
    public static Map<Integer, TopicPartitionInfo> describe(Admin admin, String topic, Duration timeout) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic),
                            new org.apache.kafka.clients.admin.DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
                    .allTopicNames().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS).get(topic);
            Map<Integer, TopicPartitionInfo> out = new TreeMap<>();
            d.partitions().forEach(p -> out.put(p.partition(), p));
            return out;
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** True when every partition of the topic has a leader and all its replicas in the ISR. */
    public static boolean fullyReplicated(Map<Integer, TopicPartitionInfo> partitions, int expectedPartitions) {
        if (partitions.size() != expectedPartitions) {
            return false;
        }
        for (TopicPartitionInfo p : partitions.values()) {
            if (p.leader() == null || p.leader().id() < 0 || p.isr().size() != p.replicas().size()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until every partition of {@code topic} is fully replicated in the metadata of every node
     * (asked directly, not through a client that may ask a node whose image is stale, such as one
     * just reconnected); returns false on timeout.
     */
    public boolean awaitFullyReplicated(Admin admin, String topic, int partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (fullyReplicatedEverywhere(topic, partitions)) {
                return true;
            }
            sleep(250);
        }
        return false;
    }

    /** True if every running node's own metadata shows each partition led and with all replicas in sync. */
    public boolean fullyReplicatedEverywhere(String topic, int partitions) {
        for (int id : nodes.keySet()) {
            if (!node(id).isRunning()) {
                return false;
            }
            try (RawKafka wire = new RawKafka("127.0.0.1", clientPorts.get(id), 5_000)) {
                org.apache.kafka.common.requests.MetadataResponse response = wire.send(
                        new org.apache.kafka.common.requests.MetadataRequest.Builder(List.of(topic), false)
                                .build((short) 12));
                List<org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic> topics =
                        new ArrayList<>(response.data().topics());
                if (topics.size() != 1 || topics.get(0).partitions().size() != partitions) {
                    return false;
                }
                for (org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition p
                        : topics.get(0).partitions()) {
                    if (p.errorCode() != 0 || p.leaderId() < 0
                            || !new java.util.HashSet<>(p.isrNodes()).equals(new java.util.HashSet<>(p.replicaNodes()))) {
                        return false;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /** A compact view for logs: {@code p0 L1 isr[1,2,3] ...}. */
    public static String summary(Map<Integer, TopicPartitionInfo> partitions) {
        StringBuilder sb = new StringBuilder();
        for (TopicPartitionInfo p : partitions.values()) {
            sb.append(" p").append(p.partition()).append(" L").append(p.leader() == null ? -1 : p.leader().id())
                    .append(" isr").append(p.isr().stream().map(Node::id).sorted().toList());
        }
        return sb.length() == 0 ? " (no answer)" : sb.toString();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "cluster " + name + " of " + size + " nodes, bootstrap " + bootstrap();
    }
}
