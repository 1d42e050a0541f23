package io.potok.it;

import static io.potok.it.Clients.bytes;
import static io.potok.it.Clients.partitions;
import static io.potok.it.Clients.readAll;
import static io.potok.it.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Producing and consuming through the real Java clients against one shared node: partitioning,
 * exact record round trips, compression, large records and the default producer configuration.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProduceConsumeTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("ProduceConsumeTest").build();

    private static int expectedPartition(byte[] key, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(key)) % numPartitions;
    }

    @Test
    void keyedRecordsLandInTheKeysPartitionAndKeepTheirOrder() throws Exception {
        String topic = "keyed";
        int numPartitions = 6;
        int keys = 30;
        int perKey = 20;
        Clients.createTopic(NODE.bootstrap(), topic, numPartitions);

        Map<String, RecordMetadata> metadataByValue = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 5)) {
            Map<String, Future<RecordMetadata>> futures = new LinkedHashMap<>();
            for (int seq = 0; seq < perKey; seq++) {
                for (int k = 0; k < keys; k++) {
                    String key = "key-" + k;
                    String value = key + "#" + seq;
                    futures.put(value, producer.send(new ProducerRecord<>(topic, bytes(key), bytes(value))));
                }
            }
            producer.flush();
            for (Map.Entry<String, Future<RecordMetadata>> e : futures.entrySet()) {
                metadataByValue.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS));
            }
        }
        Set<Integer> usedPartitions = new TreeSet<>();
        for (Map.Entry<String, RecordMetadata> e : metadataByValue.entrySet()) {
            String key = e.getKey().substring(0, e.getKey().indexOf('#'));
            int expected = expectedPartition(bytes(key), numPartitions);
            usedPartitions.add(expected);
            assertThat(e.getValue().topic()).isEqualTo(topic);
            assertThat(e.getValue().partition()).as("partition acknowledged for %s", e.getKey()).isEqualTo(expected);
        }
        assertThat(usedPartitions).as("the 30 keys hash to several partitions").hasSizeGreaterThan(3);

        List<ConsumerRecord<byte[], byte[]>> records = readAll(NODE.bootstrap(), partitions(topic, numPartitions),
                keys * perKey);
        Map<String, List<Integer>> seqsByKey = new HashMap<>();
        Map<Integer, List<Long>> offsetsByPartition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = str(r.key());
            String value = str(r.value());
            assertThat(value).startsWith(key + "#");
            assertThat(r.partition()).as("partition of %s", value).isEqualTo(expectedPartition(r.key(), numPartitions));
            RecordMetadata md = metadataByValue.get(value);
            assertThat(md).as("acknowledged metadata for %s", value).isNotNull();
            assertThat(r.offset()).as("offset of %s", value).isEqualTo(md.offset());
            seqsByKey.computeIfAbsent(key, x -> new ArrayList<>()).add(Integer.parseInt(value.substring(key.length() + 1)));
            offsetsByPartition.computeIfAbsent(r.partition(), x -> new ArrayList<>()).add(r.offset());
        }
        List<Integer> inOrder = new ArrayList<>();
        for (int s = 0; s < perKey; s++) {
            inOrder.add(s);
        }
        assertThat(seqsByKey).hasSize(keys);
        seqsByKey.forEach((key, seqs) -> assertThat(seqs).as("order of %s", key).isEqualTo(inOrder));
        // Offsets of each partition are dense and start at 0.
        offsetsByPartition.forEach((p, offsets) -> {
            for (int i = 0; i < offsets.size(); i++) {
                assertThat(offsets.get(i)).as("offset #%d of partition %d", i, p).isEqualTo(i);
            }
        });
    }

    @Test
    void recordsWithoutKeySpreadOverSeveralPartitions() throws Exception {
        String topic = "unkeyed";
        int numPartitions = 4;
        int count = 400;
        Clients.createTopic(NODE.bootstrap(), topic, numPartitions);
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap(),
                ProducerConfig.BATCH_SIZE_CONFIG, 512,
                ProducerConfig.LINGER_MS_CONFIG, 0)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String value = String.format("unkeyed-%04d-%s", i, "x".repeat(90));
                futures.add(producer.send(new ProducerRecord<>(topic, null, bytes(value))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        Set<Integer> acked = acks.stream().map(RecordMetadata::partition).collect(Collectors.toCollection(TreeSet::new));
        assertThat(acked).as("partitions the sticky partitioner chose").hasSizeGreaterThan(1);

        List<ConsumerRecord<byte[], byte[]>> records = readAll(NODE.bootstrap(), partitions(topic, numPartitions), count);
        Set<Integer> read = records.stream().map(ConsumerRecord::partition).collect(Collectors.toCollection(TreeSet::new));
        assertThat(read).isEqualTo(acked);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isNull());
        Set<String> values = records.stream().map(r -> str(r.value()).substring(0, 12)).collect(Collectors.toSet());
        assertThat(values).hasSize(count);
    }

    @Test
    void explicitPartitionsAreHonoured() throws Exception {
        String topic = "explicit";
        int numPartitions = 3;
        Clients.createTopic(NODE.bootstrap(), topic, numPartitions);
        int count = 60;
        int mismatchingHash = 0;
        Map<String, Integer> partitionByValue = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int partition = i % numPartitions;
                byte[] key = i % 4 == 0 ? null : bytes("k" + i);
                if (key != null && expectedPartition(key, numPartitions) != partition) {
                    mismatchingHash++;
                }
                String value = "explicit-" + i;
                partitionByValue.put(value, partition);
                futures.add(producer.send(new ProducerRecord<>(topic, partition, key, bytes(value))));
            }
            for (int i = 0; i < count; i++) {
                RecordMetadata md = futures.get(i).get(30, TimeUnit.SECONDS);
                assertThat(md.partition()).as("acknowledged partition of record %d", i).isEqualTo(i % numPartitions);
            }
        }
        assertThat(mismatchingHash).as("records whose key hashes elsewhere").isGreaterThan(10);
        List<ConsumerRecord<byte[], byte[]>> records = readAll(NODE.bootstrap(), partitions(topic, numPartitions), count);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(r.partition()).as("partition of %s", str(r.value()))
                    .isEqualTo(partitionByValue.get(str(r.value())));
        }
        Map<Integer, Long> perPartition = records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition, Collectors.counting()));
        assertThat(perPartition).containsExactlyInAnyOrderEntriesOf(Map.of(0, 20L, 1, 20L, 2, 20L));
    }

    @Test
    void headersNullsAndTimestampsRoundTripExactly() throws Exception {
        String topic = "roundtrip";
        Clients.createTopic(NODE.bootstrap(), topic, 1);
        long now = System.currentTimeMillis();
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        List<ProducerRecord<byte[], byte[]>> sent = List.of(
                new ProducerRecord<>(topic, 0, now - 3_600_000L, bytes("k1"), bytes("v1"), List.of(
                        new RecordHeader("h1", bytes("a")),
                        new RecordHeader("h2", new byte[0]),
                        new RecordHeader("h1", bytes("b")),
                        new RecordHeader("null-valued", (byte[]) null))),
                // timestamps need not grow
                new ProducerRecord<>(topic, 0, now - 3L * 86_400_000L + 123, (byte[]) null, bytes("value without key")),
                new ProducerRecord<>(topic, 0, now - 7_000L, bytes("tombstone"), (byte[]) null),
                new ProducerRecord<>(topic, 0, now - 1L, (byte[]) null, (byte[]) null, List.of(new RecordHeader("only", bytes("header")))),
                new ProducerRecord<>(topic, 0, now - 60_000L, new byte[0], new byte[0],
                        List.of(new RecordHeader("binary", allBytes), new RecordHeader("", bytes("empty key")))),
                new ProducerRecord<>(topic, 0, now - 2L, bytes("ключ"), bytes("значение \uD83D\uDE80")),
                new ProducerRecord<>(topic, 0, allBytes, allBytes));
        List<RecordMetadata> acks = new ArrayList<>();
        long before;
        long after;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 20)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            before = System.currentTimeMillis();
            for (ProducerRecord<byte[], byte[]> r : sent) {
                futures.add(producer.send(r));
            }
            after = System.currentTimeMillis();
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = readAll(NODE.bootstrap(), partitions(topic, 1), sent.size());
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<byte[], byte[]> s = sent.get(i);
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            RecordMetadata md = acks.get(i);
            assertThat(r.offset()).as("offset of record %d", i).isEqualTo(i).isEqualTo(md.offset());
            assertThat(r.key()).as("key of record %d", i).isEqualTo(s.key());
            assertThat(r.value()).as("value of record %d", i).isEqualTo(s.value());
            assertThat(headerList(r.headers())).as("headers of record %d", i).isEqualTo(headerList(s.headers()));
            assertThat(r.timestampType()).as("timestamp type of record %d", i).isEqualTo(TimestampType.CREATE_TIME);
            if (s.timestamp() != null) {
                assertThat(r.timestamp()).as("timestamp of record %d", i).isEqualTo(s.timestamp());
                assertThat(md.timestamp()).as("acknowledged timestamp of record %d", i).isEqualTo(s.timestamp());
            } else {
                assertThat(r.timestamp()).as("producer-assigned timestamp of record %d", i)
                        .isBetween(before, after).isEqualTo(md.timestamp());
            }
        }
        // null and empty stay distinct
        assertThat(records.get(1).key()).isNull();
        assertThat(records.get(2).value()).isNull();
        assertThat(records.get(3).key()).isNull();
        assertThat(records.get(3).value()).isNull();
        assertThat(records.get(4).key()).isNotNull().isEmpty();
        assertThat(records.get(4).value()).isNotNull().isEmpty();
        assertThat(records.get(0).headers().lastHeader("null-valued").value()).isNull();
        assertThat(records.get(0).headers().lastHeader("h2").value()).isNotNull().isEmpty();
    }

    @ParameterizedTest(name = "compression.type={0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesRoundTrip(String compression) throws Exception {
        String topic = "compressed-" + compression;
        int numPartitions = 2;
        int count = 2_000;
        Clients.createTopic(NODE.bootstrap(), topic, numPartitions);
        long base = System.currentTimeMillis() - 600_000L;
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(new ProducerRecord<>(topic, null, base + i, bytes("key-" + (i % 10)),
                    bytes(("value " + i + " of " + compression + ". ").repeat(1 + i % 20)),
                    List.of(new RecordHeader("i", ByteBuffer.allocate(4).putInt(i).array()))));
        }
        Map<String, RecordMetadata> acks = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap(),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : sent) {
                futures.add(producer.send(r));
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                acks.put(str(sent.get(i).value()), futures.get(i).get(30, TimeUnit.SECONDS));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = readAll(NODE.bootstrap(), partitions(topic, numPartitions), count);
        Map<String, ProducerRecord<byte[], byte[]>> sentByValue = sent.stream()
                .collect(Collectors.toMap(r -> str(r.value()), r -> r));
        Map<Integer, Integer> lastIndexByPartition = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ProducerRecord<byte[], byte[]> s = sentByValue.get(str(r.value()));
            assertThat(s).as("a record that was sent: %s", str(r.value())).isNotNull();
            assertThat(seen.add(str(r.value()))).as("read once: %s", str(r.value())).isTrue();
            assertThat(r.key()).isEqualTo(s.key());
            assertThat(r.timestamp()).isEqualTo(s.timestamp());
            assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(headerList(r.headers())).isEqualTo(headerList(s.headers()));
            RecordMetadata md = acks.get(str(r.value()));
            assertThat(r.partition()).isEqualTo(md.partition()).isEqualTo(expectedPartition(s.key(), numPartitions));
            assertThat(r.offset()).isEqualTo(md.offset());
            int index = ByteBuffer.wrap(r.headers().lastHeader("i").value()).getInt();
            Integer last = lastIndexByPartition.put(r.partition(), index);
            assertThat(last == null || last < index).as("send order kept in partition %d", r.partition()).isTrue();
        }
    }

    @Test
    void recordOf900KilobytesRoundTrips() throws Exception {
        String topic = "large";
        Clients.createTopic(NODE.bootstrap(), topic, 1);
        byte[] big = new byte[900 * 1024];
        new Random(42).nextBytes(big);
        RecordMetadata bigMd;
        RecordMetadata smallMd;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024)) {
            bigMd = producer.send(new ProducerRecord<>(topic, bytes("big"), big)).get(30, TimeUnit.SECONDS);
            smallMd = producer.send(new ProducerRecord<>(topic, bytes("small"), bytes("after the big one")))
                    .get(30, TimeUnit.SECONDS);
        }
        assertThat(bigMd.offset()).isZero();
        assertThat(smallMd.offset()).isEqualTo(1);
        assertThat(bigMd.serializedValueSize()).isEqualTo(big.length);
        List<ConsumerRecord<byte[], byte[]>> records = readAll(NODE.bootstrap(), partitions(topic, 1), 2);
        ConsumerRecord<byte[], byte[]> r = records.get(0);
        assertThat(str(r.key())).isEqualTo("big");
        assertThat(r.value()).as("900 KB value").isNotNull();
        assertThat(r.value().length).isEqualTo(big.length);
        assertThat(Arrays.equals(r.value(), big)).as("900 KB value equal byte for byte").isTrue();
        assertThat(str(records.get(1).value())).isEqualTo("after the big one");
        assertThat(records.get(1).offset()).isEqualTo(1);
    }

    @Test
    void defaultProducerWorksOutOfTheBox() throws Exception {
        String topic = "default-producer";
        Clients.createTopic(NODE.bootstrap(), topic, 3);
        // No settings but the bootstrap servers: enable.idempotence=true, acks=all, retries, 5 in flight.
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, NODE.bootstrap());
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, "k" + (i % 7), "default-" + i)));
            }
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get(60, TimeUnit.SECONDS));
            }
        }
        assertThat(acks).hasSize(300).allSatisfy(md -> assertThat(md.hasOffset()).isTrue());
        List<TopicPartition> tps = partitions(topic, 3);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", NODE.bootstrap(),
                "enable.auto.commit", false,
                "default.api.timeout.ms", Clients.API_TIMEOUT_MS,
                "request.timeout.ms", Clients.REQUEST_TIMEOUT_MS), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
            List<String> values = new ArrayList<>();
            Map<String, List<Integer>> perKey = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 300 && System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> {
                    values.add(r.value());
                    perKey.computeIfAbsent(r.key(), k -> new ArrayList<>())
                            .add(Integer.parseInt(r.value().substring("default-".length())));
                });
            }
            assertThat(values).hasSize(300).doesNotHaveDuplicates();
            perKey.forEach((k, seq) -> assertThat(seq).as("order of key %s", k).isSorted());
        }
    }

    @Test
    void listOffsetsThroughTheConsumer() throws Exception {
        String topic = "list-offsets";
        Clients.createTopic(NODE.bootstrap(), topic, 2);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        long base = (System.currentTimeMillis() - 600_000L) / 1000 * 1000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODE.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                RecordMetadata md = producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, null,
                        bytes("ts-" + i))).get(30, TimeUnit.SECONDS);
                assertThat(md.offset()).isEqualTo(i);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(NODE.bootstrap())) {
            assertThat(consumer.beginningOffsets(List.of(p0, p1))).isEqualTo(Map.of(p0, 0L, p1, 0L));
            assertThat(consumer.endOffsets(List.of(p0, p1))).isEqualTo(Map.of(p0, 10L, p1, 0L));

            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> found =
                    consumer.offsetsForTimes(Map.of(p0, base - 5_000L, p1, base));
            assertThat(found.get(p0)).isNotNull();
            assertThat(found.get(p0).offset()).isZero();
            assertThat(found.get(p0).timestamp()).isEqualTo(base);
            assertThat(found).as("empty partition has no offset for any time").containsEntry(p1, null);

            assertOffsetForTime(consumer, p0, base + 2_500L, 3, base + 3_000L);
            assertOffsetForTime(consumer, p0, base + 5_000L, 5, base + 5_000L);
            assertOffsetForTime(consumer, p0, base + 9_000L, 9, base + 9_000L);
            assertThat(consumer.offsetsForTimes(Map.of(p0, base + 9_001L)))
                    .as("no record at or after the last timestamp").containsEntry(p0, null);

            // the offsets are usable for seek
            consumer.assign(List.of(p0));
            consumer.seek(p0, consumer.offsetsForTimes(Map.of(p0, base + 6_500L)).get(p0).offset());
            List<ConsumerRecord<byte[], byte[]>> tail = Clients.poll(consumer, 3, java.time.Duration.ofSeconds(20));
            assertThat(tail).extracting(r -> str(r.value())).containsExactly("ts-7", "ts-8", "ts-9");
            assertThat(tail).extracting(ConsumerRecord::timestamp).containsExactly(base + 7_000L, base + 8_000L, base + 9_000L);
        }
    }

    private static void assertOffsetForTime(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long time,
                                            long offset, long timestamp) {
        org.apache.kafka.clients.consumer.OffsetAndTimestamp ot = consumer.offsetsForTimes(Map.of(tp, time)).get(tp);
        assertThat(ot).as("offsetsForTimes(%s, %d)", tp, time).isNotNull();
        assertThat(ot.offset()).as("offset for time %d", time).isEqualTo(offset);
        assertThat(ot.timestamp()).as("timestamp of the found record").isEqualTo(timestamp);
    }

    private static List<Map.Entry<String, List<Byte>>> headerList(Iterable<Header> headers) {
        List<Map.Entry<String, List<Byte>>> out = new ArrayList<>();
        for (Header h : headers) {
            List<Byte> value = null;
            if (h.value() != null) {
                value = new ArrayList<>();
                for (byte b : h.value()) {
                    value.add(b);
                }
            }
            out.add(new java.util.AbstractMap.SimpleEntry<>(h.key(), value));
        }
        return out;
    }
}
