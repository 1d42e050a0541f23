package io.potok.broker.group.log;

import io.potok.broker.group.classic.ClassicGroupSnapshot;
import io.potok.broker.group.consumer.Assignment;
import io.potok.broker.group.consumer.AssignmentEpochs;
import io.potok.broker.group.consumer.CurrentAssignment;
import io.potok.broker.group.consumer.MemberState;
import io.potok.broker.group.consumer.MemberSubscription;
import io.potok.broker.group.offsets.OffsetAndMetadata;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * Binary layout of {@link GroupRecord}s in {@code __consumer_offsets}. Key type numbers follow
 * Kafka's (so the topic reads the same way to an operator), the value layouts are Potok's own.
 * All integers are big-endian.
 *
 * <pre>
 * key   = int16 type, then
 *         1 offset commit            : string group, string topic, int32 partition
 *         2 classic group            : string group
 *         3 consumer group epoch     : string group
 *         5 consumer member          : string group, string member
 *         6 consumer target epoch    : string group
 *         7 consumer target member   : string group, string member
 *         8 consumer current member  : string group, string member
 * value = absent (tombstone), or int16 version (0), then
 *         1: int64 offset, int32 leaderEpoch, string metadata, int64 commitTs, int64 expireTs
 *         2: string protocolType, int32 generation, string protocolName, string leader, int64 stateTs,
 *            int32 n, n × (string member, string instance, string clientId, string clientHost,
 *                          int32 rebalanceTimeout, int32 sessionTimeout, bytes subscription, bytes assignment)
 *         3: int32 epoch, int64 metadataHash
 *         5: string instance, string rack, string clientId, string clientHost, int32 n, n × string topic,
 *            string regex, string assignor, int32 rebalanceTimeout
 *         6: int32 assignmentEpoch
 *         7: assignment
 *         8: int32 memberEpoch, int32 previousEpoch, int8 state, assignment assigned, assignment revoking,
 *            then (KIP-1251; added later, so optional) int32 n, n × int32 assignmentEpoch: one per partition of assigned,
 *            then of revoking, in their order; a value without them (or an older reader, which stops before
 *            them) takes every partition as assigned at memberEpoch
 * string     = int16 length (-1 for null) + UTF-8 bytes
 * bytes      = int32 length + bytes
 * assignment = int32 topics, topics × (uuid as two int64, int32 n, n × int32 partition)
 * </pre>
 *
 * <p>Stateless and thread-safe. A key of an unknown type reads as {@code null} (skipped on load),
 * so newer record types do not stop an older reader.
 */
public final class GroupRecordSerde {
    static final short OFFSET_COMMIT = 1;
    static final short CLASSIC_GROUP = 2;
    static final short CONSUMER_GROUP = 3;
    static final short CONSUMER_MEMBER = 5;
    static final short CONSUMER_TARGET_EPOCH = 6;
    static final short CONSUMER_TARGET_MEMBER = 7;
    static final short CONSUMER_CURRENT_MEMBER = 8;
    private static final short VALUE_VERSION = 0;

    private GroupRecordSerde() {
    }

    public static byte[] key(GroupRecord record) {
        Out out = new Out();
        if (record instanceof GroupRecord.OffsetCommit r) {
            out.i16(OFFSET_COMMIT).str(r.groupId()).str(r.topic()).i32(r.partition());
        } else if (record instanceof GroupRecord.ClassicGroupMetadata r) {
            out.i16(CLASSIC_GROUP).str(r.groupId());
        } else if (record instanceof GroupRecord.ConsumerGroupMetadata r) {
            out.i16(CONSUMER_GROUP).str(r.groupId());
        } else if (record instanceof GroupRecord.ConsumerGroupMemberMetadata r) {
            out.i16(CONSUMER_MEMBER).str(r.groupId()).str(r.memberId());
        } else if (record instanceof GroupRecord.ConsumerGroupTargetAssignmentMetadata r) {
            out.i16(CONSUMER_TARGET_EPOCH).str(r.groupId());
        } else if (record instanceof GroupRecord.ConsumerGroupTargetAssignmentMember r) {
            out.i16(CONSUMER_TARGET_MEMBER).str(r.groupId()).str(r.memberId());
        } else if (record instanceof GroupRecord.ConsumerGroupCurrentMemberAssignment r) {
            out.i16(CONSUMER_CURRENT_MEMBER).str(r.groupId()).str(r.memberId());
        }
        return out.bytes();
    }

