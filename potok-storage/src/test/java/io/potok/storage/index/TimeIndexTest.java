package io.potok.storage.index;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeIndexTest {

    @TempDir
    Path dir;

    @Test
    void lookupFindsGreatestTimestampAtOrBelowTarget() throws IOException {
        TimeIndex index = new TimeIndex(dir.resolve("00000000000000000100.timeindex"), 100, 120);
        assertThat(index.lookup(5)).isEqualTo(new TimestampOffset(TimeIndex.NO_TIMESTAMP, 100));
        assertThat(index.maybeAppend(1000, 100, false)).isTrue();
        assertThat(index.maybeAppend(1000, 105, false)).isFalse(); // not larger
        assertThat(index.maybeAppend(900, 106, false)).isFalse();
        assertThat(index.maybeAppend(2000, 110, false)).isTrue();
        assertThat(index.maybeAppend(3000, 120, false)).isTrue();

        assertThat(index.lookup(999)).isEqualTo(new TimestampOffset(TimeIndex.NO_TIMESTAMP, 100));
        assertThat(index.lookup(1000)).isEqualTo(new TimestampOffset(1000, 100));
        assertThat(index.lookup(2500)).isEqualTo(new TimestampOffset(2000, 110));
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(new TimestampOffset(3000, 120));
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(3000, 120));
        assertThatThrownBy(() -> index.maybeAppend(4000, 119, false)).isInstanceOf(IllegalArgumentException.class);
        index.closeHandler();
    }

    @Test
    void keepsOneSlotForTheFinalEntryWrittenAtRoll() throws IOException {
        TimeIndex index = new TimeIndex(dir.resolve("0.timeindex"), 0, 36); // 3 slots
        index.maybeAppend(10, 1, false);
        index.maybeAppend(20, 2, false);
        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.maybeAppend(30, 3, false)).isInstanceOf(IllegalStateException.class);
        assertThat(index.maybeAppend(30, 3, true)).isTrue();
        assertThat(index.maybeAppend(40, 4, true)).isFalse();
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(30, 3));
        index.closeHandler();
    }

    @Test
    void truncateAndReloadTrimmedFile() throws IOException {
        Path file = dir.resolve("00000000000000000000.timeindex");
        TimeIndex index = new TimeIndex(file, 0, 1200);
        for (int i = 1; i <= 10; i++) {
            index.maybeAppend(i * 100L, i * 10L, false);
        }
        index.truncateTo(45);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(400, 40));
        index.close();
        assertThat(Files.size(file)).isEqualTo(4 * TimeIndex.ENTRY_SIZE);
        TimeIndex reopened = new TimeIndex(file, 0, 1200);
        reopened.sanityCheck();
        assertThat(reopened.lookup(250)).isEqualTo(new TimestampOffset(200, 20));
        reopened.closeHandler();
    }

    @Property(tries = 100)
    void lookupMatchesModel(@ForAll @Size(max = 300) List<@IntRange(min = 1, max = 1000) Integer> timestampGaps,
                            @ForAll @Size(min = 1, max = 30) List<@LongRange(min = -5, max = 400_000) Long> targets)
        throws IOException {
        Path file = Files.createTempFile("time-index", ".timeindex");
        Files.delete(file);
        TimeIndex index = new TimeIndex(file, 50, 400 * TimeIndex.ENTRY_SIZE);
        TreeMap<Long, Long> model = new TreeMap<>();
        long ts = 0;
        long offset = 50;
        for (int gap : timestampGaps) {
            ts += gap;
            offset += gap % 7 + 1;
            index.maybeAppend(ts, offset, false);
            model.put(ts, offset);
        }
        for (long target : targets) {
            var expected = model.floorEntry(target);
            TimestampOffset found = index.lookup(target);
            if (expected == null) {
                assertThat(found).isEqualTo(new TimestampOffset(TimeIndex.NO_TIMESTAMP, 50));
            } else {
                assertThat(found).isEqualTo(new TimestampOffset(expected.getKey(), expected.getValue()));
            }
        }
        index.deleteIfExists();
    }
}
