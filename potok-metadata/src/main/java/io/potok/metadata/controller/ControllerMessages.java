package io.potok.metadata.controller;

import static io.potok.metadata.record.BinaryFields.readInts;
import static io.potok.metadata.record.BinaryFields.readOptional;
import static io.potok.metadata.record.BinaryFields.readString;
import static io.potok.metadata.record.BinaryFields.readUuid;
import static io.potok.metadata.record.BinaryFields.writeInts;
import static io.potok.metadata.record.BinaryFields.writeOptional;
import static io.potok.metadata.record.BinaryFields.writeString;
import static io.potok.metadata.record.BinaryFields.writeUuid;

import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.quorum.QuorumDescription;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.requests.ApiError;

/**
 * Binary form of commands forwarded to the active controller and of its replies. A reply carries
 * the metadata offset at which the command's effects are committed, so the asking node can wait
 * until its own image has caught up before it answers its client.
 */
public final class ControllerMessages {
    private static final byte CREATE_TOPICS = 1;
    private static final byte DELETE_TOPICS = 2;
    private static final byte CREATE_PARTITIONS = 3;
    private static final byte ALTER_CONFIGS = 4;
    private static final byte ALLOCATE_PRODUCER_IDS = 5;
    private static final byte REGISTER_BROKER = 6;
    private static final byte BROKER_HEARTBEAT = 7;
    private static final byte CONTROLLED_SHUTDOWN = 8;
    private static final byte ELECT_LEADERS = 9;
    private static final byte ALTER_PARTITION = 10;
    private static final byte ALTER_REASSIGNMENTS = 11;
    private static final byte DESCRIBE_QUORUM = 12;

    private static final byte RESULT_TOPICS = 1;
    private static final byte RESULT_ERROR = 2;
    private static final byte RESULT_PRODUCER_IDS = 3;
    private static final byte RESULT_ELECTIONS = 4;
    private static final byte RESULT_QUORUM = 5;

    /** A reply: the result and the offset that holds its effects (-1 when nothing was written). */
    public record Reply(ControllerResult result, long offset) {
    }

    private ControllerMessages() {
    }

