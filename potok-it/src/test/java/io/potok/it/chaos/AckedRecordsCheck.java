package io.potok.it.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of the chaos topic from the beginning (assign + seekToBeginning, up to the
 * end offsets) and checks the acknowledged records against it: each one is present exactly once,
 * at the offset it was acknowledged with, and the sequence numbers of each partition strictly
 * increase (idempotence holds across leader changes: no duplicate, no reordering).
 */
final class AckedRecordsCheck {
    /** One record read back. */
    record Read(long offset, long seq) {
    }

    /** What the read-back found. {@code lost} = acknowledged but absent; {@code misplaced} = at another offset. */
    record Result(long acked, long lost, long duplicated, long misplaced, long outOfOrder, long unackedPresent,
                  long recordsRead, List<String> problems) {
        boolean ok() {
            return lost == 0 && duplicated == 0 && misplaced == 0 && outOfOrder == 0;
        }
    }

    private static final int MAX_PROBLEMS_LISTED = 20;

    private AckedRecordsCheck() {
    }

    /** Partition → its records in offset order. */
    static Map<Integer, List<Read>> readAll(String bootstrap, String topic, int partitions, Duration timeout) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "chaos-verifier");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        Map<Integer, List<Read>> out = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
                out.put(p, new ArrayList<>());
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnds(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topic + " back did not reach the end offsets " + ends
                            + " within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.get(r.partition()).add(new Read(r.offset(),
                            Long.parseLong(new String(r.value(), StandardCharsets.UTF_8))));
                }
            }
        }
        return out;
    }

    private static boolean reachedEnds(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    static Result check(List<SequenceProducer.Ack> acks, Map<Integer, List<Read>> log) {
        List<String> problems = new ArrayList<>();
        Map<Long, Integer> occurrences = new HashMap<>();
        Map<Long, long[]> positionOf = new HashMap<>(); // seq → {partition, offset} of its first occurrence
        long outOfOrder = 0;
        long read = 0;
        for (Map.Entry<Integer, List<Read>> e : log.entrySet()) {
            long previous = -1;
            for (Read r : e.getValue()) {
                read++;
                occurrences.merge(r.seq(), 1, Integer::sum);
                positionOf.putIfAbsent(r.seq(), new long[] {e.getKey(), r.offset()});
                if (r.seq() <= previous) {
                    outOfOrder++;
                    note(problems, "partition " + e.getKey() + " offset " + r.offset() + ": seq " + r.seq()
                            + " after seq " + previous);
                }
                if (r.seq() % log.size() != e.getKey()) {
                    note(problems, "partition " + e.getKey() + " offset " + r.offset() + ": seq " + r.seq()
                            + " belongs to partition " + (r.seq() % log.size()));
                }
                previous = r.seq();
            }
        }
        long duplicated = 0;
        for (Map.Entry<Long, Integer> e : occurrences.entrySet()) {
            if (e.getValue() > 1) {
                duplicated++;
                note(problems, "seq " + e.getKey() + " is in the log " + e.getValue() + " times");
            }
        }
        long lost = 0;
        long misplaced = 0;
        java.util.Set<Long> ackedSeqs = new java.util.HashSet<>();
        for (SequenceProducer.Ack ack : acks) {
            ackedSeqs.add(ack.seq());
            long[] at = positionOf.get(ack.seq());
            if (at == null) {
                lost++;
                note(problems, "acknowledged seq " + ack.seq() + " (partition " + ack.partition() + " offset "
                        + ack.offset() + ") is not in the log");
            } else if (at[0] != ack.partition() || (ack.offset() >= 0 && at[1] != ack.offset())) {
                // (offset -1: acknowledged as DUPLICATE_SEQUENCE_NUMBER, a retry of a batch appended before)
                misplaced++;
                note(problems, "acknowledged seq " + ack.seq() + " at partition " + ack.partition() + " offset "
                        + ack.offset() + " is at partition " + at[0] + " offset " + at[1]);
            }
        }
        long unackedPresent = occurrences.keySet().stream().filter(s -> !ackedSeqs.contains(s)).count();
        return new Result(acks.size(), lost, duplicated, misplaced, outOfOrder, unackedPresent, read, problems);
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS_LISTED) {
            problems.add(problem);
        } else if (problems.size() == MAX_PROBLEMS_LISTED) {
            problems.add("...");
        }
    }
}
