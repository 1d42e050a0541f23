package io.potok.storage;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LogTimestampTest {

    @TempDir
    Path root;

    private static MemoryRecords batch(long... timestamps) {
        SimpleRecord[] records = new SimpleRecord[timestamps.length];
        for (int i = 0; i < timestamps.length; i++) {
            records[i] = new SimpleRecord(timestamps[i], null, ("v" + timestamps[i]).getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    @Test
    void offsetForTimestampFindsFirstRecordAtOrAfterTarget() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("internal.segment.bytes", "400", "index.interval.bytes", "1"));
        long[] timestamps = new long[60];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = 1000 + i * 10L;
        }
        for (int i = 0; i < timestamps.length; i += 3) {
            log.appendAsLeader(batch(timestamps[i], timestamps[i + 1], timestamps[i + 2]), 5);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        assertThat(log.offsetForTimestamp(0)).contains(new TimestampAndOffset(1000, 0, Optional.of(5)));
        assertThat(log.offsetForTimestamp(1000)).contains(new TimestampAndOffset(1000, 0, Optional.of(5)));
        assertThat(log.offsetForTimestamp(1001)).contains(new TimestampAndOffset(1010, 1, Optional.of(5)));
        assertThat(log.offsetForTimestamp(1255)).contains(new TimestampAndOffset(1260, 26, Optional.of(5)));
        assertThat(log.offsetForTimestamp(1590)).contains(new TimestampAndOffset(1590, 59, Optional.of(5)));
        assertThat(log.offsetForTimestamp(1591)).isEmpty();
    }

    @Test
    void outOfOrderTimestampsWithinAndAcrossBatches() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("index.interval.bytes", "1"));
        log.appendAsLeader(batch(500, 100, 300), 0);  // offsets 0-2
        log.appendAsLeader(batch(200, 250), 0);       // offsets 3-4, max 250 < 500
        log.appendAsLeader(batch(700, 600), 0);       // offsets 5-6
        assertThat(log.offsetForTimestamp(250)).map(TimestampAndOffset::offset).contains(0L);
        assertThat(log.offsetForTimestamp(501)).map(TimestampAndOffset::offset).contains(5L);
        assertThat(log.offsetForTimestamp(650)).contains(new TimestampAndOffset(700, 5, Optional.of(0)));
    }

    @Test
    void maxTimestampAndOffsetFindsTheRecordWithTheLargestTimestamp() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("internal.segment.bytes", "200"));
        assertThat(log.maxTimestampAndOffset()).isEmpty();
        log.appendAsLeader(batch(100, 900, 300), 0);  // offsets 0-2
        log.appendAsLeader(batch(400, 500), 0);       // offsets 3-4
        log.appendAsLeader(batch(200), 0);            // offset 5
        assertThat(log.numberOfSegments()).isGreaterThan(1);
        assertThat(log.maxTimestampAndOffset()).contains(new TimestampAndOffset(900, 1, Optional.of(0)));
    }

    @Test
    void timestampsSurviveReopen() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("internal.segment.bytes", "200", "index.interval.bytes", "1"));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(1000 + i * 100L, 1050 + i * 100L), 0);
        }
        log.close();
        Log reopened = logs.open(TestLogs.config("internal.segment.bytes", "200", "index.interval.bytes", "1"));
        assertThat(reopened.offsetForTimestamp(1420)).map(TimestampAndOffset::offset).contains(9L);
        assertThat(reopened.maxTimestampAndOffset()).map(TimestampAndOffset::offset).contains(19L);
        Log crashed = logs.openAfterCrash(TestLogs.config("internal.segment.bytes", "200", "index.interval.bytes", "1"));
        assertThat(crashed.maxTimestampAndOffset()).map(TimestampAndOffset::timestampMs).contains(1950L);
    }

    @Test
    void logAppendTimeReportsTheFirstRecordOfTheNewestBatch() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("message.timestamp.type", "LogAppendTime"));
        log.appendAsLeader(batch(1, 2), 0);
        logs.time.sleep(10);
        log.appendAsLeader(batch(3, 4, 5), 0);
        assertThat(log.maxTimestampAndOffset()).contains(
            new TimestampAndOffset(logs.time.milliseconds(), 2, Optional.of(0)));
        assertThat(log.offsetForTimestamp(logs.time.milliseconds() - 5)).map(TimestampAndOffset::offset).contains(2L);
    }
}
