package io.potok.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topic administration through the real {@link Admin} client. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdminTopicsTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("AdminTopicsTest").build();

    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = Clients.admin(NODE.bootstrap());
    }

    @AfterAll
    static void disconnect() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void createDescribeConfigureListAndDeleteATopic() throws Exception {
        String topic = "admin-lifecycle";
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1)
                .configs(Map.of("retention.ms", "123456789"))));
        created.all().get(20, TimeUnit.SECONDS);
        assertThat(created.numPartitions(topic).get()).isEqualTo(3);
        assertThat(created.replicationFactor(topic).get()).isEqualTo(1);

        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertThat(description.name()).isEqualTo(topic);
        assertThat(description.isInternal()).isFalse();
        assertThat(description.topicId()).isNotNull().isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(description.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        for (TopicPartitionInfo p : description.partitions()) {
            assertThat(p.leader()).as("leader of partition %d", p.partition()).isNotNull();
            assertThat(p.leader().isEmpty()).as("leader of partition %d is a real node", p.partition()).isFalse();
            assertThat(p.leader().id()).isNotNegative();
            assertThat(p.leader().host()).isEqualTo("127.0.0.1");
            assertThat(p.leader().port()).isEqualTo(NODE.port());
            assertThat(p.replicas()).as("replicas of partition %d", p.partition()).containsExactly(p.leader());
            assertThat(p.isr()).as("ISR of partition %d", p.partition()).containsExactly(p.leader());
        }

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention).as("retention.ms in describeConfigs of %s", topic).isNotNull();
        assertThat(retention.value()).isEqualTo("123456789");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        assertThat(admin.listTopics().names().get()).contains(topic);
        assertThat(admin.listTopics().listings().get())
                .filteredOn(l -> l.name().equals(topic))
                .singleElement()
                .satisfies(l -> {
                    assertThat(l.topicId()).isEqualTo(description.topicId());
                    assertThat(l.isInternal()).isFalse();
                });

        admin.deleteTopics(List.of(topic)).all().get(20, TimeUnit.SECONDS);
        Await.until("topic " + topic + " gone from listTopics", Duration.ofSeconds(15),
                () -> !names().contains(topic));
        Throwable describeDeleted = catchThrowable(() -> admin.describeTopics(List.of(topic)).allTopicNames().get());
        assertThat(describeDeleted).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void listTopicsShowsEveryCreatedTopic() throws Exception {
        Set<String> topics = Set.of("list-a", "list-b", "list-c");
        admin.createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        assertThat(admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get()).containsAll(topics);
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
        assertThat(described).containsOnlyKeys(topics);
        assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(1));
    }

    @Test
    void createOfAnExistingTopicFailsWithTopicExists() throws Exception {
        String topic = "admin-twice";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        Throwable t = catchThrowable(() -> admin.createTopics(List.of(new NewTopic(topic, 5, (short) 1))).all().get());
        assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicExistsException.class);
        // the first topic is untouched
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(2);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        String topic = "admin-validate-only";
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1)),
                new CreateTopicsOptions().validateOnly(true));
        result.all().get(20, TimeUnit.SECONDS);
        assertThat(result.numPartitions(topic).get()).isEqualTo(4);
        assertThat(names()).doesNotContain(topic);
        Throwable t = catchThrowable(() -> admin.describeTopics(List.of(topic)).allTopicNames().get());
        assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnknownTopicOrPartitionException.class);
        // and the name is still free
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(1);
    }

    @Test
    void zeroOrNegativePartitionCountsAreRejected() throws Exception {
        // -1 would mean "broker default" on the wire, so -2 is the negative case.
        for (int partitions : new int[] {0, -2}) {
            String topic = "admin-bad-partitions" + partitions;
            NewTopic bad = new NewTopic(topic, Optional.of(partitions), Optional.of((short) 1));
            Throwable t = catchThrowable(() -> admin.createTopics(List.of(bad)).all().get());
            assertThat(t).as("create with %d partitions", partitions)
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidPartitionsException.class);
            assertThat(names()).doesNotContain(topic);
        }
    }

    private static Set<String> names() {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new AssertionError("listTopics failed", e);
        }
    }
}
