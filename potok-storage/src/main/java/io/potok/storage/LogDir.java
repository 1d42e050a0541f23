package io.potok.storage;

import io.potok.storage.checkpoint.AtomicFile;
import io.potok.storage.checkpoint.OffsetCheckpointFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One entry of log.dirs: its lock, checkpoint files and clean shutdown marker, and whether it is online.
 *
 * <p>Invariant: while open, this process holds an exclusive lock on {@code .lock}, so two brokers never share a
 * directory. Once offline a directory stays offline until restart.
 *
 * <p>Thread-safety: {@link #markOffline()} is atomic; the other methods are called by the {@link LogManager} during
 * startup, checkpointing and shutdown.
 */
final class LogDir {

    static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    static final String RECOVERY_POINT_CHECKPOINT_FILE = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET_CHECKPOINT_FILE = "log-start-offset-checkpoint";
    static final String LOCK_FILE = ".lock";

    private final Path path;
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStartOffsets;
    private volatile boolean online = true;
    private FileChannel lockChannel;
    private FileLock lock;

    LogDir(Path path) {
        this.path = path;
        this.recoveryPoints = new OffsetCheckpointFile(path.resolve(RECOVERY_POINT_CHECKPOINT_FILE));
        this.logStartOffsets = new OffsetCheckpointFile(path.resolve(LOG_START_OFFSET_CHECKPOINT_FILE));
    }

    Path path() {
        return path;
    }

    boolean isOnline() {
        return online;
    }

    /** @return true if this call took the directory offline (false if it already was) */
    synchronized boolean markOffline() {
        boolean wasOnline = online;
        online = false;
        return wasOnline;
    }

    OffsetCheckpointFile recoveryPoints() {
        return recoveryPoints;
    }

    OffsetCheckpointFile logStartOffsets() {
        return logStartOffsets;
    }

    /** Creates the directory if needed and takes its lock. */
    void open() throws IOException {
        Files.createDirectories(path);
        FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        try {
            FileLock acquired = channel.tryLock();
            if (acquired == null) {
                throw new IOException("Log directory " + path + " is in use by another process");
            }
            lockChannel = channel;
            lock = acquired;
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("Log directory " + path + " is already in use by this process", e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    boolean hadCleanShutdown() {
        return Files.exists(path.resolve(CLEAN_SHUTDOWN_FILE));
    }

    /** Called once the logs are loaded, so that a crash from now on is seen as unclean. */
    void deleteCleanShutdownMarker() throws IOException {
        if (Files.deleteIfExists(path.resolve(CLEAN_SHUTDOWN_FILE))) {
            AtomicFile.fsyncDirectory(path);
        }
    }

    void writeCleanShutdownMarker() throws IOException {
        AtomicFile.write(path.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
    }

    void releaseLock() throws IOException {
        if (lock != null) {
            lock.release();
            lock = null;
        }
        if (lockChannel != null) {
            lockChannel.close();
            lockChannel = null;
        }
    }

    @Override
    public String toString() {
        return path + (online ? "" : " (offline)");
    }
}
