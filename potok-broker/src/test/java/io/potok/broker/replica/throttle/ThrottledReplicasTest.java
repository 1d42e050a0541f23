package io.potok.broker.replica.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThrottledReplicasTest {
    @Test
    void pairsOfPartitionAndBroker() {
        ThrottledReplicas r = ThrottledReplicas.parse("0:1, 0:2,3:1");
        assertThat(r.contains(0, 1)).isTrue();
        assertThat(r.contains(0, 2)).isTrue();
        assertThat(r.contains(3, 1)).isTrue();
        assertThat(r.contains(3, 2)).isFalse();
        assertThat(r.contains(1, 1)).isFalse();
        assertThat(r.isEmpty()).isFalse();
    }

    @Test
    void aStarThrottlesEveryReplica() {
        ThrottledReplicas r = ThrottledReplicas.parse("*");
        assertThat(r.contains(7, 42)).isTrue();
        assertThat(r.isEmpty()).isFalse();
    }

    @Test
    void emptyAndMalformedValuesThrottleNothing() {
        assertThat(ThrottledReplicas.parse(null).isEmpty()).isTrue();
        assertThat(ThrottledReplicas.parse("").isEmpty()).isTrue();
        assertThat(ThrottledReplicas.parse("x:1,2,:3").isEmpty()).isTrue();
        assertThat(ThrottledReplicas.parse("x:1,2:3").contains(2, 3)).isTrue();
    }
}
