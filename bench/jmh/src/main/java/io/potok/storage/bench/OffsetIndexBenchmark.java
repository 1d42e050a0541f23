package io.potok.storage.bench;

import io.potok.storage.index.OffsetIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Lookup cost in a full default-size (10 MiB, 1.3M entries) offset index: warm tail versus cold random. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OffsetIndexBenchmark {

    private Path file;
    private OffsetIndex index;
    private int entries;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("bench", ".index");
        Files.delete(file);
        index = new OffsetIndex(file, 0, 10 * 1024 * 1024);
        entries = index.maxEntries();
        for (int i = 1; i <= entries; i++) {
            index.append(i * 10L, i * 400);
        }
    }

    @Benchmark
    public int lookupTail() {
        long target = (entries - 100 + ThreadLocalRandom.current().nextInt(100)) * 10L + 5;
        return index.lookup(target).position();
    }

    @Benchmark
    public int lookupRandom() {
        long target = ThreadLocalRandom.current().nextLong(entries * 10L);
        return index.lookup(target).position();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        index.deleteIfExists();
    }
}
