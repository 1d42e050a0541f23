package io.potok.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.PartitionImage;
import io.potok.storage.Log;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import io.potok.storage.LogManagerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ISR expansion and shrinking and the high watermark of a leader, driven by a manual clock. */
class PartitionIsrTest {
    private static final long LAG_MS = 10_000;
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    /** A clock the test moves by hand. */
    private static final class ManualTime implements Time {
        long nowMs = 1_000_000;

        @Override
        public long milliseconds() {
            return nowMs;
        }

        @Override
        public long nanoseconds() {
            return TimeUnit.MILLISECONDS.toNanos(nowMs);
        }

        @Override
        public void sleep(long ms) {
            nowMs += ms;
        }

        @Override
        public void waitObject(Object obj, java.util.function.Supplier<Boolean> condition, long deadlineMs) {
            throw new UnsupportedOperationException();
        }
    }

    private record IsrChange(int leaderEpoch, int partitionEpoch, List<Integer> isr) {
    }

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime();
    private final List<IsrChange> isrChanges = new ArrayList<>();
    private final AtomicInteger highWatermarkMoves = new AtomicInteger();
    private LogManager logManager;
    private Log log;

    @BeforeEach
    void setUp() throws Exception {
        logManager = new LogManager(LogManagerConfig.defaults(List.of(dir)), time);
        logManager.startup(tp -> LogConfig.DEFAULT);
        log = logManager.getOrCreateLog(TP, LogConfig.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        logManager.close();
    }

    private Partition leaderOf(List<Integer> isr, int minIsr) {
        PartitionImage state = new PartitionImage(0, List.of(1, 2, 3), isr, 1, 5, 7);
        return new Partition(TP, Uuid.randomUuid(), 1, log, state, minIsr, 0, time,
                (p, leaderEpoch, partitionEpoch, newIsr) -> isrChanges.add(new IsrChange(leaderEpoch, partitionEpoch,
                        newIsr)),
                highWatermarkMoves::incrementAndGet);
    }

    private static MemoryRecords records(int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("k" + i).getBytes(), ("v" + i).getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    @Test
    void highWatermarkIsTheSmallestEndOffsetOverTheIsr() {
        Partition partition = leaderOf(List.of(1, 2, 3), 1);
        partition.appendAsLeader(records(10), (short) -1);
        assertThat(partition.logEndOffset()).isEqualTo(10);
        assertThat(partition.highWatermark()).isZero();

        partition.readForFollower(2, 10, 1 << 20);
        assertThat(partition.highWatermark()).as("replica 3 has nothing yet").isZero();
        partition.readForFollower(3, 4, 1 << 20);
        assertThat(partition.highWatermark()).isEqualTo(4);
        partition.readForFollower(3, 10, 1 << 20);
        assertThat(partition.highWatermark()).isEqualTo(10);
        assertThat(highWatermarkMoves.get()).isEqualTo(2);
        assertThat(isrChanges).isEmpty();
    }

    @Test
    void aCaughtUpFollowerIsAddedToTheIsr() {
        Partition partition = leaderOf(List.of(1), 1);
        partition.appendAsLeader(records(10), (short) -1);
        assertThat(partition.highWatermark()).as("a lone in-sync leader commits at once").isEqualTo(10);

        partition.readForFollower(2, 3, 1 << 20);
        assertThat(isrChanges).as("behind the high watermark: not in sync").isEmpty();
        partition.readForFollower(2, 10, 1 << 20);
        assertThat(isrChanges).containsExactly(new IsrChange(5, 7, List.of(1, 2)));

        // The controller commits it: the partition epoch moves and a new change may follow.
        partition.update(new PartitionImage(0, List.of(1, 2, 3), List.of(1, 2), 1, 5, 8), 1);
        partition.readForFollower(3, 10, 1 << 20);
        assertThat(isrChanges).last().isEqualTo(new IsrChange(5, 8, List.of(1, 2, 3)));
    }

    @Test
    void onlyOneIsrChangeIsInFlightAtATime() {
        Partition partition = leaderOf(List.of(1), 1);
        partition.appendAsLeader(records(5), (short) -1);
        partition.readForFollower(2, 5, 1 << 20);
        partition.readForFollower(3, 5, 1 << 20);
        assertThat(isrChanges).hasSize(1);
        // Refused by the controller: the next fetch may try again.
        partition.onAlterIsrFailed(List.of(1, 2));
        partition.readForFollower(3, 5, 1 << 20);
        assertThat(isrChanges).last().isEqualTo(new IsrChange(5, 7, List.of(1, 3)));
    }

    @Test
    void aFollowerThatStopsCatchingUpIsRemovedAfterTheLagTime() {
        Partition partition = leaderOf(List.of(1, 2, 3), 1);
        partition.appendAsLeader(records(10), (short) -1);
        partition.readForFollower(2, 10, 1 << 20);
        partition.readForFollower(3, 10, 1 << 20);

        partition.appendAsLeader(records(10), (short) -1);
        time.sleep(LAG_MS / 2);
        partition.readForFollower(2, 20, 1 << 20); // replica 2 keeps up, replica 3 goes silent
        partition.maybeShrinkIsr(LAG_MS);
        assertThat(isrChanges).as("within the lag time").isEmpty();

        time.sleep(LAG_MS / 2 + 1);
        partition.readForFollower(2, 20, 1 << 20);
        partition.maybeShrinkIsr(LAG_MS);
        assertThat(isrChanges).containsExactly(new IsrChange(5, 7, List.of(1, 2)));
    }

    @Test
    void aFollowerFetchingButNeverReachingTheEndIsAlsoRemoved() {
        Partition partition = leaderOf(List.of(1, 2), 1);
        for (int round = 0; round < 12; round++) {
            partition.appendAsLeader(records(10), (short) -1);
            // Always one batch behind the leader's previous end: never caught up.
            partition.readForFollower(2, Math.max(0, partition.logEndOffset() - 20), 1 << 20);
            time.sleep(1_000);
        }
        partition.maybeShrinkIsr(LAG_MS);
        assertThat(isrChanges).containsExactly(new IsrChange(5, 7, List.of(1)));
    }

    @Test
    void acksAllNeedsMinInsyncReplicas() {
        Partition partition = leaderOf(List.of(1), 2);
        assertThatThrownBy(() -> partition.appendAsLeader(records(1), (short) -1))
                .isInstanceOf(NotEnoughReplicasException.class).hasMessageContaining("min.isr");
        assertThat(partition.logEndOffset()).as("nothing was appended").isZero();
        partition.appendAsLeader(records(1), (short) 1);
        assertThat(partition.logEndOffset()).as("acks=1 does not need the ISR").isEqualTo(1);
    }
}
