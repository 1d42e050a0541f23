package io.potok.metadata.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.metadata.record.MetadataRecord.Config;
import io.potok.metadata.record.MetadataRecord.CreateTopic;
import io.potok.metadata.record.MetadataRecord.FenceBroker;
import io.potok.metadata.record.MetadataRecord.Partition;
import io.potok.metadata.record.MetadataRecord.ProducerIds;
import io.potok.metadata.record.MetadataRecord.RegisterBroker;
import io.potok.metadata.record.MetadataRecord.RemoveTopic;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import io.potok.metadata.record.MetadataRecord.UnfenceBroker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataRecordSerdeTest {

    private static List<MetadataRecord> roundTrip(List<MetadataRecord> records) throws IOException {
        return MetadataRecordSerde.deserialize(MetadataRecordSerde.serialize(records));
    }

    private static String randomString(Random r, int maxLen) {
        int len = r.nextInt(maxLen + 1);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append((char) ('a' + r.nextInt(26)));
                case 1 -> sb.append("._-".charAt(r.nextInt(3)));
                case 2 -> sb.append((char) r.nextInt(0x800)); // includes \0 and 2-byte UTF-8
                default -> sb.appendCodePoint(0x1F600 + r.nextInt(50)); // supplementary: surrogate pairs
            }
        }
        return sb.toString();
    }

    private static Optional<String> randomOptional(Random r) {
        return r.nextBoolean() ? Optional.of(randomString(r, 20)) : Optional.empty();
    }

    private static Uuid randomUuid(Random r) {
        return new Uuid(r.nextLong(), r.nextLong());
    }

    private static List<Integer> randomInts(Random r) {
        List<Integer> ints = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            ints.add(r.nextInt());
        }
        return ints;
    }

    /** How many record types {@link #randomRecord} knows. */
    private static final int TYPES = 8;

    private static MetadataRecord randomRecord(Random r, int type) {
        return switch (type) {
            case 0 -> new RegisterBroker(r.nextInt(), randomString(r, 30), r.nextInt(65536), randomOptional(r));
            case 1 -> new CreateTopic(randomString(r, 40), randomUuid(r));
            case 2 -> new Partition(randomUuid(r), r.nextInt(), randomInts(r), randomInts(r), r.nextInt(),
                    r.nextInt(), r.nextInt(), randomInts(r), randomInts(r));
            case 3 -> new Config(ResourceKind.values()[r.nextInt(ResourceKind.values().length)], randomString(r, 20),
                    randomString(r, 20), randomOptional(r));
            case 4 -> new RemoveTopic(randomUuid(r));
            case 5 -> new ProducerIds(r.nextLong());
            case 6 -> new FenceBroker(r.nextInt());
            case 7 -> new UnfenceBroker(r.nextInt());
            default -> throw new IllegalArgumentException();
        };
    }

    @Test
    void everyRecordTypeRoundTripsAlone() throws IOException {
        Random r = new Random(1);
        Set<Class<?>> seen = new java.util.HashSet<>();
        for (int type = 0; type < TYPES; type++) {
            for (int i = 0; i < 50; i++) {
                MetadataRecord record = randomRecord(r, type);
                seen.add(record.getClass());
                assertThat(roundTrip(List.of(record))).containsExactly(record);
            }
        }
        // Every permitted subtype of the sealed interface is covered, so a new type cannot go untested.
        Set<Class<?>> permitted = Arrays.stream(MetadataRecord.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertThat(seen).isEqualTo(permitted);
    }

    @Test
    void randomMixedBatchesRoundTripInOrder() throws IOException {
        Random r = new Random(20240601);
        for (int iteration = 0; iteration < 300; iteration++) {
            List<MetadataRecord> batch = new ArrayList<>();
            int n = r.nextInt(20);
            for (int i = 0; i < n; i++) {
                batch.add(randomRecord(r, r.nextInt(TYPES)));
            }
            assertThat(roundTrip(batch)).as("iteration %d", iteration).isEqualTo(batch);
        }
    }

    @Test
    void emptyBatchRoundTrips() throws IOException {
        assertThat(roundTrip(List.of())).isEmpty();
    }

    @Test
    void boundaryValuesRoundTrip() throws IOException {
        List<MetadataRecord> batch = List.of(
                new RegisterBroker(Integer.MIN_VALUE, "", 0, Optional.of("")),
                new RegisterBroker(Integer.MAX_VALUE, "::1", 65535, Optional.empty()),
                new CreateTopic("t", Uuid.ZERO_UUID),
                new Partition(Uuid.METADATA_TOPIC_ID, 0, List.of(), List.of(), -1, Integer.MAX_VALUE, Integer.MIN_VALUE),
                new Config(ResourceKind.BROKER, "", "log.retention.ms", Optional.empty()),
                new Config(ResourceKind.TOPIC, "t", "cleanup.policy", Optional.of("compact,delete")),
                new ProducerIds(Long.MAX_VALUE),
                new ProducerIds(Long.MIN_VALUE),
                new FenceBroker(Integer.MIN_VALUE),
                new FenceBroker(0),
                new UnfenceBroker(Integer.MAX_VALUE),
                new UnfenceBroker(-1));
        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void partitionReassignmentStateRoundTrips() throws IOException {
        Uuid topic = Uuid.randomUuid();
        List<MetadataRecord> batch = List.of(
                // [1] moving to [2, 3]: target first, then the replica being removed.
                new Partition(topic, 0, List.of(2, 3, 1), List.of(1), 1, 0, 1, List.of(2, 3), List.of(1)),
                // Only adding, only removing, and none (the short constructor).
                new Partition(topic, 1, List.of(3, 1), List.of(1), 1, 4, 9, List.of(3), List.of()),
                new Partition(topic, 2, List.of(2, 1), List.of(1, 2), 2, 4, 9, List.of(), List.of(1)),
                new Partition(topic, 3, List.of(1), List.of(1), 1, 0, 0));
        List<MetadataRecord> read = roundTrip(batch);
        assertThat(read).isEqualTo(batch);
        Partition moving = (Partition) read.get(0);
        assertThat(moving.addingReplicas()).containsExactly(2, 3);
        assertThat(moving.removingReplicas()).containsExactly(1);
        assertThat(((Partition) read.get(3)).addingReplicas()).isEmpty();
    }

    @Test
    void partitionRecordsWrittenBeforeReassignmentStillRead() throws IOException {
        // The first PARTITION layout (type 3) had no adding/removing lists; journals and snapshots
        // written then must still load, as partitions that are not being reassigned.
        Uuid topic = new Uuid(1, 2);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeByte(3);
            out.writeLong(topic.getMostSignificantBits());
            out.writeLong(topic.getLeastSignificantBits());
            out.writeInt(4);
            for (List<Integer> list : List.of(List.of(1, 2), List.of(2))) {
                out.writeInt(list.size());
                for (int v : list) {
                    out.writeInt(v);
                }
            }
            out.writeInt(2);
            out.writeInt(5);
            out.writeInt(7);
        }
        assertThat(MetadataRecordSerde.deserialize(bytes.toByteArray()))
                .containsExactly(new Partition(topic, 4, List.of(1, 2), List.of(2), 2, 5, 7, List.of(), List.of()));
    }

    @Test
    void corruptReassignmentListsAreRejected() {
        byte[] bytes = MetadataRecordSerde.serialize(List.of(
                new Partition(Uuid.ZERO_UUID, 0, List.of(2, 1), List.of(1), 1, 0, 0, List.of(2), List.of(1))));
        // count(4) type(1) uuid(16) partition(4) replicas(4+8) isr(4+4) leader, epochs(12): the adding list's size.
        java.nio.ByteBuffer.wrap(bytes).putInt(57, -3);
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(bytes))
                .isInstanceOf(IOException.class).hasMessageContaining("list size");
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(Arrays.copyOf(
                MetadataRecordSerde.serialize(List.of(new Partition(Uuid.ZERO_UUID, 0, List.of(2, 1), List.of(1), 1,
                        0, 0, List.of(2), List.of(1)))), 65))).isInstanceOf(IOException.class);
    }

    @Test
    void longConfigValueRoundTrips() throws IOException {
        // A throttled-replica list for a large topic is a legitimate multi-kilobyte value.
        StringBuilder value = new StringBuilder();
        for (int p = 0; value.length() < 40_000; p++) {
            value.append(p).append(":1,");
        }
        List<MetadataRecord> batch = List.of(new Config(ResourceKind.TOPIC, "big",
                "follower.replication.throttled.replicas", Optional.of(value.toString())));
        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void configValueOver64KiBRoundTrips() throws IOException {
        // BUG: DataOutputStream.writeUTF limits a string to 65535 encoded bytes; longer values make
        // serialize() throw UncheckedIOException("encoded string too long") although its comment says
        // that "cannot happen". Kafka accepts such values (AlterConfigs v2+ uses compact strings).
        String value = "x".repeat(70_000);
        List<MetadataRecord> batch = List.of(new Config(ResourceKind.TOPIC, "big",
                "follower.replication.throttled.replicas", Optional.of(value)));
        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void corruptPayloadsAreRejectedWithIOException() {
        byte[] good = MetadataRecordSerde.serialize(List.of(new CreateTopic("orders", Uuid.randomUuid()),
                new ProducerIds(5)));
        // Truncated.
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(IOException.class);
        // Unknown record type.
        byte[] badType = good.clone();
        badType[4] = 99;
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(badType))
                .isInstanceOf(IOException.class).hasMessageContaining("99");
        // Absurd record count.
        byte[] badCount = good.clone();
        badCount[0] = 0x7f;
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(badCount))
                .isInstanceOf(IOException.class).hasMessageContaining("count");
        byte[] negativeCount = good.clone();
        negativeCount[0] = (byte) 0xff;
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(negativeCount)).isInstanceOf(IOException.class);
    }

    @Test
    void fenceAndUnfenceKeepTheirOrderInABatch() throws IOException {
        // A broker fenced and unfenced in one batch ends unfenced only if the order survives.
        List<MetadataRecord> batch = List.of(new RegisterBroker(1, "h", 1, Optional.empty()), new FenceBroker(1),
                new UnfenceBroker(1), new FenceBroker(1), new UnfenceBroker(2));
        assertThat(roundTrip(batch)).containsExactlyElementsOf(batch);
        // Fence and unfence of one id are different records on the wire.
        assertThat(MetadataRecordSerde.serialize(List.of(new FenceBroker(1))))
                .isNotEqualTo(MetadataRecordSerde.serialize(List.of(new UnfenceBroker(1))));
    }

    @Test
    void unknownResourceKindIsRejectedWithIOException() {
        byte[] bytes = MetadataRecordSerde.serialize(List.of(new Config(ResourceKind.TOPIC, "t", "k", Optional.empty())));
        // count(4) type(1) then the kind's ordinal.
        bytes[5] = 7;
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(bytes))
                .isInstanceOf(IOException.class).hasMessageContaining("resource kind");
        bytes[5] = -1;
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(bytes)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 100_001})
    void absurdReplicaListSizeIsRejected(int size) {
        byte[] bytes = MetadataRecordSerde.serialize(List.of(
                new Partition(Uuid.ZERO_UUID, 0, List.of(1), List.of(1), 1, 0, 0)));
        // count(4) type(1) uuid(16) partition(4) then the replicas' size.
        java.nio.ByteBuffer.wrap(bytes).putInt(25, size);
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(bytes))
                .isInstanceOf(IOException.class).hasMessageContaining("list size");
    }
}
