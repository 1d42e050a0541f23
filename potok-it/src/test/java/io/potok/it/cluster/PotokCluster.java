package io.potok.it.cluster;

import io.potok.it.Parallel;
import io.potok.it.PotokNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * N real {@code ./potok start} processes forming one cluster on loopback: node {@code i} runs with
 * {@code --set node.id=i}, {@code listeners=PLAINTEXT://127.0.0.1:Pi,CONTROLLER://127.0.0.1:Ci} and
 * the shared {@code controller.quorum.voters=1@127.0.0.1:C1,...}. Ports are picked once, so a
 * node restarts on the same addresses with the same data directory.
 *
 * <p>Nodes are combined brokers and controllers unless {@link Builder#roles} says otherwise: a
 * controller-only node is a voter listening on {@code CONTROLLER://127.0.0.1:Ci} alone (its
 * "client port" is {@code Ci}, where its ready line points); a broker-only node is no voter and has
 * no CONTROLLER listener. {@code controller.quorum.voters} lists the controller nodes only.
 *
 * <p>Every node is a {@link PotokNode} (output in {@code target/potok-it-logs/<name>-n<i>.log}).
 * {@link #close()} stops all of them by PID, in parallel, and deletes their data.
 */
public final class PotokCluster implements AutoCloseable {
    private final Map<Integer, PotokNode> nodes = new TreeMap<>();
    private final Map<Integer, Integer> clientPorts = new TreeMap<>();
    /** process.roles of the nodes that are not combined broker + controller. */
    private final Map<Integer, String> roles;

    private PotokCluster(String name, int size, Map<String, String> settings, Map<Integer, String> roles) {
        this.roles = Map.copyOf(roles);
        Map<Integer, Integer> quorumPorts = new TreeMap<>();
        for (int id = 1; id <= size; id++) {
            if (isBroker(id)) {
                clientPorts.put(id, PotokNode.freePort());
            }
            if (isController(id)) {
                quorumPorts.put(id, PotokNode.freePort());
            }
        }
        String voters = quorumPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        for (int id = 1; id <= size; id++) {
            PotokNode.Builder builder = PotokNode.builder(name + "-n" + id)
                    .set("node.id", Integer.toString(id))
                    .set("controller.quorum.voters", voters);
            if (!isBroker(id)) {
                builder.port(quorumPorts.get(id)).set("process.roles", "controller");
            } else if (!isController(id)) {
                builder.port(clientPorts.get(id)).set("process.roles", "broker");
            } else {
                builder.port(clientPorts.get(id)).controllerPort(quorumPorts.get(id));
            }
            settings.forEach(builder::set);
            nodes.put(id, builder.build());
        }
    }

    private boolean isBroker(int id) {
        return roles.getOrDefault(id, "broker,controller").contains("broker");
    }

    private boolean isController(int id) {
        return roles.getOrDefault(id, "broker,controller").contains("controller");
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Cluster size and {@code --set} overrides for every node. */
    public static final class Builder {
        private final String name;
        private int size = 3;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<Integer, String> roles = new TreeMap<>();

        private Builder(String name) {
            this.name = name;
            // Small node JVMs share two cores: fewer threads than Kafka's defaults.
            settings.put("num.io.threads", "4");
            settings.put("num.network.threads", "2");
        }

        public Builder size(int nodes) {
            this.size = nodes;
            return this;
        }

        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** {@code process.roles} of node {@code id}: "broker", "controller" (default "broker,controller"). */
        public Builder roles(int id, String processRoles) {
            roles.put(id, processRoles);
            return this;
        }

        /** Builds the cluster and starts all nodes together (each waits for a quorum of the others). */
        public PotokCluster start() {
            PotokCluster cluster = new PotokCluster(name, size, settings, roles);
            try {
                Parallel.run("potok-cluster-op", cluster.nodes.keySet().stream().map(id -> (Runnable) () -> cluster.node(id).start())
                        .toList());
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }
    }

    // ------------------------------------------------------------------ nodes

    public PotokNode node(int id) {
        PotokNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        }
        return node;
    }

    public List<Integer> ids() {
        return new ArrayList<>(nodes.keySet());
    }

    public List<Integer> runningIds() {
        return nodes.entrySet().stream().filter(e -> e.getValue().isRunning()).map(Map.Entry::getKey).toList();
    }

    /** The nodes that are brokers (every node unless {@link Builder#roles} made some controllers only). */
    public List<Integer> brokerIds() {
        return new ArrayList<>(clientPorts.keySet());
    }

    public int clientPort(int id) {
        Integer port = clientPorts.get(id);
        if (port == null) {
            throw new IllegalArgumentException("node " + id + " is a controller only: it has no client port");
        }
        return port;
    }

    /** SIGKILL, like {@code kill -9}: no controlled shutdown, no clean log close. */
    public void kill(int id) {
        node(id).kill();
    }

    /** SIGTERM and wait for the exit: the node's controlled shutdown runs first. */
    public boolean stop(int id) {
        return node(id).stop();
    }

    /** Starts a stopped node again on its ports and data directory; returns once it serves. */
    public void restart(int id) {
        node(id).start();
    }

    /** Starts every node that is not running (in parallel). */
    public void startStopped() {
        Parallel.run("potok-cluster-op", nodes.keySet().stream().filter(id -> !node(id).isRunning())
                .map(id -> (Runnable) () -> node(id).start()).toList());
    }

    @Override
    public void close() {
        Parallel.run("potok-cluster-op", nodes.values().stream().map(n -> (Runnable) n::close).toList());
    }

    // ------------------------------------------------------------------ clients

    /** The client addresses of the running brokers. */
    public String bootstrap() {
        return runningIds().stream().filter(clientPorts::containsKey).map(id -> "127.0.0.1:" + clientPorts.get(id))
                .collect(Collectors.joining(","));
    }

    public String bootstrap(int id) {
        return "127.0.0.1:" + clientPort(id);
    }

    public Admin admin(String bootstrap) {
        Map<String, Object> c = new java.util.HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "potok-it-cluster-admin");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        c.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 200);
        c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return Admin.create(c);
    }

    /**
     * One Metadata request (all topics) to node {@code id} itself, over a fresh connection: what
     * exactly that node answers from its own image, unlike a client that may ask any node.
     */
    public MetadataResponseData metadata(int id) {
        short version = 12;
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, version, "potok-it-cluster", 1);
        ByteBuffer request = MetadataRequest.Builder.allTopics().build(version).serializeWithHeader(header);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", clientPort(id)), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] frame = new byte[4 + request.remaining()];
            ByteBuffer.wrap(frame).putInt(request.remaining()).put(request);
            out.write(frame);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return ((MetadataResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(body), header)).data();
        } catch (IOException e) {
            throw new UncheckedIOException("Metadata from node " + id + " failed", e);
        }
    }

    @Override
    public String toString() {
        return nodes.values().toString();
    }
}
