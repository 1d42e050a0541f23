package io.potok.storage;

import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Log#readSlice} must name exactly the bytes that {@link Log#read} copies, for any offsets and limits. */
class LogReadSliceTest {

    @TempDir
    Path root;

    @Test
    void sliceHoldsTheSameBatchesAsACopyingRead() throws IOException {
        // Small segments and a dense index, batches of varying size: reads cross index entries and segment ends.
        LogConfig config = LogConfig.DEFAULT.withOverrides(Map.of("internal.segment.bytes", "20000",
            "index.interval.bytes", "300"));
        Log log = new TestLogs(root).open(config);
        Random random = new Random(42);
        for (int b = 0; b < 300; b++) {
            log.appendAsLeader(TestRecords.sized(1000 + b, 1 + random.nextInt(5), 10 + random.nextInt(400)), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        long end = log.logEndOffset();
        for (int i = 0; i < 3000; i++) {
            long offset = random.nextInt((int) end);
            int maxBytes = random.nextInt(6000);
            long bound = random.nextBoolean() ? Long.MAX_VALUE : offset + random.nextInt(60);
            boolean minOne = random.nextBoolean();
            MemoryRecords copied = log.read(offset, maxBytes, bound, minOne).records();
            FileSlice slice = log.readSlice(offset, maxBytes, bound, minOne);
            assertThat(slice.sizeInBytes())
                .as("offset %d maxBytes %d bound %d minOne %s", offset, maxBytes, bound, minOne)
                .isEqualTo(copied.sizeInBytes());
            assertThat(slice.toMemoryRecords().buffer()).isEqualTo(copied.buffer());
        }
    }

    @Test
    void emptyAtTheEndAndOutOfRangeBeyondIt() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        log.appendAsLeader(TestRecords.values(1, "a", "b"), 0);
        assertThat(log.readSlice(2, 1000, Long.MAX_VALUE, true).isEmpty()).isTrue();
        assertThat(log.readSlice(0, 1000, 0, true).isEmpty()).isTrue();
        assertThat(log.readSlice(0, 1, Long.MAX_VALUE, false).isEmpty()).isTrue();
        assertThat(log.readSlice(0, 1, Long.MAX_VALUE, true).sizeInBytes()).isPositive();
        assertThatThrownBy(() -> log.readSlice(3, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
    }
}
