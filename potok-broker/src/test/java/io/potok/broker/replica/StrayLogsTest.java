package io.potok.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class StrayLogsTest {
    private static final int NODE = 2;
    private static final Uuid ORDERS_ID = Uuid.randomUuid();
    private static final MetadataImage IMAGE = new MetadataImage(10, "c", Map.of(), Map.of("orders",
            new TopicImage("orders", ORDERS_ID, List.of(
                    new PartitionImage(0, List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0),
                    new PartitionImage(1, List.of(1, 3, 4), List.of(1, 3, 4), 1, 0, 0)), Map.of())),
            Map.of(), 0);

    private static Optional<String> reason(String topic, int partition, Optional<Uuid> logTopicId) {
        return StrayLogs.reason(new TopicPartition(topic, partition), logTopicId, IMAGE, NODE);
    }

    @Test
    void aReplicaTheMetadataGivesThisNodeIsKept() {
        assertThat(reason("orders", 0, Optional.of(ORDERS_ID))).isEmpty();
    }

    @Test
    void aLogWithoutARecordedTopicIdIsTakenToBelongToTheCurrentTopic() {
        assertThat(reason("orders", 0, Optional.empty())).isEmpty();
    }

    @Test
    void aDeletedTopicsLogIsStray() {
        assertThat(reason("gone", 0, Optional.empty())).hasValueSatisfying(r -> assertThat(r).contains("no longer"));
    }

    @Test
    void theLogOfAnEarlierTopicOfTheSameNameIsStray() {
        Uuid old = Uuid.randomUuid();
        assertThat(reason("orders", 0, Optional.of(old))).hasValueSatisfying(r ->
                assertThat(r).contains(old.toString()).contains(ORDERS_ID.toString()));
    }

    @Test
    void aPartitionMovedToOtherBrokersOrRemovedIsStray() {
        assertThat(reason("orders", 1, Optional.of(ORDERS_ID))).hasValueSatisfying(r ->
                assertThat(r).contains("[1, 3, 4]"));
        assertThat(reason("orders", 7, Optional.of(ORDERS_ID))).isPresent();
    }
}
