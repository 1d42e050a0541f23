package io.potok.broker.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    /** A pool that runs nothing until the test says so. */
    private static final class ManualPool implements Executor {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            queued.add(command);
        }

        void runAll() {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }
    }

    private final ManualPool pool = new ManualPool();
    private final SerialExecutor serial = new SerialExecutor(pool, "test");
    private final List<String> ran = new ArrayList<>();

    @Test
    void tasksRunOneAtATimeInSubmissionOrder() {
        for (int i = 0; i < 3; i++) {
            String name = "task " + i;
            serial.execute(() -> ran.add(name));
        }
        assertThat(pool.queued).as("one drain for the three tasks").hasSize(1);
        pool.runAll();
        assertThat(ran).containsExactly("task 0", "task 1", "task 2");
    }

    @Test
    void executeHereIfIdleRunsOnTheCallingThreadWhenNothingIsQueued() {
        List<Thread> ranOn = new ArrayList<>();
        serial.executeHereIfIdle(() -> ranOn.add(Thread.currentThread()));
        assertThat(ranOn).containsExactly(Thread.currentThread());
        assertThat(pool.queued).isEmpty();
    }

    @Test
    void executeHereIfIdleWaitsBehindATaskStillQueuedForThePool() {
        serial.execute(() -> ran.add("queued first"));
        serial.executeHereIfIdle(() -> ran.add("here"));
        assertThat(ran).as("nothing may overtake the queued task").isEmpty();
        pool.runAll();
        assertThat(ran).containsExactly("queued first", "here");
    }

    @Test
    void tasksSubmittedWhileOneRunsHereGoToThePoolAfterIt() {
        serial.executeHereIfIdle(() -> {
            serial.execute(() -> ran.add("submitted meanwhile"));
            ran.add("here");
        });
        assertThat(ran).containsExactly("here");
        assertThat(pool.queued).hasSize(1);
        pool.runAll();
        assertThat(ran).containsExactly("here", "submitted meanwhile");
        serial.executeHereIfIdle(() -> ran.add("idle again"));
        assertThat(ran).containsExactly("here", "submitted meanwhile", "idle again");
        assertThat(pool.queued).isEmpty();
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() {
        serial.executeHereIfIdle(() -> {
            throw new IllegalStateException("boom here");
        });
        serial.execute(() -> {
            throw new IllegalStateException("boom on the pool");
        });
        serial.execute(() -> ran.add("after"));
        pool.runAll();
        serial.executeHereIfIdle(() -> ran.add("here after"));
        assertThat(ran).containsExactly("after", "here after");
    }
}
