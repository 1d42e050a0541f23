package io.potok.it.group;

import io.potok.it.Await;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A group runs one rebalance protocol at a time; a member of the other protocol is refused while it has members. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MixedProtocolsTest {

    @RegisterExtension
    static final PotokNode NODE = GroupClients.node("MixedProtocolsTest").build();

    @Test
    void aClassicMemberCannotJoinAConsumerProtocolGroup() throws Exception {
        GroupClients.createTopic(NODE.bootstrap(), "mixed-a", 2);
        try (PollingConsumer member = member("mixed-a", "consumer")) {
            Await.until("the consumer-protocol member has its partitions", Duration.ofMillis(30_000),
                    () -> member.assignment().size() == 2);
            Throwable failure = pollUntilFailure("mixed-a", "classic");
            assertThat(failure).isInstanceOf(InconsistentGroupProtocolException.class);
            assertThat(member.assignment()).hasSize(2);
        }
    }

    @Test
    void aConsumerProtocolMemberCannotJoinAClassicGroup() throws Exception {
        GroupClients.createTopic(NODE.bootstrap(), "mixed-b", 2);
        try (PollingConsumer member = member("mixed-b", "classic")) {
            Await.until("the classic member has its partitions", Duration.ofMillis(30_000),
                    () -> member.assignment().size() == 2);
            Throwable failure = pollUntilFailure("mixed-b", "consumer");
            assertThat(failure).isInstanceOf(GroupIdNotFoundException.class);
            assertThat(member.assignment()).hasSize(2);
        }
    }

    private static PollingConsumer member(String group, String protocol) {
        return new PollingConsumer(group + "-" + protocol, GroupClients.consumerConfig(NODE.bootstrap(), group, protocol,
                group + "-first"), List.of(group));
    }

    private static Throwable pollUntilFailure(String group, String protocol) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(GroupClients.consumerConfig(NODE.bootstrap(),
                group, protocol, group + "-second"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(group));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(200));
                } catch (KafkaException e) {
                    return e;
                }
            }
            throw new AssertionError("the " + protocol + " member was not refused; it got " + consumer.assignment());
        }
    }
}
