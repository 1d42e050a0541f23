package io.potok.server.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code potok consume TOPIC}: prints each record's value (UTF-8) on its own line, like
 * {@code kafka-console-consumer}. Without {@code --group} it reads every partition directly
 * (from the end, or the beginning with {@code --from-beginning}); with a group it subscribes and
 * commits its position. Stops after {@code --max} records, after {@code --timeout-ms} without
 * records, or on Ctrl-C, then prints the total on stderr.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print the records of TOPIC, one value per line.")
final class ConsumeCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
    String topic;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Read as a member of this consumer group and commit its offsets.")
    String group;

    @Option(names = "--from-beginning",
            description = "Start at the earliest record (with --group: when the group has no committed offset).")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(names = "--timeout-ms", paramLabel = "MS",
            description = "Stop when no record arrived for MS milliseconds (default: wait until Ctrl-C).")
    Long idleTimeoutMs;

    @Option(names = "--print-key", description = "Print KEY<separator>VALUE.")
    boolean printKey;

    @Option(names = "--print-offset", description = "Prefix each line with PARTITION:OFFSET<separator>.")
    boolean printOffset;

    @Option(names = "--key-separator", paramLabel = "SEP", defaultValue = "\t",
            description = "Separator for --print-key and --print-offset (default: tab).")
    String separator;

    private volatile boolean stopping;

    @Override
    public Integer call() {
        if (max != null && max < 1) {
            throw new CliFailure("--max must be at least 1, got " + max, CliFailure.USAGE);
        }
        if (idleTimeoutMs != null && idleTimeoutMs < 1) {
            throw new CliFailure("--timeout-ms must be at least 1, got " + idleTimeoutMs, CliFailure.USAGE);
        }
        Map<String, String> settings = new HashMap<>();
        if (group != null) {
            settings.put("group.id", group);
            settings.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        }
        // Offsets are committed for exactly the records printed (see below), never ahead of them.
        settings.put("enable.auto.commit", "false");
        settings.put("allow.auto.create.topics", "false");
        long count = 0;
        boolean completed = false;
        Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        CountDownLatch finished = new CountDownLatch(1);
        KafkaConsumer<byte[], byte[]> consumer = client.consumer(settings);
        Thread hook = new Thread(() -> {
            stopping = true;
            consumer.wakeup();
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "potok-consume-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            start(consumer);
            long lastRecordNanos = System.nanoTime();
            while (!stopping && (max == null || count < max)) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    print(out, r);
                    printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    count++;
                    if (max != null && count >= max) {
                        break;
                    }
                }
                out.flush();
                if (group != null && !records.isEmpty()) {
                    consumer.commitAsync(Map.copyOf(printed), null);
                }
                if (!records.isEmpty()) {
                    lastRecordNanos = System.nanoTime();
                } else if (idleTimeoutMs != null
                        && System.nanoTime() - lastRecordNanos > TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs)) {
                    break;
                }
            }
            commit(consumer, printed);
            completed = true;
        } catch (WakeupException e) {
            commit(consumer, printed); // Ctrl-C: keep what was printed, then the summary
            completed = true;
        } catch (KafkaException e) {
            throw client.failure(e);
        } finally {
            out.flush();
            try {
                consumer.close(Duration.ofMillis(client.requestTimeoutMs));
            } catch (RuntimeException e) {
                // closing after a failure: the failure is what the user needs to see
            }
            if (completed) {
                System.err.println("Processed a total of " + count + " messages");
            }
            finished.countDown();
            if (!stopping) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down
                }
            }
        }
        return 0;
    }

    private void commit(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> printed) {
        if (group != null && !printed.isEmpty()) {
            try {
                consumer.commitSync(printed, Duration.ofMillis(client.requestTimeoutMs));
            } catch (KafkaException e) {
                throw new CliFailure("could not commit the offsets of group " + group + ": "
                        + client.failure(e).getMessage());
            }
        }
    }

    private void start(KafkaConsumer<byte[], byte[]> consumer) {
        if (group != null) {
            partitions(consumer);
            consumer.subscribe(List.of(topic));
            return;
        }
        List<TopicPartition> assigned = new ArrayList<>();
        for (PartitionInfo p : partitions(consumer)) {
            assigned.add(new TopicPartition(p.topic(), p.partition()));
        }
        consumer.assign(assigned);
        if (fromBeginning) {
            consumer.seekToBeginning(assigned);
        } else {
            consumer.seekToEnd(assigned);
        }
    }

    /** The topic's partitions; a topic that does not exist is a one-line failure, not an endless wait. */
    private List<PartitionInfo> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(topic, Duration.ofMillis(client.requestTimeoutMs));
        } catch (KafkaException e) {
            throw client.failure(e);
        }
        if (partitions == null || partitions.isEmpty()) {
            throw new CliFailure("topic " + topic + " does not exist");
        }
        return partitions;
    }

    private void print(PrintWriter out, ConsumerRecord<byte[], byte[]> r) {
        StringBuilder line = new StringBuilder();
        if (printOffset) {
            line.append(r.partition()).append(':').append(r.offset()).append(separator);
        }
        if (printKey) {
            line.append(r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8)).append(separator);
        }
        line.append(r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8));
        out.println(line);
    }
}
