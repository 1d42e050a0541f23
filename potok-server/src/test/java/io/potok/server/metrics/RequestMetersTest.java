package io.potok.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.potok.broker.replica.PartitionLookup;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class RequestMetersTest {
    // Topics named in the request need no metadata: the lookup only resolves topic ids.
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RequestMeters meters = new RequestMeters(registry, new PartitionLookup(null, null));

    private static MemoryRecords records(int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("value-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    @Test
    void countsProducedBytesAndMessagesOfSuccessfulPartitionsOnly() {
        MemoryRecords ok = records(5);
        MemoryRecords refused = records(7);
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("t");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(ok));
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(refused));
        data.topicData().add(topic);
        short version = 11; // names, not topic ids
        ProduceRequest request = ProduceRequest.builder(data).build(version);
        ProduceResponseData responseData = new ProduceResponseData();
        ProduceResponseData.TopicProduceResponse tr = new ProduceResponseData.TopicProduceResponse().setName("t");
        tr.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(0));
        tr.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(1)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
        responseData.responses().add(tr);
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "client", 1);

        meters.record(header, request, new ProduceResponse(responseData), null, 2_000_000);

        assertThat(registry.get("potok.topic.messages.in").tag("topic", "t").counter().count()).isEqualTo(5);
        assertThat(registry.get("potok.topic.bytes.in").tag("topic", "t").counter().count())
                .isEqualTo(ok.sizeInBytes());
        assertThat(registry.get("potok.request.latency").tag("api", "Produce").timer().count()).isEqualTo(1);
    }

    @Test
    void failedHandlersCountAsErrorsAndTopicsGoWithTheirTopic() {
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, (short) 12, "client", 1);
        meters.record(header, null, null, new IllegalStateException("boom"), 1_000);
        assertThat(registry.get("potok.request.errors").tag("api", "Metadata").counter().count()).isEqualTo(1);

        ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("gone");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records(1)));
        data.topicData().add(topic);
        short version = 11;
        meters.record(new RequestHeader(ApiKeys.PRODUCE, version, "client", 2),
                ProduceRequest.builder(data).build(version), null, null, 1_000);
        assertThat(registry.find("potok.topic.messages.in").tag("topic", "gone").counter()).isNotNull();

        meters.retainTopics(Set.of("other"));
        assertThat(registry.find("potok.topic.messages.in").tag("topic", "gone").counter()).isNull();
    }
}
