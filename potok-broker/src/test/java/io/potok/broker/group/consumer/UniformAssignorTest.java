package io.potok.broker.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class UniformAssignorTest {
    private final UniformAssignor assignor = new UniformAssignor();
    private final Uuid a = new Uuid(0, 1);
    private final Uuid b = new Uuid(0, 2);

    @Test
    void balancesIdenticalSubscriptions() {
        Map<String, Assignment> result = assignor.assign(
                Map.of("m1", Set.of(a), "m2", Set.of(a), "m3", Set.of(a)), Map.of(a, 7), Map.of());
        assertThat(result.values()).extracting(Assignment::size).containsExactlyInAnyOrder(3, 2, 2);
        assertThat(union(result).size()).isEqualTo(7);
    }

    @Test
    void keepsPartitionsWhereTheyAreWhenAMemberJoins() {
        Map<String, Assignment> first = assignor.assign(Map.of("m1", Set.of(a), "m2", Set.of(a)), Map.of(a, 6), Map.of());
        Map<String, Assignment> second = assignor.assign(
                Map.of("m1", Set.of(a), "m2", Set.of(a), "m3", Set.of(a)), Map.of(a, 6), first);
        assertThat(first.get("m1").partitions().get(a)).containsAll(second.get("m1").partitions().get(a));
        assertThat(first.get("m2").partitions().get(a)).containsAll(second.get("m2").partitions().get(a));
        assertThat(second.get("m3").size()).isEqualTo(2);
    }

    @Test
    void onlySubscribersGetATopicsPartitions() {
        Map<String, Assignment> result = assignor.assign(
                Map.of("m1", Set.of(a), "m2", Set.of(a, b), "m3", Set.of()), Map.of(a, 4, b, 2), Map.of());
        assertThat(result.get("m1").partitions()).containsOnlyKeys(a);
        assertThat(result.get("m3").isEmpty()).isTrue();
        assertThat(result.get("m2").partitions().get(b)).containsExactly(0, 1);
        assertThat(union(result).size()).isEqualTo(6);
    }

    @Test
    void randomSubscriptionsKeepTheInvariants() {
        Random random = new Random(42);
        List<Uuid> topics = List.of(a, b, new Uuid(0, 3));
        for (int round = 0; round < 300; round++) {
            Map<Uuid, Integer> counts = new HashMap<>();
            topics.forEach(t -> counts.put(t, random.nextInt(9)));
            Map<String, Set<Uuid>> subs = new HashMap<>();
            int members = 1 + random.nextInt(6);
            boolean homogeneous = random.nextBoolean();
            for (int m = 0; m < members; m++) {
                Set<Uuid> s = new HashSet<>();
                for (Uuid t : topics) {
                    if (homogeneous || random.nextBoolean()) {
                        s.add(t);
                    }
                }
                subs.put("m" + m, s);
            }
            Map<String, Assignment> previous = random.nextBoolean() ? assignor.assign(subs, counts, Map.of()) : Map.of();
            subs.put("new", homogeneous ? Set.copyOf(topics) : Set.of(topics.get(random.nextInt(3))));
            if (homogeneous) {
                subs.replaceAll((k, v) -> Set.copyOf(topics));
            }
            Map<String, Assignment> result = assignor.assign(subs, counts, previous);
            assertThat(result).containsOnlyKeys(subs.keySet());
            Set<String> seen = new HashSet<>();
            for (Map.Entry<String, Assignment> e : result.entrySet()) {
                for (Map.Entry<Uuid, Integer> tp : e.getValue().entries()) {
                    assertThat(subs.get(e.getKey())).contains(tp.getKey());
                    assertThat(tp.getValue()).isLessThan(counts.get(tp.getKey()));
                    assertThat(seen.add(tp.getKey() + "-" + tp.getValue())).as("assigned twice").isTrue();
                }
            }
            int subscribed = 0;
            for (Uuid t : topics) {
                if (subs.values().stream().anyMatch(s -> s.contains(t))) {
                    subscribed += counts.get(t);
                }
            }
            assertThat(seen).hasSize(subscribed);
            if (homogeneous) {
                List<Integer> sizes = new ArrayList<>(result.values().stream().map(Assignment::size).toList());
                assertThat(sizes.stream().mapToInt(i -> i).max().orElse(0) - sizes.stream().mapToInt(i -> i).min().orElse(0))
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    private static Assignment union(Map<String, Assignment> result) {
        Assignment all = Assignment.EMPTY;
        for (Assignment x : result.values()) {
            all = all.union(x);
        }
        return all;
    }
}
