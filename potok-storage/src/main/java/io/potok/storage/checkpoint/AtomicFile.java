package io.potok.storage.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that readers, and the file system after a crash, see either the old or the new content,
 * never a mix: write {@code <name>.tmp}, fsync it, rename it over the target, fsync the directory.
 *
 * <p>Thread-safety: stateless; concurrent writers of the same target must be serialised by the caller (they would
 * share the temporary file).
 */
public final class AtomicFile {

    public static final String TMP_SUFFIX = ".tmp";

    private AtomicFile() {
    }

    /** Atomically and durably replaces {@code target} with {@code content}. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    /**
     * Atomically replaces {@code target}; with {@code durable=false} the fsyncs are skipped, for files whose loss after
     * an operating-system crash is tolerated because a reader validates them (e.g. producer state snapshots).
     */
    public static void write(Path target, byte[] content, boolean durable) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (durable) {
                channel.force(true);
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) {
            fsyncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** Makes directory entries (created, renamed or deleted files) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
