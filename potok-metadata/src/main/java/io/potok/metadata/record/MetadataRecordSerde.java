package io.potok.metadata.record;

import io.potok.metadata.record.MetadataRecord.Config;
import io.potok.metadata.record.MetadataRecord.CreateTopic;
import io.potok.metadata.record.MetadataRecord.Partition;
import io.potok.metadata.record.MetadataRecord.ProducerIds;
import io.potok.metadata.record.MetadataRecord.RegisterBroker;
import io.potok.metadata.record.MetadataRecord.RemoveTopic;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import static io.potok.metadata.record.BinaryFields.readInts;
import static io.potok.metadata.record.BinaryFields.readOptional;
import static io.potok.metadata.record.BinaryFields.readString;
import static io.potok.metadata.record.BinaryFields.readUuid;
import static io.potok.metadata.record.BinaryFields.writeInts;
import static io.potok.metadata.record.BinaryFields.writeOptional;
import static io.potok.metadata.record.BinaryFields.writeString;
import static io.potok.metadata.record.BinaryFields.writeUuid;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * Binary form of a batch of metadata records: {@code count:int} then per record a type byte and
 * its fields. A batch is the unit of atomicity: all records of one controller decision.
 */
public final class MetadataRecordSerde {
    private static final byte REGISTER_BROKER = 1;
    private static final byte CREATE_TOPIC = 2;
    private static final byte PARTITION = 3;
    private static final byte CONFIG = 4;
    private static final byte REMOVE_TOPIC = 5;
    private static final byte PRODUCER_IDS = 6;
    private static final byte FENCE_BROKER = 7;
    private static final byte UNFENCE_BROKER = 8;
    /** PARTITION plus the reassignment lists; PARTITION entries are still read. */
    private static final byte PARTITION_V2 = 9;

    private MetadataRecordSerde() {
    }

    public static byte[] serialize(List<MetadataRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * records.size() + 4);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(records.size());
            for (MetadataRecord record : records) {
                write(out, record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return bytes.toByteArray();
    }

    public static List<MetadataRecord> deserialize(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int count = in.readInt();
        if (count < 0 || count > payload.length) {
            throw new IOException("Corrupt metadata batch: record count " + count);
        }
        List<MetadataRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(read(in));
        }
        return records;
    }

    private static void write(DataOutputStream out, MetadataRecord record) throws IOException {
        if (record instanceof RegisterBroker r) {
            out.writeByte(REGISTER_BROKER);
            out.writeInt(r.id());
            writeString(out, r.host());
            out.writeInt(r.port());
            writeOptional(out, r.rack());
        } else if (record instanceof CreateTopic r) {
            out.writeByte(CREATE_TOPIC);
            writeString(out, r.name());
            writeUuid(out, r.id());
        } else if (record instanceof Partition r) {
            out.writeByte(PARTITION_V2);
            writeUuid(out, r.topicId());
            out.writeInt(r.partition());
            writeInts(out, r.replicas());
            writeInts(out, r.isr());
            out.writeInt(r.leader());
            out.writeInt(r.leaderEpoch());
            out.writeInt(r.partitionEpoch());
            writeInts(out, r.addingReplicas());
            writeInts(out, r.removingReplicas());
        } else if (record instanceof Config r) {
            out.writeByte(CONFIG);
            out.writeByte(r.kind().ordinal());
            writeString(out, r.resource());
            writeString(out, r.key());
            writeOptional(out, r.value());
        } else if (record instanceof RemoveTopic r) {
            out.writeByte(REMOVE_TOPIC);
            writeUuid(out, r.id());
        } else if (record instanceof ProducerIds r) {
            out.writeByte(PRODUCER_IDS);
            out.writeLong(r.nextProducerId());
        } else if (record instanceof MetadataRecord.FenceBroker r) {
            out.writeByte(FENCE_BROKER);
            out.writeInt(r.id());
        } else if (record instanceof MetadataRecord.UnfenceBroker r) {
            out.writeByte(UNFENCE_BROKER);
            out.writeInt(r.id());
        } else {
            throw new IllegalArgumentException("Unknown metadata record " + record);
        }
    }

    private static MetadataRecord read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        return switch (type) {
            case REGISTER_BROKER -> new RegisterBroker(in.readInt(), readString(in), in.readInt(), readOptional(in));
            case CREATE_TOPIC -> new CreateTopic(readString(in), readUuid(in));
            case PARTITION -> new Partition(readUuid(in), in.readInt(), readInts(in), readInts(in), in.readInt(),
                    in.readInt(), in.readInt());
            case PARTITION_V2 -> new Partition(readUuid(in), in.readInt(), readInts(in), readInts(in), in.readInt(),
                    in.readInt(), in.readInt(), readInts(in), readInts(in));
            case CONFIG -> new Config(readResourceKind(in), readString(in), readString(in), readOptional(in));
            case REMOVE_TOPIC -> new RemoveTopic(readUuid(in));
            case PRODUCER_IDS -> new ProducerIds(in.readLong());
            case FENCE_BROKER -> new MetadataRecord.FenceBroker(in.readInt());
            case UNFENCE_BROKER -> new MetadataRecord.UnfenceBroker(in.readInt());
            default -> throw new IOException("Unknown metadata record type " + type);
        };
    }

    /** A resource kind by ordinal; an unknown one is corruption, not a programming error. */
    public static ResourceKind readResourceKind(DataInputStream in) throws IOException {
        int ordinal = in.readByte();
        if (ordinal < 0 || ordinal >= ResourceKind.values().length) {
            throw new IOException("Corrupt metadata: unknown resource kind " + ordinal);
        }
        return ResourceKind.values()[ordinal];
    }








}