    /** The value bytes, or null for a tombstone. */
    public static byte[] value(GroupRecord record) {
        if (record.isTombstone()) {
            return null;
        }
        Out out = new Out().i16(VALUE_VERSION);
        if (record instanceof GroupRecord.OffsetCommit r) {
            OffsetAndMetadata v = r.value();
            out.i64(v.offset()).i32(v.leaderEpoch()).str(v.metadata()).i64(v.commitTimestampMs())
                    .i64(v.expireTimestampMs());
        } else if (record instanceof GroupRecord.ClassicGroupMetadata r) {
            ClassicGroupSnapshot v = r.value();
            out.str(v.protocolType()).i32(v.generationId()).str(v.protocolName()).str(v.leaderId())
                    .i64(v.currentStateTimestampMs()).i32(v.members().size());
            for (ClassicGroupSnapshot.Member m : v.members()) {
                out.str(m.memberId()).str(m.groupInstanceId()).str(m.clientId()).str(m.clientHost())
                        .i32(m.rebalanceTimeoutMs()).i32(m.sessionTimeoutMs()).bytes(m.subscription())
                        .bytes(m.assignment());
            }
        } else if (record instanceof GroupRecord.ConsumerGroupMetadata r) {
            out.i32(r.value().epoch()).i64(r.value().metadataHash());
        } else if (record instanceof GroupRecord.ConsumerGroupMemberMetadata r) {
            MemberSubscription v = r.value();
            out.str(v.instanceId()).str(v.rackId()).str(v.clientId()).str(v.clientHost())
                    .i32(v.subscribedTopicNames().size());
            v.subscribedTopicNames().forEach(out::str);
            out.str(v.subscribedTopicRegex()).str(v.serverAssignor()).i32(v.rebalanceTimeoutMs());
        } else if (record instanceof GroupRecord.ConsumerGroupTargetAssignmentMetadata r) {
            out.i32(r.value());
        } else if (record instanceof GroupRecord.ConsumerGroupTargetAssignmentMember r) {
            out.assignment(r.value());
        } else if (record instanceof GroupRecord.ConsumerGroupCurrentMemberAssignment r) {
            CurrentAssignment v = r.value();
            out.i32(v.memberEpoch()).i32(v.previousMemberEpoch()).i8(v.state().value()).assignment(v.assigned())
                    .assignment(v.pendingRevocation());
            List<Map.Entry<Uuid, Integer>> owned = new ArrayList<>(v.assigned().entries());
            owned.addAll(v.pendingRevocation().entries());
            out.i32(owned.size());
            owned.forEach(e -> out.i32(v.assignmentEpochs().epochOf(e.getKey(), e.getValue())));
        }
        return out.bytes();
    }

    /**
     * Reads a record; {@code value} null means tombstone. Returns null for a key type this version
     * does not know.
     *
     * @throws IllegalArgumentException if the bytes are corrupt
     */
    public static GroupRecord read(ByteBuffer key, ByteBuffer value) {
        try {
            In k = new In(key);
            short type = k.i16();
            In v = value == null ? null : new In(value);
            if (v != null) {
                short version = v.i16();
                if (version != VALUE_VERSION) {
                    throw new IllegalArgumentException("Unknown value version " + version + " of record type " + type);
                }
            }
            return switch (type) {
                case OFFSET_COMMIT -> new GroupRecord.OffsetCommit(k.str(), k.str(), k.i32(), v == null ? null
                        : new OffsetAndMetadata(v.i64(), v.i32(), v.str(), v.i64(), v.i64()));
                case CLASSIC_GROUP -> new GroupRecord.ClassicGroupMetadata(k.str(), v == null ? null : classic(v));
                case CONSUMER_GROUP -> new GroupRecord.ConsumerGroupMetadata(k.str(), v == null ? null
                        : new GroupRecord.GroupEpoch(v.i32(), v.i64()));
                case CONSUMER_MEMBER -> new GroupRecord.ConsumerGroupMemberMetadata(k.str(), k.str(),
                        v == null ? null : subscription(v));
                case CONSUMER_TARGET_EPOCH -> new GroupRecord.ConsumerGroupTargetAssignmentMetadata(k.str(),
                        v == null ? null : v.i32());
                case CONSUMER_TARGET_MEMBER -> new GroupRecord.ConsumerGroupTargetAssignmentMember(k.str(), k.str(),
                        v == null ? null : v.assignment());
                case CONSUMER_CURRENT_MEMBER -> new GroupRecord.ConsumerGroupCurrentMemberAssignment(k.str(), k.str(),
                        v == null ? null : currentAssignment(v));
                default -> null;
            };
        } catch (java.nio.BufferUnderflowException | IllegalStateException e) {
            throw new IllegalArgumentException("Corrupt __consumer_offsets record: " + e, e);
        }
    }

