package io.potok.storage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Child process of {@link CrashRecoveryTest}: appends idempotent batches with flush.messages=1 until killed, printing
 * {@code ACK <firstOffset> <lastOffset> <round> <batch> <records> END} after each append returns.
 *
 * <p>Arguments: log dir, round number, random seed.
 */
public final class CrashTestProducer {

    static final TopicPartition TP = new TopicPartition("crash", 0);
    static final long PRODUCER_ID = 77L;
    static final LogConfig CONFIG = LogConfig.fromTopicConfigs(Map.of(
        "flush.messages", "1",
        "internal.segment.bytes", "16384",
        "index.interval.bytes", "256",
        "segment.index.bytes", "1024"));

    private CrashTestProducer() {
    }

    /** The value of record {@code index} of batch {@code batch} in round {@code round}; varied sizes on purpose. */
    static String value(int round, int batch, int index) {
        String prefix = round + ":" + batch + ":" + index + ":";
        return prefix + "x".repeat((batch * 31 + index * 7 + round) % 300);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        LogManagerConfig config = new LogManagerConfig(List.of(dir), 2, 300_000, Long.MAX_VALUE, 25, false, 15_000);
        LogManager manager = new LogManager(config, Time.SYSTEM);
        manager.startup(tp -> CONFIG);
        Log log = manager.getOrCreateLog(TP, CONFIG);
        int sequence = log.producerState(PRODUCER_ID).map(e -> e.lastSequence() + 1).orElse(0);
        out.println("READY " + log.logEndOffset() + " END");
        out.flush();
        for (int batch = 0; ; batch++) {
            int count = 1 + random.nextInt(5);
            SimpleRecord[] records = new SimpleRecord[count];
            for (int i = 0; i < count; i++) {
                records[i] = new SimpleRecord(System.currentTimeMillis(), null,
                    value(round, batch, i).getBytes(StandardCharsets.UTF_8));
            }
            MemoryRecords batchRecords = MemoryRecords.withIdempotentRecords(Compression.NONE, PRODUCER_ID, (short) 0,
                sequence, records);
            LogAppendInfo info = log.appendAsLeader(batchRecords, 0);
            sequence += count;
            out.println("ACK " + info.firstOffset() + " " + info.lastOffset() + " " + round + " " + batch + " " + count
                + " END");
            out.flush();
        }
    }
}
