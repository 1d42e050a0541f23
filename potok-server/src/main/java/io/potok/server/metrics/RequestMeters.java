package io.potok.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.potok.broker.api.RequestMetrics;
import io.potok.broker.replica.PartitionLookup;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Request meters: a latency histogram per API ({@code potok_request_latency_seconds}, whose
 * {@code _count} is the request count), failed requests per API, and per topic the bytes and
 * messages produced and the bytes fetched by consumers. Bytes are the record batches' sizes on the
 * wire; a partition whose append failed counts nothing. Follower fetches count in
 * {@code potok_replication_bytes_out_total}, not per topic.
 *
 * <p>Thread-safety: thread-safe (meters are created once per key in concurrent maps).
 */
final class RequestMeters implements RequestMetrics {
    /** Histogram buckets, from a local fetch to a long-poll that waited its full time. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final PartitionLookup lookup;
    private final Map<ApiKeys, Timer> latency = new ConcurrentHashMap<>();
    private final Map<ApiKeys, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final Counter replicationBytesOut;

    /** The per-topic counters of one topic. */
    record TopicMeters(Counter bytesIn, Counter messagesIn, Counter bytesOut) {
    }

    /** @param lookup resolves the topic ids that Produce v13 and later send instead of names */
    RequestMeters(MeterRegistry registry, PartitionLookup lookup) {
        this.registry = registry;
        this.lookup = lookup;
        this.replicationBytesOut = Counter.builder("potok.replication.bytes.out")
                .description("Record bytes sent to follower replicas").register(registry);
    }

    @Override
    public void record(RequestHeader header, AbstractRequest request, AbstractResponse response, Throwable error,
                       long latencyNanos) {
        ApiKeys api = header.apiKey();
        latency.computeIfAbsent(api, a -> Timer.builder("potok.request.latency")
                .description("Time from handing a request to its handler until the answer is ready")
                .tag("api", a.name).serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)).record(latencyNanos, TimeUnit.NANOSECONDS);
        if (error != null) {
            errors.computeIfAbsent(api, a -> Counter.builder("potok.request.errors")
                    .description("Requests whose handler failed instead of answering")
                    .tag("api", a.name).register(registry)).increment();
            return;
        }
        if (request instanceof ProduceRequest produce) {
            recordProduce(produce, (ProduceResponse) response);
        } else if (request instanceof FetchRequest fetch && response instanceof FetchResponse fetched) {
            recordFetch(fetch, fetched);
        }
    }

    private void recordProduce(ProduceRequest request, ProduceResponse response) {
        Set<String> failed = new HashSet<>();
        if (response != null) { // null for acks=0: count everything
            for (ProduceResponseData.TopicProduceResponse t : response.data().responses()) {
                for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
                    if (p.errorCode() != 0) {
                        failed.add(key(t.name(), t.topicId(), p.index()));
                    }
                }
            }
        }
        for (ProduceRequestData.TopicProduceData t : request.data().topicData()) {
            long bytes = 0;
            long messages = 0;
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                if (failed.contains(key(t.name(), t.topicId(), p.index()))
                        || !(p.records() instanceof MemoryRecords records)) {
                    continue;
                }
                bytes += records.sizeInBytes();
                for (RecordBatch batch : records.batches()) {
                    Integer count = batch.countOrNull();
                    messages += count != null ? count : batch.lastOffset() - batch.baseOffset() + 1;
                }
            }
            if (bytes > 0) {
                String name = lookup.topicName(t.name(), t.topicId()).orElse(null);
                if (name != null) {
                    TopicMeters m = topic(name);
                    m.bytesIn().increment(bytes);
                    m.messagesIn().increment(messages);
                }
            }
        }
    }

    private void recordFetch(FetchRequest request, FetchResponse response) {
        boolean follower = FetchRequest.replicaId(request.data()) >= 0;
        for (FetchResponseData.FetchableTopicResponse t : response.data().responses()) {
            long bytes = 0;
            for (FetchResponseData.PartitionData p : t.partitions()) {
                BaseRecords records = p.records();
                if (records != null) {
                    bytes += records.sizeInBytes();
                }
            }
            if (bytes == 0) {
                continue;
            }
            if (follower) {
                replicationBytesOut.increment(bytes);
            } else {
                String name = lookup.topicName(t.topic(), t.topicId()).orElse(null);
                if (name != null) {
                    topic(name).bytesOut().increment(bytes);
                }
            }
        }
    }

    private static String key(String name, Uuid id, int partition) {
        boolean byId = id != null && !Uuid.ZERO_UUID.equals(id);
        return (byId ? id.toString() : name) + "-" + partition;
    }

    private TopicMeters topic(String name) {
        return topics.computeIfAbsent(name, n -> new TopicMeters(
                Counter.builder("potok.topic.bytes.in").description("Record bytes appended by producers")
                        .tag("topic", n).register(registry),
                Counter.builder("potok.topic.messages.in").description("Records appended by producers")
                        .tag("topic", n).register(registry),
                Counter.builder("potok.topic.bytes.out").description("Record bytes sent to consumers")
                        .tag("topic", n).register(registry)));
    }

    /** Drops the counters of topics that no longer exist, so a scrape does not list them forever. */
    void retainTopics(Set<String> existing) {
        for (String name : Set.copyOf(topics.keySet())) {
            if (!existing.contains(name)) {
                TopicMeters m = topics.remove(name);
                if (m != null) {
                    registry.remove(m.bytesIn());
                    registry.remove(m.messagesIn());
                    registry.remove(m.bytesOut());
                }
            }
        }
    }
}