    private static CurrentAssignment currentAssignment(In v) {
        int memberEpoch = v.i32();
        int previousEpoch = v.i32();
        MemberState state = MemberState.fromValue(v.i8());
        Assignment assigned = v.assignment();
        Assignment revoking = v.assignment();
        AssignmentEpochs epochs = AssignmentEpochs.EMPTY;
        if (v.hasRemaining()) {
            List<Map.Entry<Uuid, Integer>> owned = new ArrayList<>(assigned.entries());
            owned.addAll(revoking.entries());
            int n = v.count();
            if (n != owned.size()) {
                throw new IllegalStateException(n + " assignment epochs for " + owned.size() + " partitions");
            }
            Map<Uuid, Map<Integer, Integer>> m = new TreeMap<>();
            for (Map.Entry<Uuid, Integer> e : owned) {
                m.computeIfAbsent(e.getKey(), t -> new TreeMap<>()).put(e.getValue(), v.i32());
            }
            epochs = new AssignmentEpochs(m);
        }
        return CurrentAssignment.of(memberEpoch, previousEpoch, state, assigned, revoking, epochs);
    }

    private static ClassicGroupSnapshot classic(In v) {
        String protocolType = v.str();
        int generation = v.i32();
        String protocolName = v.str();
        String leader = v.str();
        long stateTs = v.i64();
        int n = v.count();
        List<ClassicGroupSnapshot.Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new ClassicGroupSnapshot.Member(v.str(), v.str(), v.str(), v.str(), v.i32(), v.i32(),
                    v.bytes(), v.bytes()));
        }
        return new ClassicGroupSnapshot(protocolType, generation, protocolName, leader, stateTs, members);
    }

    private static MemberSubscription subscription(In v) {
        String instance = v.str();
        String rack = v.str();
        String clientId = v.str();
        String clientHost = v.str();
        int n = v.count();
        List<String> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topics.add(v.str());
        }
        return new MemberSubscription(instance, rack, clientId, clientHost, topics, v.str(), v.str(), v.i32());
    }

    /** Writer of the primitives above. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Out i8(byte v) {
            try {
                out.writeByte(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i16(short v) {
            try {
                out.writeShort(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i32(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i64(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out str(String s) {
            if (s == null) {
                return i16((short) -1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String of " + b.length + " bytes is too long for a group record");
            }
            i16((short) b.length);
            return raw(b);
        }

        Out bytes(byte[] b) {
            byte[] v = b == null ? new byte[0] : b;
            i32(v.length);
            return raw(v);
        }

        Out assignment(Assignment a) {
            i32(a.partitions().size());
            for (Map.Entry<Uuid, Set<Integer>> e : a.partitions().entrySet()) {
                i64(e.getKey().getMostSignificantBits()).i64(e.getKey().getLeastSignificantBits());
                i32(e.getValue().size());
                e.getValue().forEach(this::i32);
            }
            return this;
        }

        private Out raw(byte[] b) {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    /** Reader of the primitives above. */
    private static final class In {
        private final ByteBuffer buf;

        In(ByteBuffer buf) {
            this.buf = buf.duplicate();
        }

        boolean hasRemaining() {
            return buf.hasRemaining();
        }

        byte i8() {
            return buf.get();
        }

        short i16() {
            return buf.getShort();
        }

        int i32() {
            return buf.getInt();
        }

        long i64() {
            return buf.getLong();
        }

        int count() {
            int n = buf.getInt();
            if (n < 0 || n > buf.remaining()) {
                throw new IllegalStateException("Bad element count " + n);
            }
            return n;
        }

        String str() {
            short len = buf.getShort();
            if (len < 0) {
                return null;
            }
            byte[] b = new byte[len];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            int len = count();
            byte[] b = new byte[len];
            buf.get(b);
            return b;
        }

        Assignment assignment() {
            int topics = count();
            Map<Uuid, Set<Integer>> m = new TreeMap<>();
            for (int t = 0; t < topics; t++) {
                Uuid id = new Uuid(buf.getLong(), buf.getLong());
                int n = count();
                Set<Integer> ps = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    ps.add(buf.getInt());
                }
                m.put(id, ps);
            }
            return new Assignment(m);
        }
    }
}
