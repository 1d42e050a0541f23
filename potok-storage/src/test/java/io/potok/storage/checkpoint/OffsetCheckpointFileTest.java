package io.potok.storage.checkpoint;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetCheckpointFileTest {

    @TempDir
    Path dir;

    @Test
    void writesKafkaTextFormat() throws IOException {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint"));
        file.write(Map.of(new TopicPartition("orders", 1), 77L, new TopicPartition("orders", 0), 1542L));
        assertThat(Files.readAllLines(file.file())).containsExactly("0", "2", "orders 0 1542", "orders 1 77");
        assertThat(file.read()).containsOnly(Map.entry(new TopicPartition("orders", 0), 1542L),
            Map.entry(new TopicPartition("orders", 1), 77L));
    }

    @Test
    void missingFileReadsAsEmptyAndMalformedFileIsReported() throws IOException {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("cp"));
        assertThat(file.read()).isEmpty();
        for (String content : List.of("0\n2\norders 0 5\n", "1\n0\n", "0\n1\norders x 5\n", "0\n1\norders 0\n", "")) {
            Files.writeString(file.file(), content);
            assertThatThrownBy(file::read).isInstanceOf(OffsetCheckpointFile.MalformedCheckpointException.class);
        }
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("cp"));
        // A temporary file left by a crash in the middle of an earlier write must not matter.
        Files.write(dir.resolve("cp.tmp"), "garbage".getBytes(StandardCharsets.UTF_8));
        file.write(Map.of(new TopicPartition("t", 0), 1L));
        file.write(Map.of(new TopicPartition("t", 0), 2L));
        assertThat(file.read()).containsExactly(Map.entry(new TopicPartition("t", 0), 2L));
        assertThat(Files.exists(dir.resolve("cp.tmp"))).isFalse();
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("cp");
        }
    }

    @Test
    void concurrentReadersSeeOnlyWholeVersions() throws Exception {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("cp"));
        Map<TopicPartition, Long> small = Map.of(new TopicPartition("a", 0), 1L);
        Map<TopicPartition, Long> large = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            large.put(new TopicPartition("topic-with-a-long-name", i), (long) i * 1000);
        }
        file.write(small);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Map<TopicPartition, Long> seen = file.read();
                    if (!seen.equals(small) && !seen.equals(large)) {
                        throw new AssertionError("Saw a partial checkpoint with " + seen.size() + " entries");
                    }
                }
            } catch (Throwable t) {
                readerFailure.set(t);
            }
        });
        reader.start();
        for (int i = 0; i < 40; i++) {
            file.write(i % 2 == 0 ? large : small);
        }
        stop.set(true);
        reader.join();
        assertThat(readerFailure.get()).isNull();
    }
}
