package io.potok.server.node;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * {@code meta.properties} in each log dir, as Kafka keeps it: the cluster id and node id the dir
 * belongs to. A fresh dir is formatted on first start (no separate format step, unlike Kafka);
 * a dir from another cluster or node is refused.
 */
final class MetaProperties {
    private static final String FILE = "meta.properties";

    private MetaProperties() {
    }

    /** Returns the cluster id shared by all dirs, formatting new dirs with it. */
    /** A cluster id every node computes alike from the same voter list. */
    static String clusterIdFor(String voters) {
        java.util.UUID uuid = java.util.UUID.nameUUIDFromBytes(("potok-cluster:" + voters)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString();
    }

    /**
     * Returns the cluster id shared by all dirs, formatting new dirs with it; {@code newClusterId}
     * (or a random id when null) is used only when no dir has one yet.
     */
    static String ensure(List<Path> dirs, int nodeId, String newClusterId) throws IOException {
        String clusterId = null;
        for (Path dir : dirs) {
            Optional<Properties> props = read(dir);
            if (props.isEmpty()) {
                continue;
            }
            String id = props.get().getProperty("cluster.id");
            String node = props.get().getProperty("node.id");
            if (node != null && !node.equals(Integer.toString(nodeId))) {
                throw new IllegalStateException("Log dir " + dir + " belongs to node.id=" + node
                        + " but this node is node.id=" + nodeId);
            }
            if (clusterId != null && id != null && !clusterId.equals(id)) {
                throw new IllegalStateException("Log dirs belong to different clusters: " + clusterId + " and " + id
                        + " (" + dir + ")");
            }
            clusterId = id;
        }
        if (clusterId == null) {
            clusterId = newClusterId != null ? newClusterId : Uuid.randomUuid().toString();
        }
        for (Path dir : dirs) {
            if (read(dir).isEmpty()) {
                write(dir, clusterId, nodeId);
            }
        }
        return clusterId;
    }

    private static Optional<Properties> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        }
        return Optional.of(props);
    }

    private static void write(Path dir, String clusterId, int nodeId) throws IOException {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.setProperty("version", "1");
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("directory.id", Uuid.randomUuid().toString());
        Path tmp = dir.resolve(FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            props.store(out, "Written by Potok on first start");
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