    public static byte[] encodeCommand(ControllerCommand command) {
        return write(out -> {
            if (command instanceof ControllerCommand.CreateTopics c) {
                out.writeByte(CREATE_TOPICS);
                out.writeBoolean(c.validateOnly());
                out.writeInt(c.topics().size());
                for (NewTopic t : c.topics()) {
                    writeString(out, t.name());
                    out.writeInt(t.numPartitions());
                    out.writeShort(t.replicationFactor());
                    out.writeInt(t.assignments().size());
                    for (Map.Entry<Integer, List<Integer>> a : t.assignments().entrySet()) {
                        out.writeInt(a.getKey());
                        writeInts(out, a.getValue());
                    }
                    writeStringMap(out, t.configs());
                }
            } else if (command instanceof ControllerCommand.DeleteTopics c) {
                out.writeByte(DELETE_TOPICS);
                writeStrings(out, c.names());
            } else if (command instanceof ControllerCommand.CreatePartitions c) {
                out.writeByte(CREATE_PARTITIONS);
                out.writeBoolean(c.validateOnly());
                out.writeInt(c.newTotals().size());
                for (Map.Entry<String, Integer> e : c.newTotals().entrySet()) {
                    writeString(out, e.getKey());
                    out.writeInt(e.getValue());
                }
            } else if (command instanceof ControllerCommand.AlterConfigs c) {
                out.writeByte(ALTER_CONFIGS);
                out.writeByte(c.kind().ordinal());
                writeString(out, c.resource());
                out.writeBoolean(c.replaceAll());
                out.writeBoolean(c.validateOnly());
                out.writeInt(c.changes().size());
                for (Map.Entry<String, Optional<String>> e : c.changes().entrySet()) {
                    writeString(out, e.getKey());
                    writeOptional(out, e.getValue());
                }
            } else if (command instanceof ControllerCommand.AllocateProducerIds) {
                out.writeByte(ALLOCATE_PRODUCER_IDS);
            } else if (command instanceof ControllerCommand.RegisterBroker c) {
                out.writeByte(REGISTER_BROKER);
                out.writeInt(c.id());
                writeString(out, c.host());
                out.writeInt(c.port());
                writeOptional(out, c.rack());
            } else if (command instanceof ControllerCommand.BrokerHeartbeat c) {
                out.writeByte(BROKER_HEARTBEAT);
                out.writeInt(c.id());
            } else if (command instanceof ControllerCommand.ControlledShutdown c) {
                out.writeByte(CONTROLLED_SHUTDOWN);
                out.writeInt(c.id());
            } else if (command instanceof ControllerCommand.AlterPartition c) {
                out.writeByte(ALTER_PARTITION);
                writeString(out, c.topic());
                out.writeInt(c.partition());
                out.writeInt(c.leaderId());
                out.writeInt(c.leaderEpoch());
                out.writeInt(c.partitionEpoch());
                writeInts(out, c.newIsr());
            } else if (command instanceof ControllerCommand.AlterReassignments c) {
                out.writeByte(ALTER_REASSIGNMENTS);
                out.writeInt(c.targets().size());
                for (Map.Entry<String, Map<Integer, Optional<List<Integer>>>> t : c.targets().entrySet()) {
                    writeString(out, t.getKey());
                    out.writeInt(t.getValue().size());
                    for (Map.Entry<Integer, Optional<List<Integer>>> p : t.getValue().entrySet()) {
                        out.writeInt(p.getKey());
                        out.writeBoolean(p.getValue().isPresent());
                        if (p.getValue().isPresent()) {
                            writeInts(out, p.getValue().get());
                        }
                    }
                }
            } else if (command instanceof ControllerCommand.ElectLeaders c) {
                out.writeByte(ELECT_LEADERS);
                out.writeBoolean(c.unclean());
                out.writeBoolean(c.partitions() != null);
                if (c.partitions() != null) {
                    out.writeInt(c.partitions().size());
                    for (Map.Entry<String, List<Integer>> e : c.partitions().entrySet()) {
                        writeString(out, e.getKey());
                        writeInts(out, e.getValue());
                    }
                }
            } else if (command instanceof ControllerCommand.DescribeQuorum) {
                out.writeByte(DESCRIBE_QUORUM);
            } else {
                throw new IllegalArgumentException("Unknown command " + command);
            }
        });
    }

