package io.potok.metadata.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecord.Config;
import io.potok.metadata.record.MetadataRecord.CreateTopic;
import io.potok.metadata.record.MetadataRecord.Partition;
import io.potok.metadata.record.MetadataRecord.ProducerIds;
import io.potok.metadata.record.MetadataRecord.RegisterBroker;
import io.potok.metadata.record.MetadataRecord.RemoveTopic;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataJournalTest {
    private static final Uuid TOPIC_ID = new Uuid(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    @TempDir
    Path dir;

    private static List<MetadataRecord> batch1() {
        return List.of(new RegisterBroker(1, "127.0.0.1", 9092, Optional.empty()));
    }

    private static List<MetadataRecord> batch2() {
        return List.of(
                new CreateTopic("orders", TOPIC_ID),
                new Config(ResourceKind.TOPIC, "orders", "retention.ms", Optional.of("1000")),
                new Partition(TOPIC_ID, 0, List.of(1), List.of(1), 1, 0, 0),
                new Partition(TOPIC_ID, 1, List.of(1), List.of(1), 1, 0, 0));
    }

    private static List<MetadataRecord> batch3() {
        return List.of(new ProducerIds(1000), new RemoveTopic(TOPIC_ID));
    }

    private List<List<MetadataRecord>> replay() throws IOException {
        List<List<MetadataRecord>> batches = new ArrayList<>();
        try (MetadataJournal journal = MetadataJournal.open(dir, batches::add)) {
            assertThat(journal.nextOffset()).isEqualTo(batches.stream().mapToInt(List::size).sum());
        }
        return batches;
    }

    private Path file() {
        return dir.resolve("metadata.log");
    }

    private void writeThreeBatches() throws IOException {
        try (MetadataJournal journal = MetadataJournal.open(dir, b -> { throw new AssertionError("empty log"); })) {
            assertThat(journal.nextOffset()).isZero();
            assertThat(journal.append(batch1())).isEqualTo(0);
            assertThat(journal.append(batch2())).isEqualTo(4);
            assertThat(journal.append(batch3())).isEqualTo(6);
            assertThat(journal.nextOffset()).isEqualTo(7);
        }
    }

    @Test
    void newJournalIsEmpty() throws IOException {
        try (MetadataJournal journal = MetadataJournal.open(dir.resolve("nested/dir"), b -> { throw new AssertionError(); })) {
            assertThat(journal.nextOffset()).isZero();
        }
        assertThat(dir.resolve("nested/dir/metadata.log")).exists();
    }

    @Test
    void reopenReplaysAllBatchesInOrder() throws IOException {
        writeThreeBatches();
        assertThat(replay()).containsExactly(batch1(), batch2(), batch3());
        // Reopening does not change the file or the offsets.
        long size = Files.size(file());
        try (MetadataJournal journal = MetadataJournal.open(dir, b -> { })) {
            assertThat(journal.nextOffset()).isEqualTo(7);
            assertThat(journal.append(batch1())).isEqualTo(7);
        }
        assertThat(Files.size(file())).isGreaterThan(size);
        assertThat(replay()).containsExactly(batch1(), batch2(), batch3(), batch1());
    }

    @Test
    void tornTailIsCutOffOnOpen() throws IOException {
        writeThreeBatches();
        long fullSize = Files.size(file());
        long sizeBeforeLast = sizeAfterTwoBatches();
        // Cut the last entry short by a few bytes: it was never acknowledged.
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.truncate(fullSize - 3);
        }
        assertThat(replay()).containsExactly(batch1(), batch2());
        assertThat(Files.size(file())).isEqualTo(sizeBeforeLast);
        // The journal keeps working after the repair, continuing at the right offset.
        try (MetadataJournal journal = MetadataJournal.open(dir, b -> { })) {
            assertThat(journal.nextOffset()).isEqualTo(5);
            assertThat(journal.append(batch3())).isEqualTo(6);
        }
        assertThat(replay()).containsExactly(batch1(), batch2(), batch3());
    }

    @Test
    void tornHeaderIsCutOffOnOpen() throws IOException {
        writeThreeBatches();
        long size = Files.size(file());
        // Half of a next entry's header (fewer than 8 bytes).
        Files.write(file(), new byte[] {0, 0, 0}, StandardOpenOption.APPEND);
        assertThat(replay()).containsExactly(batch1(), batch2(), batch3());
        assertThat(Files.size(file())).isEqualTo(size);
    }

    @Test
    void garbageTailIsCutOffOnOpen() throws IOException {
        writeThreeBatches();
        long size = Files.size(file());
        byte[] garbage = new byte[100];
        new java.util.Random(42).nextBytes(garbage);
        garbage[0] = 0x7f; // a huge length: beyond the end of the file
        Files.write(file(), garbage, StandardOpenOption.APPEND);
        assertThat(replay()).containsExactly(batch1(), batch2(), batch3());
        assertThat(Files.size(file())).isEqualTo(size);
    }

    @Test
    void plausibleLengthWithBadCrcIsCutOff() throws IOException {
        writeThreeBatches();
        long size = Files.size(file());
        ByteBuffer entry = ByteBuffer.allocate(8 + 16);
        entry.putInt(16).putInt(0xdeadbeef).put(new byte[16]).flip();
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.write(entry, size);
        }
        assertThat(replay()).containsExactly(batch1(), batch2(), batch3());
        assertThat(Files.size(file())).isEqualTo(size);
    }

    @Test
    void flippedByteInLastPayloadIsDetectedByCrc() throws IOException {
        writeThreeBatches();
        long size = Files.size(file());
        long lastEntry = sizeAfterTwoBatches();
        // Flip one byte in the middle of the last entry's payload (after its 8-byte header).
        long target = lastEntry + 8 + (size - lastEntry - 8) / 2;
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, target);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            ch.write(b.rewind(), target);
        }
        assertThat(replay()).containsExactly(batch1(), batch2());
        assertThat(Files.size(file())).isEqualTo(lastEntry);
    }

    @Test
    void flippedByteInMiddleEntryDropsItAndEverythingAfter() throws IOException {
        writeThreeBatches();
        long firstEnd = sizeAfterOneBatch();
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, firstEnd + 12);
            b.put(0, (byte) ~b.get(0));
            ch.write(b.rewind(), firstEnd + 12);
        }
        assertThat(replay()).containsExactly(batch1());
        assertThat(Files.size(file())).isEqualTo(firstEnd);
    }

    private long sizeAfterOneBatch() throws IOException {
        Path other = dir.resolve("probe1");
        try (MetadataJournal journal = MetadataJournal.open(other, b -> { })) {
            journal.append(batch1());
        }
        return Files.size(other.resolve("metadata.log"));
    }

    private long sizeAfterTwoBatches() throws IOException {
        Path other = dir.resolve("probe2");
        try (MetadataJournal journal = MetadataJournal.open(other, b -> { })) {
            journal.append(batch1());
            journal.append(batch2());
        }
        return Files.size(other.resolve("metadata.log"));
    }
}
