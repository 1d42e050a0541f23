package io.potok.it.group;

import java.time.Duration;
import io.potok.it.Await;
import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real {@code KafkaConsumer}s sharing partitions through {@code subscribe()}, with the classic and
 * the consumer (KIP-848) rebalance protocol: balanced assignment, take-over when a member leaves,
 * static membership, and the cooperative-sticky assignor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupMembershipTest {

    @RegisterExtension
    static final PotokNode NODE = GroupClients.node("GroupMembershipTest").build();

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void threeConsumersShareSixPartitionsAndTheOthersTakeOverWhenOneLeaves(String protocol) throws Exception {
        String topic = "share-" + protocol;
        GroupClients.createTopic(NODE.bootstrap(), topic, 6);
        GroupClients.produce(NODE.bootstrap(), topic, 6, 50);
        String group = "share-" + protocol;
        PollingConsumer c1 = member(group, protocol, "c1", Map.of(), topic);
        PollingConsumer c2 = member(group, protocol, "c2", Map.of(), topic);
        PollingConsumer c3 = member(group, protocol, "c3", Map.of(), topic);
        try {
            Await.until("each of three members owns two partitions", Duration.ofMillis(30_000), () ->
                    c1.assignment().size() == 2 && c2.assignment().size() == 2 && c3.assignment().size() == 2
                            && union(c1, c2, c3).size() == 6);

            long leftAt = System.nanoTime();
            c3.close();
            Await.until("the two remaining members own three partitions each", Duration.ofMillis(GroupClients.SESSION_TIMEOUT_MS), () ->
                    c1.assignment().size() == 3 && c2.assignment().size() == 3 && union(c1, c2).size() == 6);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftAt))
                    .isLessThan(GroupClients.SESSION_TIMEOUT_MS);

            GroupClients.produce(NODE.bootstrap(), topic, 6, 50);
            Await.until("every record read by some member", Duration.ofMillis(30_000), () -> missing(6, 100, c1, c2, c3).isEmpty());
            assertThat(c1.failure()).isNull();
            assertThat(c2.failure()).isNull();
            assertThat(c3.failure()).isNull();
        } finally {
            c1.close();
            c2.close();
            c3.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void staticMemberComesBackQuicklyWithoutARebalance(String protocol) throws Exception {
        String topic = "static-" + protocol;
        GroupClients.createTopic(NODE.bootstrap(), topic, 4);
        String group = "static-" + protocol;
        PollingConsumer a = member(group, protocol, "a", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a"), topic);
        PollingConsumer b = member(group, protocol, "b", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-b"), topic);
        PollingConsumer again = null;
        try {
            Await.until("two static members own two partitions each", Duration.ofMillis(30_000), () ->
                    a.assignment().size() == 2 && b.assignment().size() == 2 && union(a, b).size() == 4);
            Thread.sleep(1000); // let callbacks and generations settle
            Set<TopicPartition> aPartitions = a.assignment();
            int bGeneration = b.generation();
            int bAssigned = b.assignedCalls.get();
            int bRevoked = b.revoked.size();

            a.close();
            again = member(group, protocol, "a-again", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a"), topic);
            PollingConsumer restarted = again;
            Await.until("the restarted member gets its old partitions back", Duration.ofMillis(15_000),
                    () -> restarted.assignment().equals(aPartitions));
            Thread.sleep(1500); // a rebalance, if one were triggered, would show by now
            assertThat(b.generation()).as("generation of the other member").isEqualTo(bGeneration);
            assertThat(b.assignedCalls.get()).as("assignments of the other member").isEqualTo(bAssigned);
            assertThat(b.revoked).as("revocations of the other member").hasSize(bRevoked);
            assertThat(b.assignment()).hasSize(2);
            assertThat(restarted.failure()).isNull();
        } finally {
            a.close();
            b.close();
            if (again != null) {
                again.close();
            }
        }
    }

    @Test
    void cooperativeStickyMovesOnlyThePartitionsThatChangeOwner() throws Exception {
        String topic = "cooperative";
        GroupClients.createTopic(NODE.bootstrap(), topic, 6);
        GroupClients.produce(NODE.bootstrap(), topic, 6, 20);
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        PollingConsumer c1 = member("cooperative", "classic", "c1", cooperative, topic);
        PollingConsumer c2 = member("cooperative", "classic", "c2", cooperative, topic);
        PollingConsumer c3 = null;
        try {
            Await.until("two members own three partitions each", Duration.ofMillis(30_000), () ->
                    c1.assignment().size() == 3 && c2.assignment().size() == 3);
            Set<TopicPartition> before1 = c1.assignment();
            Set<TopicPartition> before2 = c2.assignment();
            int revoked1 = c1.revoked.size();
            int revoked2 = c2.revoked.size();
            c3 = member("cooperative", "classic", "c3", cooperative, topic);
            PollingConsumer third = c3;
            Await.until("three members own two partitions each", Duration.ofMillis(30_000), () -> c1.assignment().size() == 2
                    && c2.assignment().size() == 2 && third.assignment().size() == 2 && union(c1, c2, third).size() == 6);
            // Each earlier member kept two of its partitions and gave up only the one that moved.
            assertThat(before1).containsAll(c1.assignment());
            assertThat(before2).containsAll(c2.assignment());
            for (Set<TopicPartition> r : c1.revoked.subList(revoked1, c1.revoked.size())) {
                assertThat(r).hasSize(1);
            }
            for (Set<TopicPartition> r : c2.revoked.subList(revoked2, c2.revoked.size())) {
                assertThat(r).hasSize(1);
            }
            assertThat(c1.lost).isEmpty();
            Await.until("every record read", Duration.ofMillis(30_000), () -> missing(6, 20, c1, c2, third).isEmpty());
        } finally {
            c1.close();
            c2.close();
            if (c3 != null) {
                c3.close();
            }
        }
    }

    private static PollingConsumer member(String group, String protocol, String name, Map<String, Object> extra,
                                          String topic) {
        Map<String, Object> config = GroupClients.consumerConfig(NODE.bootstrap(), group, protocol, group + "-" + name);
        config.putAll(extra);
        return new PollingConsumer(name, config, List.of(topic));
    }

    private static Set<TopicPartition> union(PollingConsumer... consumers) {
        Set<TopicPartition> all = new HashSet<>();
        for (PollingConsumer c : consumers) {
            all.addAll(c.assignment());
        }
        return all;
    }

    /** Records "partition:offset" below {@code perPartition} that nobody read. */
    private static Set<String> missing(int partitions, int perPartition, PollingConsumer... consumers) {
        Set<String> missing = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            for (int o = 0; o < perPartition; o++) {
                missing.add(p + ":" + o);
            }
        }
        for (PollingConsumer c : consumers) {
            missing.removeAll(c.seen);
        }
        return missing;
    }
}
