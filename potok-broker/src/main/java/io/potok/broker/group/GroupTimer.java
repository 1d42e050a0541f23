package io.potok.broker.group;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.kafka.common.utils.Time;

/**
 * Keyed deadlines of one coordinator shard: "session of member m of group g", "join phase of group
 * g". Scheduling a key again replaces its deadline, so a heartbeat simply re-schedules its member's
 * session key. Due tasks run from {@link #runExpired()}, which the owner calls on its executor when
 * the {@link Wakeup} fires (production) or when a test has advanced its mock {@link Time}.
 *
 * <p>Invariants: at most one live entry per key; an entry replaced or cancelled never runs (stale
 * queue entries are skipped lazily); tasks run in deadline order, ties in scheduling order.
 *
 * <p>Thread-safety: not thread-safe. Every call happens on the owning shard's executor.
 */
public final class GroupTimer {
    /** Asks for {@link #runExpired()} to be called on the owner's executor {@code delayMs} from now. */
    @FunctionalInterface
    public interface Wakeup {
        void wakeAfter(long delayMs);
    }

    private record Entry(String key, long deadlineMs, long seq, Runnable task) {
    }

    private final Time time;
    private final Wakeup wakeup;
    private final Map<String, Entry> byKey = new HashMap<>();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.deadlineMs != b.deadlineMs
            ? Long.compare(a.deadlineMs, b.deadlineMs) : Long.compare(a.seq, b.seq));
    private long seq;
    /** The earliest deadline a wakeup is already requested for; Long.MAX_VALUE when none. */
    private long wakeupRequestedForMs = Long.MAX_VALUE;

    public GroupTimer(Time time, Wakeup wakeup) {
        this.time = time;
        this.wakeup = wakeup;
    }

    /** Runs {@code task} {@code delayMs} from now unless the key is scheduled again or cancelled first. */
    public void schedule(String key, long delayMs, Runnable task) {
        long deadline = time.milliseconds() + Math.max(0, delayMs);
        Entry entry = new Entry(key, deadline, seq++, task);
        byKey.put(key, entry);
        queue.add(entry);
        if (deadline < wakeupRequestedForMs) {
            wakeupRequestedForMs = deadline;
            wakeup.wakeAfter(Math.max(0, delayMs));
        }
    }

    public boolean cancel(String key) {
        return byKey.remove(key) != null;
    }

    /** Cancels every key starting with {@code prefix} (for example all timers of one group). */
    public void cancelAll(String prefix) {
        byKey.keySet().removeIf(k -> k.startsWith(prefix));
    }

    public void cancelAll() {
        byKey.clear();
        queue.clear();
    }

    public boolean isScheduled(String key) {
        return byKey.containsKey(key);
    }

    /** Milliseconds until {@code key} fires, or -1 when it is not scheduled. */
    public long remainingMs(String key) {
        Entry e = byKey.get(key);
        return e == null ? -1 : Math.max(0, e.deadlineMs - time.milliseconds());
    }

    public int size() {
        return byKey.size();
    }

    /** Runs every task whose deadline has passed; returns how many ran. Tasks may schedule new keys. */
    public int runExpired() {
        wakeupRequestedForMs = Long.MAX_VALUE;
        int ran = 0;
        while (true) {
            Entry head = queue.peek();
            if (head == null) {
                break;
            }
            if (byKey.get(head.key) != head) {
                queue.poll(); // replaced or cancelled
                continue;
            }
            long now = time.milliseconds();
            if (head.deadlineMs > now) {
                wakeupRequestedForMs = head.deadlineMs;
                wakeup.wakeAfter(head.deadlineMs - now);
                break;
            }
            queue.poll();
            byKey.remove(head.key);
            head.task.run();
            ran++;
        }
        return ran;
    }
}