    public static ControllerCommand decodeCommand(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte type = in.readByte();
        switch (type) {
            case CREATE_TOPICS: {
                boolean validateOnly = in.readBoolean();
                int n = in.readInt();
                List<NewTopic> topics = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String name = readString(in);
                    int partitions = in.readInt();
                    short rf = in.readShort();
                    int assignmentCount = in.readInt();
                    Map<Integer, List<Integer>> assignments = new HashMap<>();
                    for (int a = 0; a < assignmentCount; a++) {
                        assignments.put(in.readInt(), readInts(in));
                    }
                    topics.add(new NewTopic(name, partitions, rf, assignments, readStringMap(in)));
                }
                return new ControllerCommand.CreateTopics(topics, validateOnly);
            }
            case DELETE_TOPICS:
                return new ControllerCommand.DeleteTopics(readStrings(in));
            case CREATE_PARTITIONS: {
                boolean validateOnly = in.readBoolean();
                int n = in.readInt();
                Map<String, Integer> totals = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    totals.put(readString(in), in.readInt());
                }
                return new ControllerCommand.CreatePartitions(totals, validateOnly);
            }
            case ALTER_CONFIGS: {
                ResourceKind kind = MetadataRecordSerde.readResourceKind(in);
                String resource = readString(in);
                boolean replaceAll = in.readBoolean();
                boolean validateOnly = in.readBoolean();
                int n = in.readInt();
                Map<String, Optional<String>> changes = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    changes.put(readString(in), readOptional(in));
                }
                return new ControllerCommand.AlterConfigs(kind, resource, changes, replaceAll, validateOnly);
            }
            case ALLOCATE_PRODUCER_IDS:
                return new ControllerCommand.AllocateProducerIds();
            case REGISTER_BROKER:
                return new ControllerCommand.RegisterBroker(in.readInt(), readString(in), in.readInt(), readOptional(in));
            case BROKER_HEARTBEAT:
                return new ControllerCommand.BrokerHeartbeat(in.readInt());
            case CONTROLLED_SHUTDOWN:
                return new ControllerCommand.ControlledShutdown(in.readInt());
            case ALTER_PARTITION:
                return new ControllerCommand.AlterPartition(readString(in), in.readInt(), in.readInt(), in.readInt(),
                        in.readInt(), readInts(in));
            case ALTER_REASSIGNMENTS: {
                int topics = in.readInt();
                Map<String, Map<Integer, Optional<List<Integer>>>> targets = new LinkedHashMap<>();
                for (int i = 0; i < topics; i++) {
                    String topic = readString(in);
                    int n = in.readInt();
                    Map<Integer, Optional<List<Integer>>> partitions = new LinkedHashMap<>();
                    for (int j = 0; j < n; j++) {
                        int partition = in.readInt();
                        partitions.put(partition, in.readBoolean() ? Optional.of(readInts(in)) : Optional.empty());
                    }
                    targets.put(topic, partitions);
                }
                return new ControllerCommand.AlterReassignments(targets);
            }
            case ELECT_LEADERS: {
                boolean unclean = in.readBoolean();
                Map<String, List<Integer>> partitions = null;
                if (in.readBoolean()) {
                    int n = in.readInt();
                    partitions = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        partitions.put(readString(in), readInts(in));
                    }
                }
                return new ControllerCommand.ElectLeaders(unclean, partitions);
            }
            case DESCRIBE_QUORUM:
                return new ControllerCommand.DescribeQuorum();
            default:
                throw new IOException("Unknown controller command type " + type);
        }
    }

    public static byte[] encodeReply(Reply reply) {
        return write(out -> {
            out.writeLong(reply.offset());
            ControllerResult result = reply.result();
            if (result instanceof ControllerResult.Topics r) {
                out.writeByte(RESULT_TOPICS);
                out.writeInt(r.results().size());
                for (TopicResult t : r.results()) {
                    writeString(out, t.name());
                    writeError(out, t.error());
                    out.writeBoolean(t.topic().isPresent());
                    if (t.topic().isPresent()) {
                        writeTopic(out, t.topic().get());
                    }
                }
            } else if (result instanceof ControllerResult.Error r) {
                out.writeByte(RESULT_ERROR);
                writeError(out, r.error());
            } else if (result instanceof ControllerResult.ProducerIdBlock r) {
                out.writeByte(RESULT_PRODUCER_IDS);
                out.writeLong(r.firstProducerId());
                out.writeInt(r.size());
            } else if (result instanceof ControllerResult.Elections r) {
                out.writeByte(RESULT_ELECTIONS);
                out.writeInt(r.results().size());
                for (Map.Entry<String, Map<Integer, ApiError>> e : r.results().entrySet()) {
                    writeString(out, e.getKey());
                    out.writeInt(e.getValue().size());
                    for (Map.Entry<Integer, ApiError> p : e.getValue().entrySet()) {
                        out.writeInt(p.getKey());
                        writeError(out, p.getValue());
                    }
                }
            } else if (result instanceof ControllerResult.Quorum r) {
                out.writeByte(RESULT_QUORUM);
                QuorumDescription q = r.description();
                out.writeInt(q.leaderId());
                out.writeLong(q.leaderEpoch());
                out.writeLong(q.highWatermark());
                writeReplicas(out, q.voters());
                writeReplicas(out, q.observers());
            }
        });
    }

    private static void writeReplicas(DataOutputStream out, List<QuorumDescription.Replica> replicas)
            throws IOException {
        out.writeInt(replicas.size());
        for (QuorumDescription.Replica r : replicas) {
            out.writeInt(r.id());
            out.writeLong(r.logEndOffset());
            out.writeLong(r.lastFetchTimestamp());
            out.writeLong(r.lastCaughtUpTimestamp());
        }
    }

    private static List<QuorumDescription.Replica> readReplicas(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("Bad replica count " + n);
        }
        List<QuorumDescription.Replica> replicas = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            replicas.add(new QuorumDescription.Replica(in.readInt(), in.readLong(), in.readLong(), in.readLong()));
        }
        return replicas;
    }

    public static Reply decodeReply(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        long offset = in.readLong();
        byte type = in.readByte();
        ControllerResult result;
        switch (type) {
            case RESULT_TOPICS: {
                int n = in.readInt();
                List<TopicResult> results = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String name = readString(in);
                    ApiError error = readError(in);
                    Optional<TopicImage> topic = in.readBoolean() ? Optional.of(readTopic(in)) : Optional.empty();
                    results.add(new TopicResult(name, error, topic));
                }
                result = new ControllerResult.Topics(results);
                break;
            }
            case RESULT_ERROR:
                result = new ControllerResult.Error(readError(in));
                break;
            case RESULT_PRODUCER_IDS:
                result = new ControllerResult.ProducerIdBlock(in.readLong(), in.readInt());
                break;
            case RESULT_ELECTIONS: {
                int n = in.readInt();
                Map<String, Map<Integer, ApiError>> results = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String topic = readString(in);
                    int m = in.readInt();
                    Map<Integer, ApiError> partitions = new LinkedHashMap<>();
                    for (int j = 0; j < m; j++) {
                        partitions.put(in.readInt(), readError(in));
                    }
                    results.put(topic, partitions);
                }
                result = new ControllerResult.Elections(results);
                break;
            }
            case RESULT_QUORUM:
                result = new ControllerResult.Quorum(new QuorumDescription(in.readInt(), in.readLong(), in.readLong(),
                        readReplicas(in), readReplicas(in)));
                break;
            default:
                throw new IOException("Unknown controller reply type " + type);
        }
        return new Reply(result, offset);
    }

    private static void writeTopic(DataOutputStream out, TopicImage t) throws IOException {
        writeString(out, t.name());
        writeUuid(out, t.id());
        out.writeInt(t.partitions().size());
        for (PartitionImage p : t.partitions()) {
            out.writeInt(p.partition());
            writeInts(out, p.replicas());
            writeInts(out, p.isr());
            out.writeInt(p.leader());
            out.writeInt(p.leaderEpoch());
            out.writeInt(p.partitionEpoch());
            writeInts(out, p.addingReplicas());
            writeInts(out, p.removingReplicas());
        }
        writeStringMap(out, t.configs());
    }

    private static TopicImage readTopic(DataInputStream in) throws IOException {
        String name = readString(in);
        Uuid id = readUuid(in);
        int n = in.readInt();
        List<PartitionImage> partitions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            partitions.add(new PartitionImage(in.readInt(), readInts(in), readInts(in), in.readInt(), in.readInt(),
                    in.readInt(), readInts(in), readInts(in)));
        }
        return new TopicImage(name, id, partitions, readStringMap(in));
    }

    private static void writeError(DataOutputStream out, ApiError error) throws IOException {
        out.writeShort(error.error().code());
        writeOptional(out, Optional.ofNullable(error.message()));
    }

    private static ApiError readError(DataInputStream in) throws IOException {
        short code = in.readShort();
        return new ApiError(code, readOptional(in).orElse(null));
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }





    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            writeString(out, v);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(readString(in));
        }
        return values;
    }

    private static void writeStringMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readStringMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }


}
