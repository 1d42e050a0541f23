package io.potok.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The append path works on batch headers: its allocation must not grow with the number of records in a batch. */
class AppendAllocationTest {

    @TempDir
    Path root;

    @Test
    void allocationPerAppendDoesNotDependOnRecordCount() throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        Log log = new TestLogs(root).open(TestLogs.config("index.interval.bytes", "4096"));
        long small = measure(threads, log, 1);
        long large = measure(threads, log, 1000);
        // A per-record object of even 16 bytes would add 16 KB for 1000 records.
        assertThat(large - small).as("extra bytes allocated for 999 more records").isLessThan(4_000);
    }

    private static long measure(com.sun.management.ThreadMXBean threads, Log log, int records) {
        var batches = new org.apache.kafka.common.record.internal.MemoryRecords[200];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = TestRecords.sized(1000, records, 10);
        }
        for (int i = 0; i < 100; i++) { // warm-up
            log.appendAsLeader(batches[i], 0);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 100; i < 200; i++) {
            log.appendAsLeader(batches[i], 0);
        }
        return (threads.getThreadAllocatedBytes(id) - before) / 100;
    }
}
