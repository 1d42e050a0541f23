package io.potok.it.group;

import java.time.Duration;
import io.potok.it.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.it.PotokNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Admin client's view and management of groups: list (with state and type filters),
 * describe (members, assignment), offsets and lag, altering and deleting offsets, and deleting
 * groups (refused while members are in them).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupAdminTest {

    @RegisterExtension
    static final PotokNode NODE = GroupClients.node("GroupAdminTest").build();

    @Test
    void classicGroupIsListedDescribedAndManaged() throws Exception {
        String topic = "admin-classic";
        String group = "admin-classic";
        GroupClients.createTopic(NODE.bootstrap(), topic, 4);
        GroupClients.produce(NODE.bootstrap(), topic, 4, 25);
        try (Admin admin = GroupClients.admin(NODE.bootstrap())) {
            PollingConsumer c1 = member(group, "classic", "c1", topic);
            PollingConsumer c2 = member(group, "classic", "c2", topic);
            try {
                Await.until("a stable group of two members that read and committed everything", Duration.ofMillis(30_000),
                        () -> c1.assignment().size() == 2 && c2.assignment().size() == 2
                                && state(admin, group) == GroupState.STABLE && committed(admin, group).size() == 4
                                && committed(admin, group).values().stream().allMatch(o -> o.offset() == 25));
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                assertThat(d.type()).isEqualTo(GroupType.CLASSIC);
                assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(d.partitionAssignor()).isEqualTo("range");
                assertThat(d.members()).hasSize(2).allSatisfy(m -> {
                    assertThat(m.assignment().topicPartitions()).hasSize(2);
                    assertThat(m.host()).isEqualTo("/127.0.0.1");
                });
                assertThat(d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                        .collect(Collectors.toSet())).hasSize(4);
                assertThat(lag(admin, group, topic, 4)).containsOnly(0L);

                assertThat(listed(admin, ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.STABLE))))
                        .contains(group);
                assertThat(listed(admin, ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY))))
                        .doesNotContain(group);
                assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of(group)).all().get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupNotEmptyException.class);
            } finally {
                c1.close();
                c2.close();
            }

            Await.until("the group is empty", Duration.ofMillis(15_000), () -> state(admin, group) == GroupState.EMPTY);
            GroupClients.produce(NODE.bootstrap(), topic, 4, 10);
            assertThat(lag(admin, group, topic, 4)).containsOnly(10L);

            TopicPartition p0 = new TopicPartition(topic, 0);
            TopicPartition p1 = new TopicPartition(topic, 1);
            admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3))).all().get();
            assertThat(committed(admin, group).get(p0).offset()).isEqualTo(3);
            admin.deleteConsumerGroupOffsets(group, Set.of(p1)).all().get();
            assertThat(committed(admin, group)).doesNotContainKey(p1).containsKey(p0);

            admin.deleteConsumerGroups(List.of(group)).all().get();
            assertThat(listed(admin, ListGroupsOptions.forConsumerGroups())).doesNotContain(group);
            assertThat(committed(admin, group)).isEmpty();
            assertThatThrownBy(() -> admin.describeConsumerGroups(List.of(group)).all().get())
                    .hasCauseInstanceOf(GroupIdNotFoundException.class);
        }
    }

    @Test
    void consumerProtocolGroupIsDescribedWithItsEpochsAndAssignment() throws Exception {
        String topic = "admin-consumer";
        String group = "admin-consumer";
        GroupClients.createTopic(NODE.bootstrap(), topic, 4);
        try (Admin admin = GroupClients.admin(NODE.bootstrap())) {
            PollingConsumer c1 = member(group, "consumer", "c1", topic);
            PollingConsumer c2 = member(group, "consumer", "c2", topic);
            try {
                Await.until("two members own two partitions each", Duration.ofMillis(30_000),
                        () -> c1.assignment().size() == 2 && c2.assignment().size() == 2);
                Await.until("the group is stable", Duration.ofMillis(15_000), () -> state(admin, group) == GroupState.STABLE);
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                assertThat(d.type()).isEqualTo(GroupType.CONSUMER);
                assertThat(d.partitionAssignor()).isEqualTo("uniform");
                assertThat(d.groupEpoch()).isPresent();
                assertThat(d.targetAssignmentEpoch()).isEqualTo(d.groupEpoch());
                Set<TopicPartition> assigned = new HashSet<>();
                for (MemberDescription m : d.members()) {
                    assertThat(m.assignment().topicPartitions()).hasSize(2);
                    assigned.addAll(m.assignment().topicPartitions());
                }
                assertThat(assigned).hasSize(4);
                assertThat(listed(admin, new ListGroupsOptions().withTypes(Set.of(GroupType.CONSUMER)))).contains(group);
                assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of(group)).all().get())
                        .hasCauseInstanceOf(GroupNotEmptyException.class);
            } finally {
                c1.close();
                c2.close();
            }
            Await.until("the group is empty", Duration.ofMillis(15_000), () -> state(admin, group) == GroupState.EMPTY);
            admin.deleteConsumerGroups(List.of(group)).all().get();
            assertThat(listed(admin, ListGroupsOptions.forConsumerGroups())).doesNotContain(group);
        }
    }

    private static PollingConsumer member(String group, String protocol, String name, String topic) {
        return new PollingConsumer(name, GroupClients.consumerConfig(NODE.bootstrap(), group, protocol,
                group + "-" + name), List.of(topic));
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null) {
                    present.put(tp, om);
                }
            });
            return present;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Per partition: log end offset minus committed offset, as kafka-consumer-groups.sh computes it. */
    private static List<Long> lag(Admin admin, String group, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(specs).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
        return ends.entrySet().stream().map(e -> e.getValue().offset() - committed.get(e.getKey()).offset()).toList();
    }

    private static GroupState state(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).groupState();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> listed(Admin admin, ListGroupsOptions options) throws Exception {
        return admin.listGroups(options).all().get().stream().map(GroupListing::groupId).collect(Collectors.toSet());
    }
}
