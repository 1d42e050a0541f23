package io.potok.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.broker.config.BrokerConfig;
import io.potok.metadata.config.InvalidConfigValueException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupConfigTest {
    @Test
    void kafkaDefaults() {
        GroupConfig c = GroupConfig.from(BrokerConfig.parse(Map.of()));
        assertThat(c).isEqualTo(GroupConfig.defaults());
        assertThat(c.offsetsTopicNumPartitions()).isEqualTo(50);
        assertThat(c.offsetsRetentionMs()).isEqualTo(7 * 24 * 3600_000L);
        assertThat(c.classicInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(c.consumerProtocolEnabled()).isTrue();
        assertThat(c.consumerAssignors()).containsExactly("uniform", "range");
    }

    @Test
    void overridesAndProtocols() {
        GroupConfig c = GroupConfig.from(BrokerConfig.parse(Map.of("offsets.topic.num.partitions", "3",
                "group.coordinator.rebalance.protocols", "classic", "group.consumer.assignors", "range")));
        assertThat(c.offsetsTopicNumPartitions()).isEqualTo(3);
        assertThat(c.consumerProtocolEnabled()).isFalse();
        assertThat(c.consumerAssignors()).isEqualTo(List.of("range"));
    }

    @Test
    void inconsistentCombinationsAreRefusedWithTheKeysNamed() {
        assertThatThrownBy(() -> GroupConfig.from(BrokerConfig.parse(Map.of("group.consumer.session.timeout.ms", "1000"))))
                .isInstanceOf(InvalidConfigValueException.class).hasMessageContaining("group.consumer.min.session.timeout.ms");
        assertThatThrownBy(() -> GroupConfig.from(BrokerConfig.parse(Map.of("group.min.session.timeout.ms", "99999999"))))
                .isInstanceOf(InvalidConfigValueException.class).hasMessageContaining("group.max.session.timeout.ms");
        assertThatThrownBy(() -> GroupConfig.from(BrokerConfig.parse(Map.of("group.coordinator.rebalance.protocols",
                "consumer")))).hasMessageContaining("must contain classic");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("group.consumer.assignors", "sticky")))
                .isInstanceOf(InvalidConfigValueException.class);
    }
}
