package io.potok.storage;

import io.potok.storage.checkpoint.AtomicFile;
import io.potok.storage.checkpoint.OffsetCheckpointFile;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Owns every partition log of the broker across the configured log directories: loading and recovery at startup,
 * placement of new partitions, deletion, background retention / flush / checkpoint / compaction, and log directory
 * failure handling.
 *
 * <p>Invariants: a partition has at most one log, in exactly one directory; when a directory goes offline all its
 * partitions leave {@link #allLogs()} and are reported as offline (their {@link Log} objects throw
 * {@link KafkaStorageException}) while other directories keep serving; a directory gets the clean shutdown marker only
 * if every log in it was flushed and closed and its checkpoints were written.
 *
 * <p>Thread-safety: all public methods are thread-safe; log creation and deletion are serialised by one lock.
 */
public final class LogManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    private static final int BACKGROUND_THREADS = 2;

    private final LogManagerConfig config;
    private final Time time;
    private final Scheduler scheduler;
    private final List<LogDir> dirs;
    private final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>();
    private final Set<TopicPartition> offlinePartitions = ConcurrentHashMap.newKeySet();
    private final Object creationLock = new Object();
    private final LogCleaner cleaner;
    private volatile boolean started;
    private volatile boolean closed;

    public LogManager(LogManagerConfig config, Time time) {
        this(config, time, new BackgroundScheduler(BACKGROUND_THREADS, "potok-log-scheduler-"));
    }

    LogManager(LogManagerConfig config, Time time, Scheduler scheduler) {
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        List<LogDir> opened = new ArrayList<>();
        for (Path path : config.logDirs()) {
            LogDir dir = new LogDir(path.toAbsolutePath().normalize());
            try {
                dir.open();
            } catch (IOException e) {
                LOG.error("Log directory {} is unusable and stays offline", dir.path(), e);
                dir.markOffline();
            }
            opened.add(dir);
        }
        this.dirs = List.copyOf(opened);
        if (dirs.stream().noneMatch(LogDir::isOnline)) {
            scheduler.shutdown();
            throw new KafkaStorageException("None of the log directories " + config.logDirs() + " is usable");
        }
        this.cleaner = new LogCleaner(time, config.cleanerBackoffMs(), LogCleaner.DEFAULT_DEDUPE_BUFFER_BYTES,
            () -> logs.values());
    }

    /**
     * Loads every {@code <topic>-<partition>} directory of every online log dir, recovering logs in parallel
     * (num.recovery.threads.per.data.dir threads per dir), then starts the background tasks.
     *
     * @param configFor config of each existing log (null means {@link LogConfig#DEFAULT})
     */
    public void startup(Function<TopicPartition, LogConfig> configFor) throws IOException {
        synchronized (creationLock) {
            if (started) {
                throw new IllegalStateException("LogManager already started");
            }
            started = true;
        }
        List<DirLoad> loads = new ArrayList<>();
        for (LogDir dir : dirs) {
            if (dir.isOnline()) {
                try {
                    loads.add(startLoading(dir, configFor));
                } catch (IOException e) {
                    LOG.error("Cannot read log directory {}; taking it offline", dir.path(), e);
                    dir.markOffline();
                }
            }
        }
        for (DirLoad load : loads) {
            finishLoading(load);
        }
        if (dirs.stream().noneMatch(LogDir::isOnline)) {
            throw new IOException("No log directory of " + config.logDirs() + " could be loaded");
        }
        scheduleBackgroundTasks();
        LOG.info("Loaded {} log(s) from {}", logs.size(), dirs);
    }

    private record DirLoad(LogDir dir, ExecutorService pool, List<Future<Log>> jobs) {
    }

    private DirLoad startLoading(LogDir dir, Function<TopicPartition, LogConfig> configFor) throws IOException {
        boolean cleanShutdown = dir.hadCleanShutdown();
        Map<TopicPartition, Long> recoveryPoints = readCheckpoint(dir.recoveryPoints(), "recovering all segments");
        Map<TopicPartition, Long> startOffsets = readCheckpoint(dir.logStartOffsets(),
            "log start offsets fall back to the first segments");
        try {
            cleaner.loadCheckpoint(dir.path());
        } catch (OffsetCheckpointFile.MalformedCheckpointException e) {
            LOG.warn("{}; compaction restarts from the log start", e.getMessage());
        }
        AtomicInteger threadIds = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(config.recoveryThreadsPerDataDir(), r -> {
            Thread t = new Thread(r, "log-recovery-" + dir.path().getFileName() + "-" + threadIds.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        List<Future<Log>> jobs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.path(), Files::isDirectory)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                if (LogFileNames.isDeleteDirName(name)) {
                    scheduler.scheduleOnce("delete-dir-" + name, () -> deleteRecursively(child), 0);
                    continue;
                }
                Optional<TopicPartition> tp = LogFileNames.parseTopicPartitionName(name);
                if (tp.isEmpty() && name.startsWith(LogFileNames.NODE_PRIVATE_DIR_PREFIX)) {
                    continue; // the node's own state (the metadata quorum's log) shares the first log dir
                }
                if (tp.isEmpty()) {
                    LOG.warn("Ignoring {}: not a partition directory", child);
                    continue;
                }
                TopicPartition partition = tp.get();
                jobs.add(pool.submit(() -> {
                    LogConfig logConfig = configFor.apply(partition);
                    return Log.load(child, partition, logConfig == null ? LogConfig.DEFAULT : logConfig,
                        recoveryPoints.getOrDefault(partition, 0L), startOffsets.getOrDefault(partition, 0L),
                        cleanShutdown, time, scheduler, this::onLogDirFailure);
                }));
            }
        } catch (IOException e) {
            pool.shutdownNow();
            throw e;
        }
        pool.shutdown();
        return new DirLoad(dir, pool, jobs);
    }

    private void finishLoading(DirLoad load) {
        List<Log> loaded = new ArrayList<>();
        Throwable failure = null;
        for (Future<Log> job : load.jobs()) {
            try {
                loaded.add(job.get());
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            }
        }
        if (failure == null) {
            for (Log log : loaded) {
                Log previous = logs.putIfAbsent(log.topicPartition(), log);
                if (previous != null) {
                    failure = new IllegalStateException("Duplicate log directories for " + log.topicPartition() + ": "
                        + previous.dir() + " and " + log.dir());
                    break;
                }
            }
        }
        if (failure == null) {
            try {
                load.dir().deleteCleanShutdownMarker();
                return;
            } catch (IOException e) {
                failure = e;
            }
        }
        LOG.error("Failed to load log directory {}; taking it offline", load.dir().path(), failure);
        load.dir().markOffline();
        for (Log log : loaded) {
            logs.remove(log.topicPartition(), log);
            offlinePartitions.add(log.topicPartition());
            log.markOffline();
            log.closeHandlers();
        }
    }

    private static Map<TopicPartition, Long> readCheckpoint(OffsetCheckpointFile file, String consequence)
        throws IOException {
        try {
            return file.read();
        } catch (OffsetCheckpointFile.MalformedCheckpointException e) {
            LOG.warn("{}; {}", e.getMessage(), consequence);
            return Map.of();
        }
    }

    private void scheduleBackgroundTasks() {
        scheduler.schedulePeriodic("log-retention", this::cleanupLogs, config.retentionCheckIntervalMs(),
            config.retentionCheckIntervalMs());
        if (config.flushSchedulerIntervalMs() != Long.MAX_VALUE) {
            scheduler.schedulePeriodic("log-flusher", this::flushDirtyLogs, config.flushSchedulerIntervalMs(),
                config.flushSchedulerIntervalMs());
        }
        scheduler.schedulePeriodic("log-checkpoints", this::checkpointAll, config.flushOffsetCheckpointIntervalMs(),
            config.flushOffsetCheckpointIntervalMs());
        if (config.cleanerEnable()) {
            cleaner.startup();
        }
    }

    /** The log of {@code tp}, creating it in the online log dir holding the fewest partitions if needed. */
    public Log getOrCreateLog(TopicPartition tp, LogConfig logConfig) {
        Log existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        synchronized (creationLock) {
            checkNotClosed();
            if (!started) {
                // Creating before loading would make startup find the new directory as a duplicate.
                throw new IllegalStateException("LogManager.startup must run before logs are created");
            }
            existing = logs.get(tp);
            if (existing != null) {
                return existing;
            }
            if (offlinePartitions.contains(tp)) {
                throw new KafkaStorageException("Partition " + tp + " is in an offline log directory");
            }
            LogDir dir = leastLoadedDir();
            Path logPath = dir.path().resolve(LogFileNames.logDirName(tp));
            try {
                boolean isNew = !Files.exists(logPath);
                Log log = Log.load(logPath, tp, logConfig, 0L, 0L, isNew, time, scheduler, this::onLogDirFailure);
                AtomicFile.fsyncDirectory(dir.path());
                logs.put(tp, log);
                LOG.info("Created log for {} in {}", tp, dir.path());
                return log;
            } catch (IOException e) {
                String message = "Error while creating log for " + tp + " in " + dir.path();
                onLogDirFailure(dir.path(), message, e);
                throw new KafkaStorageException(message, e);
            }
        }
    }

    private LogDir leastLoadedDir() {
        Map<Path, Integer> counts = new HashMap<>();
        for (Log log : logs.values()) {
            counts.merge(log.dir().getParent(), 1, Integer::sum);
        }
        LogDir best = null;
        int bestCount = Integer.MAX_VALUE;
        for (LogDir dir : dirs) {
            int count = counts.getOrDefault(dir.path(), 0);
            if (dir.isOnline() && count < bestCount) {
                best = dir;
                bestCount = count;
            }
        }
        if (best == null) {
            throw new KafkaStorageException("No online log directory to create a log in");
        }
        return best;
    }

    public Optional<Log> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<Log> allLogs() {
        return Collections.unmodifiableCollection(new ArrayList<>(logs.values()));
    }

    /** Partitions whose log directory went offline. */
    public Set<TopicPartition> offlinePartitions() {
        return Set.copyOf(offlinePartitions);
    }

    public LogCleaner cleaner() {
        return cleaner;
    }

    /**
     * Removes a partition: its directory is renamed to {@code <topic>-<partition>.<uuid>-delete} at once (so a restart
     * will not load it) and deleted after file.delete.delay.ms.
     */
    public void deleteLog(TopicPartition tp) {
        synchronized (creationLock) {
            Log log = logs.remove(tp);
            cleaner.forget(tp);
            if (log == null) {
                offlinePartitions.remove(tp);
                return;
            }
            log.closeHandlers();
            Path parent = log.dir().getParent();
            Path target = parent.resolve(LogFileNames.deleteDirName(tp));
            try {
                Files.move(log.dir(), target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFile.fsyncDirectory(parent);
            } catch (IOException e) {
                String message = "Error while deleting the log of " + tp;
                onLogDirFailure(parent, message, e);
                throw new KafkaStorageException(message, e);
            }
            LOG.info("Deleted log of {}; removing {} in {} ms", tp, target, log.config().fileDeleteDelayMs());
            scheduler.scheduleOnce("delete-dir-" + tp, () -> deleteRecursively(target), log.config().fileDeleteDelayMs());
        }
    }

    private void deleteRecursively(Path root) {
        try {
            if (!Files.exists(root)) {
                return;
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            onLogDirFailure(root.getParent(), "Error while deleting " + root, e);
        }
    }

    public List<LogDirDescription> logDirs() {
        List<LogDirDescription> result = new ArrayList<>();
        for (LogDir dir : dirs) {
            if (!dir.isOnline()) {
                result.add(new LogDirDescription(dir.path(), false, -1, -1, Map.of()));
                continue;
            }
            Map<TopicPartition, Long> sizes = new HashMap<>();
            for (Log log : logs.values()) {
                if (log.dir().getParent().equals(dir.path())) {
                    sizes.put(log.topicPartition(), log.sizeInBytes());
                }
            }
            long total;
            long usable;
            try {
                FileStore store = Files.getFileStore(dir.path());
                total = store.getTotalSpace();
                usable = store.getUsableSpace();
            } catch (IOException e) {
                onLogDirFailure(dir.path(), "Error while reading the file store of " + dir.path(), e);
                result.add(new LogDirDescription(dir.path(), false, -1, -1, Map.of()));
                continue;
            }
            result.add(new LogDirDescription(dir.path(), true, total, usable, Map.copyOf(sizes)));
        }
        return result;
    }

    /** Runs retention on every log now. @return segments deleted */
    public int cleanupLogs() {
        int deleted = 0;
        for (Log log : logs.values()) {
            try {
                deleted += log.deleteOldSegments();
            } catch (KafkaStorageException e) {
                LOG.warn("Retention of {} failed: {}", log.topicPartition(), e.getMessage());
            }
        }
        return deleted;
    }

    /** Flushes logs whose flush.ms has elapsed (log.flush.scheduler.interval.ms task). */
    void flushDirtyLogs() {
        long now = time.milliseconds();
        for (Log log : logs.values()) {
            try {
                log.flushIfDue(now);
            } catch (KafkaStorageException e) {
                LOG.warn("Flush of {} failed: {}", log.topicPartition(), e.getMessage());
            }
        }
    }

    /** Writes recovery-point and log-start-offset checkpoints of every online dir. */
    public void checkpointAll() {
        for (LogDir dir : dirs) {
            if (dir.isOnline()) {
                try {
                    writeCheckpoints(dir);
                } catch (IOException e) {
                    onLogDirFailure(dir.path(), "Error while writing checkpoints in " + dir.path(), e);
                }
            }
        }
    }

    private void writeCheckpoints(LogDir dir) throws IOException {
        Map<TopicPartition, Long> recoveryPoints = new HashMap<>();
        Map<TopicPartition, Long> startOffsets = new HashMap<>();
        for (Log log : logs.values()) {
            if (log.dir().getParent().equals(dir.path()) && !log.isOffline()) {
                recoveryPoints.put(log.topicPartition(), log.recoveryPoint());
                startOffsets.put(log.topicPartition(), log.logStartOffset());
            }
        }
        dir.recoveryPoints().write(recoveryPoints);
        dir.logStartOffsets().write(startOffsets);
    }

    /** Takes a log directory offline after an I/O error; called with the failing log's lock held. */
    private void onLogDirFailure(Path logDir, String message, IOException cause) {
        LogDir dir = null;
        for (LogDir candidate : dirs) {
            if (candidate.path().equals(logDir.toAbsolutePath().normalize())) {
                dir = candidate;
            }
        }
        if (dir == null || !dir.markOffline()) {
            return;
        }
        LOG.error("Log directory {} is now offline: {}", logDir, message, cause);
        List<Log> affected = new ArrayList<>();
        for (Log log : logs.values()) {
            if (log.dir().getParent().equals(dir.path())) {
                log.markOffline();
                offlinePartitions.add(log.topicPartition());
                logs.remove(log.topicPartition(), log);
                affected.add(log);
            }
        }
        // Releasing handles takes each log's lock, which the caller may hold: do it on another thread.
        scheduler.scheduleOnce("close-offline-logs-" + logDir.getFileName(), () -> affected.forEach(Log::closeHandlers),
            0);
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("LogManager is closed");
        }
    }

    /** Flushes and closes every log, writes checkpoints and the clean shutdown marker, and stops background work. */
    @Override
    public void close() {
        synchronized (creationLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        cleaner.close();
        scheduler.shutdown();
        for (LogDir dir : dirs) {
            if (dir.isOnline()) {
                closeDir(dir);
            }
            try {
                dir.releaseLock();
            } catch (IOException e) {
                LOG.warn("Could not release the lock of {}", dir.path(), e);
            }
        }
        LOG.info("Log manager closed");
    }

    private void closeDir(LogDir dir) {
        boolean clean = true;
        for (Log log : logs.values()) {
            if (log.dir().getParent().equals(dir.path())) {
                try {
                    log.close();
                } catch (KafkaStorageException e) {
                    LOG.error("Could not close {} cleanly", log.topicPartition(), e);
                    clean = false;
                }
            }
        }
        if (!clean || !dir.isOnline()) {
            return;
        }
        try {
            writeCheckpoints(dir);
            cleaner.writeCheckpoint(dir.path());
            dir.writeCleanShutdownMarker();
        } catch (IOException e) {
            LOG.error("Could not write checkpoints of {}; it will be recovered at next startup", dir.path(), e);
        }
    }
}
