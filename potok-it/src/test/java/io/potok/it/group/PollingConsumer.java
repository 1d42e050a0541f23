package io.potok.it.group;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A group member that polls on its own thread (a {@link KafkaConsumer} belongs to one thread),
 * commits what it read after every poll, and records what it saw: the records, its assignment,
 * its generation and the rebalance callbacks. {@link #close()} stops the loop and closes the
 * consumer on its thread, which leaves the group (static members only leave temporarily).
 */
final class PollingConsumer implements AutoCloseable {
    private final String name;
    private final Map<String, Object> config;
    private final Collection<String> topics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int generation = -1;
    private volatile Throwable failure;
    private final java.util.concurrent.atomic.AtomicInteger refusedCommits = new java.util.concurrent.atomic.AtomicInteger();
    /** Every record read, as "partition:offset". */
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    final AtomicInteger assignedCalls = new AtomicInteger();
    final List<Set<TopicPartition>> revoked = new CopyOnWriteArrayList<>();
    final List<Set<TopicPartition>> lost = new CopyOnWriteArrayList<>();

    PollingConsumer(String name, Map<String, Object> config, Collection<String> topics) {
        this.name = name;
        this.config = config;
        this.topics = topics;
        this.thread = new Thread(this::run, "potok-it-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        revoked.add(Set.copyOf(partitions));
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignedCalls.incrementAndGet();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    lost.add(Set.copyOf(partitions));
                }
            });
            while (running) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    seen.add(r.partition() + ":" + r.offset());
                    any = true;
                }
                if (any) {
                    commitUnlessARebalanceIntervenes(consumer);
                }
                assignment = Set.copyOf(consumer.assignment());
                generation = consumer.groupMetadata().generationId();
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /**
     * A commit that races a rebalance can be refused (the member's epoch moved on before the client heard of it and
     * the commit names a partition it no longer holds: STALE_MEMBER_EPOCH, or a classic group's rebalance), as Kafka
     * applications are told to expect; the records are
     * committed with the next poll's commit or read again by their next owner. Other errors stop the loop.
     */
    private void commitUnlessARebalanceIntervenes(KafkaConsumer<byte[], byte[]> consumer) {
        try {
            consumer.commitSync();
        } catch (org.apache.kafka.clients.consumer.CommitFailedException
                 | org.apache.kafka.common.errors.RebalanceInProgressException
                 | org.apache.kafka.common.errors.StaleMemberEpochException e) {
            refusedCommits.incrementAndGet();
        }
    }

    /** Commits refused because a rebalance intervened. */
    int refusedCommits() {
        return refusedCommits.get();
    }

    String name() {
        return name;
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    int generation() {
        return generation;
    }

    /** The error that stopped the poll loop, or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException(name + " did not stop");
        }
    }
}
