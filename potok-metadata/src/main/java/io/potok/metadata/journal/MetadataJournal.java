package io.potok.metadata.journal;

import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local, durable metadata log of a one-voter quorum. Layout of {@code metadata.log}:
 * <pre>
 *   entry := length:int32  crc32c(payload):int32  payload[length]
 *   payload := a batch of records (see {@link MetadataRecordSerde})
 * </pre>
 * Every append is fsynced before it returns, because the controller acknowledges the change to the
 * client only afterwards. On open, a torn or corrupt tail (a crash mid-append) is cut off at the
 * first bad entry: that entry was never acknowledged.
 *
 * <p>Not thread-safe: the controller's single thread owns it.
 */
public final class MetadataJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataJournal.class);
    private static final int HEADER_BYTES = 8;
    private static final int MAX_ENTRY_BYTES = 64 * 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private long nextOffset;

    private MetadataJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating if needed) the journal in {@code dir}, passing every intact batch to {@code replay}. */
    public static MetadataJournal open(Path dir, Consumer<List<MetadataRecord>> replay) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("metadata.log");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        MetadataJournal journal = new MetadataJournal(file, channel);
        journal.replay(replay);
        return journal;
    }

    /** The offset the next record will get; equals the number of records in the log. */
    public long nextOffset() {
        return nextOffset;
    }

    /** Appends one batch durably; returns the offset of its last record. */
    public long append(List<MetadataRecord> records) throws IOException {
        byte[] payload = MetadataRecordSerde.serialize(records);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer entry = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        entry.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        long start = channel.size();
        long position = start;
        try {
            while (entry.hasRemaining()) {
                position += channel.write(entry, position);
            }
            channel.force(false);
        } catch (IOException e) {
            // Cut a partial entry off now: left in place, it would hide every later batch on replay.
            try {
                channel.truncate(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        nextOffset += records.size();
        return nextOffset - 1;
    }

    private void replay(Consumer<List<MetadataRecord>> replay) throws IOException {
        long size = channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (position + HEADER_BYTES <= size) {
            header.clear();
            readFully(header, position);
            header.flip();
            int length = header.getInt();
            int expectedCrc = header.getInt();
            if (length < 0 || length > MAX_ENTRY_BYTES || position + HEADER_BYTES + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, position + HEADER_BYTES);
            CRC32C crc = new CRC32C();
            crc.update(payload.array());
            if ((int) crc.getValue() != expectedCrc) {
                break;
            }
            List<MetadataRecord> records = MetadataRecordSerde.deserialize(payload.array());
            replay.accept(records);
            nextOffset += records.size();
            position += HEADER_BYTES + length;
        }
        if (position < size) {
            log.warn("Metadata log {} has {} bytes of torn or corrupt tail at position {}; truncating", file,
                    size - position, position);
            channel.truncate(position);
            channel.force(true);
        }
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("Unexpected end of " + file);
            }
            position += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
