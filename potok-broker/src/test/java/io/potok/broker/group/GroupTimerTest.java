package io.potok.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupTimerTest {
    private final ManualTime time = new ManualTime();
    private final List<Long> wakeups = new ArrayList<>();
    private final GroupTimer timer = new GroupTimer(time, wakeups::add);
    private final List<String> fired = new ArrayList<>();

    @Test
    void runsDueTasksInDeadlineOrderAndRescheduleReplaces() {
        timer.schedule("b", 200, () -> fired.add("b"));
        timer.schedule("a", 100, () -> fired.add("a"));
        timer.schedule("c", 50, () -> fired.add("c"));
        timer.schedule("c", 300, () -> fired.add("c2")); // replaces c
        time.sleep(250);
        assertThat(timer.runExpired()).isEqualTo(2);
        assertThat(fired).containsExactly("a", "b");
        time.sleep(100);
        timer.runExpired();
        assertThat(fired).containsExactly("a", "b", "c2");
        assertThat(timer.size()).isZero();
    }

    @Test
    void cancelledTasksNeverRunAndWakeupsAreRequestedForEarlierDeadlinesOnly() {
        timer.schedule("s|1", 100, () -> fired.add("1"));
        timer.schedule("s|2", 300, () -> fired.add("2"));
        timer.schedule("x", 50, () -> fired.add("x"));
        assertThat(wakeups).containsExactly(100L, 50L);
        timer.cancelAll("s|");
        timer.cancel("x");
        time.sleep(1000);
        assertThat(timer.runExpired()).isZero();
        assertThat(fired).isEmpty();
    }

    @Test
    void tasksMayScheduleMoreWork() {
        timer.schedule("loop", 10, () -> {
            fired.add("once");
            timer.schedule("loop", 10, () -> fired.add("twice"));
        });
        time.sleep(10);
        timer.runExpired();
        assertThat(fired).containsExactly("once");
        assertThat(timer.remainingMs("loop")).isEqualTo(10);
    }
}
