package io.potok.it.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An idempotent producer (acks=all, enable.idempotence=true, unlimited retries) that writes
 * sequence-numbered records at a steady rate on its own thread until {@link #stop}: record
 * {@code n} goes to partition {@code n % partitions} with key {@code key-<partition>} and value
 * {@code n} (decimal). Every acknowledged record is kept as ({@code partition}, {@code offset},
 * {@code n}), and the longest time without any acknowledgement is measured.
 *
 * <p>Thread-safety: callbacks run on the producer's I/O thread; the collections they fill are
 * concurrent and read only after {@link #stop}.
 */
final class SequenceProducer implements AutoCloseable {
    /** One acknowledged record. */
    record Ack(int partition, long offset, long seq) {
    }

    private static final int MAX_OUTSTANDING = 50_000;

    private final String topic;
    private final int partitions;
    private final int ratePerSec;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    /** Acknowledged without an offset: DUPLICATE_SEQUENCE_NUMBER for a retry of a batch appended before. */
    private final AtomicLong acksWithoutOffset = new AtomicLong();
    private final Object gapLock = new Object();
    private volatile boolean running = true;
    // guarded by gapLock:
    private long lastAckNanos;
    private long maxGapNanos;
    private long maxGapEndedAtMs;
    /** When {@link #stop} was called (0 before): gaps are measured up to then, not over the final drain. */
    private long stopNanos;

    SequenceProducer(String bootstrap, String topic, int partitions, int ratePerSec) {
        this.topic = topic;
        this.partitions = partitions;
        this.ratePerSec = ratePerSec;
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "chaos-producer");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
        c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        c.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::produce, "chaos-producer");
        this.thread.setDaemon(true);
    }

    void start() {
        synchronized (gapLock) {
            lastAckNanos = System.nanoTime();
        }
        thread.start();
    }

    private void produce() {
        long startNanos = System.nanoTime();
        long seq = 0;
        while (running) {
            // Pace: record n is due at start + n / rate.
            long dueNanos = startNanos + seq * 1_000_000_000L / ratePerSec;
            long waitNanos = dueNanos - System.nanoTime();
            if (waitNanos > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                if (!outstanding.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue; // too many unanswered records: wait for the cluster
                }
            } catch (InterruptedException e) {
                return;
            }
            int partition = (int) (seq % partitions);
            long n = seq;
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
                    ("key-" + partition).getBytes(StandardCharsets.UTF_8),
                    Long.toString(n).getBytes(StandardCharsets.UTF_8));
            try {
                producer.send(record, (md, e) -> onCompletion(n, md, e));
                sent.incrementAndGet();
                seq++;
            } catch (RuntimeException e) {
                outstanding.release();
                failures.computeIfAbsent("send: " + e.getClass().getSimpleName(), k -> new AtomicLong())
                        .incrementAndGet();
                ChaosCluster.sleep(100);
            }
        }
    }

    private void onCompletion(long seq, RecordMetadata md, Exception e) {
        outstanding.release();
        if (e != null) {
            failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
            return;
        }
        if (!md.hasOffset()) {
            acksWithoutOffset.incrementAndGet();
        }
        acks.add(new Ack(md.partition(), md.hasOffset() ? md.offset() : -1, seq));
        noteAck(System.nanoTime());
    }

    private void noteAck(long nowNanos) {
        synchronized (gapLock) {
            long until = stopNanos > 0 ? Math.min(nowNanos, stopNanos) : nowNanos;
            long gap = until - lastAckNanos;
            if (gap > maxGapNanos) {
                maxGapNanos = gap;
                maxGapEndedAtMs = System.currentTimeMillis();
            }
            lastAckNanos = Math.max(lastAckNanos, until);
        }
    }

    /**
     * Stops sending and waits (up to {@code timeout}) for every record sent to be answered. The time
     * without acknowledgements counts up to this call: records still retrying afterwards (see
     * {@link #failures()}) do not make the cluster look unavailable while nothing new is sent.
     */
    void stop(Duration timeout) {
        synchronized (gapLock) {
            if (stopNanos == 0) {
                stopNanos = System.nanoTime();
            }
        }
        noteAck(System.nanoTime()); // a stall lasting until now counts
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(timeout);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    List<Ack> acks() {
        return new ArrayList<>(acks);
    }

    long sent() {
        return sent.get();
    }

    long acked() {
        return acks.size();
    }

    long acksWithoutOffset() {
        return acksWithoutOffset.get();
    }

    /** Failed sends by exception type (records that were never acknowledged). */
    Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    long maxUnavailableMs() {
        synchronized (gapLock) {
            return TimeUnit.NANOSECONDS.toMillis(maxGapNanos);
        }
    }

    long maxUnavailableEndedAtMs() {
        synchronized (gapLock) {
            return maxGapEndedAtMs;
        }
    }
}
