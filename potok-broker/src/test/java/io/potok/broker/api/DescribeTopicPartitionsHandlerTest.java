package io.potok.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class DescribeTopicPartitionsHandlerTest {
    private static final MetadataImage IMAGE = new MetadataImage(1, "c", Map.of(),
            Map.of("b", topic("b", 3), "a", topic("a", 2), "c", topic("c", 1)), Map.of(), 0);

    private static TopicImage topic(String name, int partitions) {
        List<PartitionImage> list = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            list.add(new PartitionImage(p, List.of(1, 2), List.of(1), p == 1 ? -1 : 1, 3, 4));
        }
        return new TopicImage(name, Uuid.randomUuid(), list, Map.of());
    }

    private static DescribeTopicPartitionsRequestData request(int limit, String cursorTopic, int cursorPartition,
                                                              String... topics) {
        DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(limit);
        for (String t : topics) {
            data.topics().add(new TopicRequest().setName(t));
        }
        if (cursorTopic != null) {
            data.setCursor(new Cursor().setTopicName(cursorTopic).setPartitionIndex(cursorPartition));
        }
        return data;
    }

    /** "topic:partition,partition" per topic, in response order. */
    private static List<String> shape(DescribeTopicPartitionsResponseData response) {
        List<String> out = new ArrayList<>();
        for (DescribeTopicPartitionsResponseTopic t : response.topics()) {
            out.add(t.name() + ":" + t.partitions().stream().map(p -> Integer.toString(p.partitionIndex()))
                    .collect(Collectors.joining(",")));
        }
        return out;
    }

    @Test
    void everyTopicInNameOrderWhenNoneIsNamed() {
        DescribeTopicPartitionsResponseData r = DescribeTopicPartitionsHandler.describe(IMAGE, request(2000, null, 0));
        assertThat(shape(r)).containsExactly("a:0,1", "b:0,1,2", "c:0");
        assertThat(r.nextCursor()).isNull();
        var p = r.topics().find("b").partitions().get(1);
        assertThat(p.leaderId()).isEqualTo(-1);
        assertThat(p.errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
        assertThat(p.replicaNodes()).containsExactly(1, 2);
        assertThat(p.isrNodes()).containsExactly(1);
        assertThat(p.leaderEpoch()).isEqualTo(3);
        assertThat(p.eligibleLeaderReplicas()).isEmpty();
        assertThat(r.topics().find("a").topicId()).isEqualTo(IMAGE.topics().get("a").id());
    }

    @Test
    void pagesFollowTheCursorAcrossTopics() {
        DescribeTopicPartitionsResponseData first = DescribeTopicPartitionsHandler.describe(IMAGE, request(3, null, 0));
        assertThat(shape(first)).containsExactly("a:0,1", "b:0");
        assertThat(first.nextCursor().topicName()).isEqualTo("b");
        assertThat(first.nextCursor().partitionIndex()).isEqualTo(1);

        DescribeTopicPartitionsResponseData second = DescribeTopicPartitionsHandler.describe(IMAGE, request(2, "b", 1));
        assertThat(shape(second)).containsExactly("b:1,2");
        // The limit is used up exactly at the end of a topic: the next page starts at the next topic.
        assertThat(second.nextCursor().topicName()).isEqualTo("c");
        assertThat(second.nextCursor().partitionIndex()).isZero();

        DescribeTopicPartitionsResponseData third = DescribeTopicPartitionsHandler.describe(IMAGE, request(2, "c", 0));
        assertThat(shape(third)).containsExactly("c:0");
        assertThat(third.nextCursor()).isNull();
    }

    @Test
    void namedTopicsIncludingUnknownOnes() {
        DescribeTopicPartitionsResponseData r = DescribeTopicPartitionsHandler.describe(IMAGE,
                request(2000, null, 0, "c", "zz", "a"));
        assertThat(shape(r)).containsExactly("a:0,1", "c:0", "zz:");
        assertThat(r.topics().find("zz").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(r.topics().find("zz").topicId()).isEqualTo(Uuid.ZERO_UUID);
    }

    @Test
    void aCursorMustNameARequestedTopicAndAValidPartition() {
        assertThatThrownBy(() -> DescribeTopicPartitionsHandler.describe(IMAGE, request(10, "b", 0, "a", "c")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cursor topic: b");
        assertThatThrownBy(() -> DescribeTopicPartitionsHandler.describe(IMAGE, request(10, "a", -1)))
                .isInstanceOf(InvalidRequestException.class);
    }
}
