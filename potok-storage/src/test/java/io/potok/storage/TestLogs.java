package io.potok.storage;

import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Opens logs in a test directory with a mock clock and scheduler. */
final class TestLogs {

    static final TopicPartition TP = new TopicPartition("orders", 0);

    final MockTime time;
    final MockScheduler scheduler;
    final Path root;

    TestLogs(Path root) {
        this(root, new MockTime());
    }

    TestLogs(Path root, MockTime time) {
        this.root = root;
        this.time = time;
        this.scheduler = new MockScheduler(time);
    }

    Path logDir() {
        return root.resolve(LogFileNames.logDirName(TP));
    }

    Log open(LogConfig config) throws IOException {
        return Log.load(logDir(), TP, config, 0, 0, true, time, scheduler, (dir, msg, e) -> { });
    }

    /** Reopens as after a crash: no clean shutdown, nothing known to be flushed. */
    Log openAfterCrash(LogConfig config) throws IOException {
        return Log.load(logDir(), TP, config, 0, 0, false, time, scheduler, (dir, msg, e) -> { });
    }

    static LogConfig config(String... keysAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return LogConfig.fromTopicConfigs(map);
    }
}
