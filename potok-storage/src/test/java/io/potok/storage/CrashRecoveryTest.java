package io.potok.storage;

import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a producing child JVM with SIGKILL at random moments and checks after each kill that recovery yields a log
 * without torn batches that holds every acknowledged append with the right content.
 */
class CrashRecoveryTest {

    @TempDir
    Path root;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
        runRounds(15, 300, new Random().nextLong());
    }

    @Test
    @Tag("slow")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyAcknowledgedAppendSurvivesManySigkills() throws Exception {
        runRounds(200, 600, new Random().nextLong());
    }

    private record Ack(long firstOffset, long lastOffset, int round, int batch, int count) {
    }

    private void runRounds(int rounds, int maxRunMs, long seed) throws Exception {
        Random random = new Random(seed);
        Path dir = root.resolve("data");
        List<Ack> acknowledged = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<Ack> acks = runAndKill(dir, round, random.nextLong(), random.nextInt(maxRunMs));
            acknowledged.addAll(acks);
            verify(dir, acknowledged, "seed " + seed + ", round " + round);
        }
        assertThat(acknowledged).as("some appends were acknowledged").isNotEmpty();
    }

    private List<Ack> runAndKill(Path dir, int round, long childSeed, int runMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
            "-cp", System.getProperty("java.class.path"), CrashTestProducer.class.getName(),
            dir.toString(), String.valueOf(round), String.valueOf(childSeed));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = builder.start();
        List<Ack> acks = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] parts = line.split(" ");
                    if (!line.endsWith(" END")) {
                        continue; // torn by the kill: this append was never acknowledged to anyone
                    }
                    if (parts[0].equals("READY")) {
                        ready.countDown();
                    } else if (parts[0].equals("ACK")) {
                        acks.add(new Ack(Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                            Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), Integer.parseInt(parts[5])));
                    }
                }
            } catch (IOException e) {
                // The pipe breaks when the child is killed; everything read before that is complete.
            }
        });
        reader.start();
        try {
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("child started").isTrue();
            Thread.sleep(runMs);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join(30_000);
        }
        return new ArrayList<>(acks);
    }

    private static void verify(Path dir, List<Ack> acknowledged, String context) throws IOException {
        LogManagerConfig config = new LogManagerConfig(List.of(dir), 2, 300_000, Long.MAX_VALUE, 60_000, false,
            15_000);
        try (LogManager manager = new LogManager(config, Time.SYSTEM)) {
            manager.startup(tp -> CrashTestProducer.CONFIG);
            Log log = manager.getOrCreateLog(CrashTestProducer.TP, CrashTestProducer.CONFIG);
            Map<Long, String> values = new HashMap<>();
            long expectedOffset = 0;
            long next = 0;
            while (next < log.logEndOffset()) {
                FetchDataInfo info = log.read(next, 64 * 1024, Long.MAX_VALUE, true);
                assertThat(info.records().sizeInBytes()).as(context + ": data at offset " + next).isPositive();
                for (RecordBatch batch : info.records().batches()) {
                    batch.ensureValid(); // no torn or corrupt batch survives recovery
                    for (Record record : batch) {
                        assertThat(record.offset()).as(context).isEqualTo(expectedOffset++);
                        values.put(record.offset(), TestRecords.string(record.value()));
                    }
                    next = batch.nextOffset();
                }
            }
            assertThat(expectedOffset).as(context).isEqualTo(log.logEndOffset());
            for (Ack ack : acknowledged) {
                assertThat(ack.lastOffset()).as(context + ": acknowledged " + ack).isLessThan(log.logEndOffset());
                for (int i = 0; i < ack.count(); i++) {
                    assertThat(values.get(ack.firstOffset() + i)).as(context + ": record " + i + " of " + ack)
                        .isEqualTo(CrashTestProducer.value(ack.round(), ack.batch(), i));
                }
            }
            // Producer state was recovered too: every record in the log was one step of the producer's sequence.
            if (log.logEndOffset() > 0) {
                assertThat(log.producerState(CrashTestProducer.PRODUCER_ID).orElseThrow().lastSequence())
                    .as(context).isEqualTo(log.logEndOffset() - 1);
            }
        }
    }
}
