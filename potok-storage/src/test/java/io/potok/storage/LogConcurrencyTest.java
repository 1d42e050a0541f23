package io.potok.storage;

import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Readers tail the log while a writer appends, rolls and retention deletes old segments. */
class LogConcurrencyTest {

    @TempDir
    Path root;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readersNeverSeePartialOrWrongDataWhileAppendsRollAndRetentionRun() throws Exception {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(TestLogs.config("internal.segment.bytes", "4096", "index.interval.bytes", "128",
            "retention.bytes", "40000", "file.delete.delay.ms", "0"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread reader = new Thread(() -> {
                try {
                    long next = 0;
                    while (!done.get() || next < log.logEndOffset()) {
                        long start = Math.max(next, log.logStartOffset());
                        FetchDataInfo info;
                        try {
                            info = log.read(start, 8192, Long.MAX_VALUE, true);
                        } catch (org.apache.kafka.common.errors.OffsetOutOfRangeException e) {
                            next = log.logStartOffset(); // retention overtook this reader
                            continue;
                        }
                        for (RecordBatch batch : info.records().batches()) {
                            batch.ensureValid();
                            for (Record record : batch) {
                                String value = TestRecords.string(record.value());
                                if (!value.equals("value-" + record.offset())) {
                                    throw new AssertionError("offset " + record.offset() + " holds " + value);
                                }
                            }
                            next = batch.nextOffset();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            reader.start();
            readers.add(reader);
        }
        long offset = 0;
        for (int i = 0; i < 4000; i++) {
            int count = 1 + i % 4;
            String[] values = new String[count];
            for (int j = 0; j < count; j++) {
                values[j] = "value-" + (offset + j);
            }
            offset += count;
            log.appendAsLeader(TestRecords.values(i, values), 0);
            if (i % 200 == 0) {
                log.deleteOldSegments();
                logs.time.sleep(0); // runs the delayed deletions and flushes
            }
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(log.logEndOffset()).isEqualTo(offset);
    }
}
