package io.potok.broker.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class RangeAssignorTest {
    private final Uuid a = new Uuid(0, 1);
    private final Uuid b = new Uuid(0, 2);

    @Test
    void consecutiveRangesPerTopicInMemberOrder() {
        Map<String, Assignment> result = new RangeAssignor().assign(
                Map.of("m2", Set.of(a, b), "m1", Set.of(a, b)), Map.of(a, 5, b, 2), Map.of());
        assertThat(result.get("m1").partitions().get(a)).containsExactly(0, 1, 2);
        assertThat(result.get("m2").partitions().get(a)).containsExactly(3, 4);
        assertThat(result.get("m1").partitions().get(b)).containsExactly(0);
        assertThat(result.get("m2").partitions().get(b)).containsExactly(1);
    }

    @Test
    void membersWithoutTheTopicGetNothingOfIt() {
        Map<String, Assignment> result = new RangeAssignor().assign(
                Map.of("m1", Set.of(a), "m2", Set.of()), Map.of(a, 3), Map.of());
        assertThat(result.get("m1").size()).isEqualTo(3);
        assertThat(result.get("m2").isEmpty()).isTrue();
    }
}
