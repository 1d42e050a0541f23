package io.potok.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code potok produce TOPIC}: each line of standard input becomes one record (UTF-8), optionally
 * split into key and value at the first {@code --key-separator}. A running count goes to stderr
 * every second while input keeps coming; a summary with the rate ends the run on stdout. The first
 * failed record stops reading and fails the command.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send the lines of standard input as records to TOPIC.")
final class ProduceCommand implements Callable<Integer> {
    private static final long PROGRESS_INTERVAL_MS = 1_000;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "TOPIC", description = "The topic to write to.")
    String topic;

    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value; a line without SEP fails.")
    String keySeparator;

    @Option(names = "--partition", paramLabel = "P", description = "Write every record to partition P.")
    Integer partition;

    @Option(names = "--acks", paramLabel = "all|1|0", defaultValue = "all",
            description = "Acknowledgements to wait for (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--compression", paramLabel = "TYPE", defaultValue = "none",
            description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--linger-ms", paramLabel = "MS", defaultValue = "5",
            description = "How long to wait to fill a batch (default: ${DEFAULT-VALUE}).")
    int lingerMs;

    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder ackedBytes = new LongAdder();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    @Override
    public Integer call() throws IOException {
        if (!acks.equals("all") && !acks.equals("-1") && !acks.equals("1") && !acks.equals("0")) {
            throw new CliFailure("--acks must be all, 1 or 0, got '" + acks + "'", CliFailure.USAGE);
        }
        String codec = compression.toLowerCase(Locale.ROOT);
        if (!java.util.List.of("none", "gzip", "snappy", "lz4", "zstd").contains(codec)) {
            throw new CliFailure("--compression must be none, gzip, snappy, lz4 or zstd, got '" + compression + "'",
                    CliFailure.USAGE);
        }
        if (keySeparator != null && keySeparator.isEmpty()) {
            throw new CliFailure("--key-separator must not be empty", CliFailure.USAGE);
        }
        if (partition != null && partition < 0) {
            throw new CliFailure("--partition must be 0 or more, got " + partition, CliFailure.USAGE);
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("acks", acks);
        settings.put("enable.idempotence", Boolean.toString(acks.equals("all") || acks.equals("-1")));
        settings.put("compression.type", codec);
        settings.put("linger.ms", Integer.toString(Math.max(0, lingerMs)));
        settings.put("batch.size", "65536");

        long startNanos = System.nanoTime();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "potok-produce-progress");
            t.setDaemon(true);
            return t;
        });
        progress.scheduleAtFixedRate(() -> {
            if (sent.sum() > 0) {
                System.err.printf(Locale.ROOT, "potok: %d records sent, %d acknowledged (%.0f records/s)%n",
                        sent.sum(), acked.sum(), rate(acked.sum(), System.nanoTime() - startNanos));
            }
        }, PROGRESS_INTERVAL_MS, PROGRESS_INTERVAL_MS, TimeUnit.MILLISECONDS);
        long lineNumber = 0;
        try (KafkaProducer<byte[], byte[]> producer = client.producer(settings)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
            String line;
            while (firstError.get() == null && (line = in.readLine()) != null) {
                lineNumber++;
                ProducerRecord<byte[], byte[]> record = record(line, lineNumber);
                long size = (record.key() == null ? 0 : record.key().length) + record.value().length;
                try {
                    producer.send(record, (metadata, e) -> {
                        if (e != null) {
                            firstError.compareAndSet(null, e);
                        } else {
                            acked.increment();
                            ackedBytes.add(size);
                        }
                    });
                    sent.increment();
                } catch (KafkaException e) {
                    firstError.compareAndSet(null, e);
                }
            }
            producer.flush();
        } catch (KafkaException e) {
            firstError.compareAndSet(null, e);
        } finally {
            progress.shutdownNow();
        }
        long elapsedNanos = System.nanoTime() - startNanos;
        long done = acked.sum();
        System.out.printf(Locale.ROOT, "Produced %d records (%s) to %s in %.2f s (%.0f records/s, %s/s)%n", done,
                bytes(ackedBytes.sum()), topic, elapsedNanos / 1e9, rate(done, elapsedNanos),
                bytes((long) rate(ackedBytes.sum(), elapsedNanos)));
        Exception error = firstError.get();
        if (error != null) {
            System.out.flush();
            throw new CliFailure("stopped after a record failed: " + client.failure(error).getMessage());
        }
        return 0;
    }

    private ProducerRecord<byte[], byte[]> record(String line, long lineNumber) {
        byte[] key = null;
        String value = line;
        if (keySeparator != null) {
            int at = line.indexOf(keySeparator);
            if (at < 0) {
                throw new CliFailure("line " + lineNumber + " has no key separator '" + keySeparator + "'",
                        CliFailure.USAGE);
            }
            key = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
            value = line.substring(at + keySeparator.length());
        }
        return new ProducerRecord<>(topic, partition, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static double rate(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
