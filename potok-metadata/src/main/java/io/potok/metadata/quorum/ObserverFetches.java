package io.potok.metadata.quorum;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each broker-only node stood at its latest metadata fetch: the observers of DescribeQuorum. A node that has
 * not fetched for {@link #OBSERVER_TIMEOUT_MS} is no longer listed (Kafka's observer session timeout).
 *
 * <p>Thread-safe: fetches arrive on Ratis' query threads, descriptions on the controller thread.
 */
final class ObserverFetches {
    static final long OBSERVER_TIMEOUT_MS = 300_000;

    private record Progress(long logEndOffset, long lastFetchMs, long lastCaughtUpMs) {
    }

    private final Map<Integer, Progress> byNode = new ConcurrentHashMap<>();

    /**
     * A fetch of {@code nodeId}, whose image is at log index {@code fromOffset}, while this member's newest applied
     * index is {@code lastOffset}.
     */
    void fetched(int nodeId, long fromOffset, long lastOffset, long nowMs) {
        if (nodeId < 0) {
            return;
        }
        byNode.compute(nodeId, (id, previous) -> {
            long caughtUp = fromOffset >= lastOffset ? nowMs : previous == null ? -1 : previous.lastCaughtUpMs();
            return new Progress(Math.max(fromOffset, -1) + 1, nowMs, caughtUp);
        });
    }

    /** Observers by id, leaving out {@code voters} and nodes silent for longer than the timeout. */
    List<QuorumDescription.Replica> observers(Set<Integer> voters, long nowMs) {
        byNode.entrySet().removeIf(e -> nowMs - e.getValue().lastFetchMs() > OBSERVER_TIMEOUT_MS);
        List<QuorumDescription.Replica> observers = new ArrayList<>();
        byNode.forEach((id, p) -> {
            if (!voters.contains(id)) {
                observers.add(new QuorumDescription.Replica(id, p.logEndOffset(), p.lastFetchMs(), p.lastCaughtUpMs()));
            }
        });
        observers.sort(Comparator.comparingInt(QuorumDescription.Replica::id));
        return observers;
    }
}
