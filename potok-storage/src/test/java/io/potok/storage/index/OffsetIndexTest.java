package io.potok.storage.index;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetIndexTest {

    @TempDir
    Path dir;

    /** Entries as (offset, position) pairs sorted by offset with increasing positions, plus lookup targets. */
    record Scenario(long baseOffset, List<long[]> entries, List<Long> targets) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Long> base = Arbitraries.longs().between(0, 1L << 40);
        Arbitrary<List<Integer>> offsetGaps = Arbitraries.integers().between(1, 5_000).list().ofMaxSize(2_000);
        Arbitrary<List<Integer>> positionGaps = Arbitraries.integers().between(1, 100_000).list().ofSize(2_000);
        Arbitrary<List<Long>> targets = Arbitraries.longs().between(-10, 12_000_000).list().ofMinSize(1).ofMaxSize(50);
        return Combinators.combine(base, offsetGaps, positionGaps, targets).as((b, og, pg, ts) -> {
            List<long[]> entries = new ArrayList<>();
            long rel = 0;
            long pos = 0;
            for (int i = 0; i < og.size(); i++) {
                rel += og.get(i);
                pos += pg.get(i);
                entries.add(new long[] {b + rel, pos});
            }
            List<Long> absolute = new ArrayList<>();
            for (long t : ts) {
                absolute.add(b + t);
            }
            return new Scenario(b, entries, absolute);
        });
    }

    private final List<Path> created = new ArrayList<>();

    @AfterProperty
    void cleanUp() throws IOException {
        for (Path p : created) {
            Files.deleteIfExists(p);
        }
        created.clear();
    }

    @Property(tries = 150)
    void lookupReturnsGreatestEntryAtOrBelowTarget(@ForAll("scenarios") Scenario scenario) throws IOException {
        Path file = Files.createTempFile("offset-index", ".index");
        Files.delete(file);
        created.add(file);
        OffsetIndex index = new OffsetIndex(file, scenario.baseOffset(), 2_000 * OffsetIndex.ENTRY_SIZE);
        TreeMap<Long, Long> model = new TreeMap<>();
        for (long[] e : scenario.entries()) {
            index.append(e[0], (int) e[1]);
            model.put(e[0], e[1]);
        }
        List<Long> targets = new ArrayList<>(scenario.targets());
        // Also probe exactly at, just below and just above some entries.
        for (int i = 0; i < scenario.entries().size(); i += 97) {
            long o = scenario.entries().get(i)[0];
            targets.add(o);
            targets.add(o - 1);
            targets.add(o + 1);
        }
        for (long target : targets) {
            OffsetPosition found = index.lookup(target);
            var expected = model.floorEntry(target);
            if (expected == null) {
                assertThat(found).isEqualTo(new OffsetPosition(scenario.baseOffset(), 0));
            } else {
                assertThat(found).isEqualTo(new OffsetPosition(expected.getKey(), expected.getValue().intValue()));
            }
        }
        index.closeHandler();
    }

    @Test
    void newIndexIsPreallocatedAndTrimmedOnClose() throws IOException {
        Path file = dir.resolve("00000000000000000100.index");
        OffsetIndex index = new OffsetIndex(file, 100, 1000);
        assertThat(Files.size(file)).isEqualTo(1000);
        assertThat(index.maxEntries()).isEqualTo(125);
        index.append(110, 4100);
        index.append(120, 8200);
        index.close();
        assertThat(Files.size(file)).isEqualTo(16);

        OffsetIndex reopened = new OffsetIndex(file, 100, 1000);
        assertThat(reopened.entries()).isEqualTo(2);
        assertThat(reopened.lookup(119)).isEqualTo(new OffsetPosition(110, 4100));
        reopened.sanityCheck();
        reopened.resize(1000);
        reopened.append(130, 9000);
        assertThat(reopened.lookup(1_000_000)).isEqualTo(new OffsetPosition(130, 9000));
        reopened.closeHandler();
    }

    @Test
    void rejectsOutOfOrderEntriesAndAppendsToFullIndex() throws IOException {
        OffsetIndex index = new OffsetIndex(dir.resolve("0.index"), 0, 16);
        index.append(5, 100);
        assertThatThrownBy(() -> index.append(5, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.append(6, 100)).isInstanceOf(IllegalArgumentException.class);
        index.append(6, 200);
        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.append(7, 300)).isInstanceOf(IllegalStateException.class);
        index.closeHandler();
    }

    @Test
    void truncateRemovesEntriesAtOrAfterOffset() throws IOException {
        OffsetIndex index = new OffsetIndex(dir.resolve("0.index"), 0, 800);
        for (int i = 1; i <= 10; i++) {
            index.append(i * 10, i * 1000);
        }
        index.truncateTo(55);
        assertThat(index.entries()).isEqualTo(5);
        assertThat(index.lastOffset()).isEqualTo(50);
        index.truncateTo(50);
        assertThat(index.lastOffset()).isEqualTo(40);
        index.truncateTo(0);
        assertThat(index.entries()).isZero();
        assertThat(index.lookup(1000)).isEqualTo(new OffsetPosition(0, 0));
        index.closeHandler();
    }

    @Test
    void sanityCheckDetectsZeroFilledTailAndBadLength() throws IOException {
        Path file = dir.resolve("00000000000000000000.index");
        OffsetIndex index = new OffsetIndex(file, 0, 800);
        index.append(10, 4000);
        index.flush();
        index.closeHandler(); // not trimmed: simulates a crash with a preallocated file
        OffsetIndex untrimmed = new OffsetIndex(file, 0, 800);
        assertThatThrownBy(untrimmed::sanityCheck).isInstanceOf(CorruptIndexException.class);
        untrimmed.closeHandler();

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(13);
        }
        OffsetIndex oddLength = new OffsetIndex(file, 0, 800);
        assertThatThrownBy(oddLength::sanityCheck).isInstanceOf(CorruptIndexException.class)
            .hasMessageContaining("not a multiple");
        oddLength.closeHandler();
    }

    @Test
    void lookupAfterCloseFailsInsteadOfTouchingUnmappedMemory() throws IOException {
        OffsetIndex index = new OffsetIndex(dir.resolve("0.index"), 0, 80);
        index.append(1, 100);
        index.close();
        assertThatThrownBy(() -> index.lookup(1)).isInstanceOf(IllegalStateException.class);
    }
}
