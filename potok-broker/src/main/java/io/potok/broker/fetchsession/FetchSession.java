package io.potok.broker.fetchsession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * An incremental fetch session (KIP-227): the partitions one fetcher follows, so that its requests name only the
 * partitions whose fetch position changed and the responses carry only the partitions with something new.
 *
 * <p>Partitions are kept in the order they are read; one that returned records moves to the back, so that a request's
 * byte limit does not always go to the same partitions. Thread-safety: every method holds the session's lock (a
 * session is used by one request at a time unless its client misbehaves, which the epoch check refuses).
 */
public final class FetchSession {
    private final int id;
    private final boolean privileged;
    private final boolean usesTopicIds;
    private final Map<Key, SessionPartition> partitions = new LinkedHashMap<>(); // guarded by this
    private int epoch; // guarded by this
    private long lastUsedMs; // guarded by this

    /** A partition by topic id in sessions of Fetch v13 and later, by topic name before. */
    record Key(Uuid topicId, String topic, int partition) {
    }

    FetchSession(int id, boolean privileged, boolean usesTopicIds, long nowMs) {
        this.id = id;
        this.privileged = privileged;
        this.usesTopicIds = usesTopicIds;
        this.epoch = FetchMetadata.nextEpoch(FetchMetadata.INITIAL_EPOCH);
        this.lastUsedMs = nowMs;
    }

    public int id() {
        return id;
    }

    boolean privileged() {
        return privileged;
    }

    public boolean usesTopicIds() {
        return usesTopicIds;
    }

    public synchronized int epoch() {
        return epoch;
    }

    synchronized long lastUsedMs() {
        return lastUsedMs;
    }

    public synchronized int size() {
        return partitions.size();
    }

    private Key key(Uuid topicId, String topic, int partition) {
        return usesTopicIds ? new Key(topicId == null ? Uuid.ZERO_UUID : topicId, "", partition)
                : new Key(Uuid.ZERO_UUID, topic == null ? "" : topic, partition);
    }

    /** Adds (or re-targets) every partition of a full request, in its order. */
    synchronized void addAll(FetchRequestData request) {
        for (FetchRequestData.FetchTopic topic : request.topics()) {
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                put(topic, p);
            }
        }
    }

    private void put(FetchRequestData.FetchTopic topic, FetchRequestData.FetchPartition p) {
        Key key = key(topic.topicId(), topic.topic(), p.partition());
        SessionPartition known = partitions.get(key);
        if (known != null) {
            known.update(p);
        } else {
            partitions.put(key, new SessionPartition(topic.topicId(), topic.topic(), p));
        }
    }

    /**
     * Applies an incremental request: the partitions it names are added or get their new position, the forgotten
     * ones leave. Returns the request to read: every partition of the session, in session order, with the limits of
     * {@code request}. The epoch moves on, so the client's next request must carry the next one.
     */
    synchronized FetchRequestData applyIncremental(FetchRequestData request, long nowMs) {
        for (FetchRequestData.ForgottenTopic forgotten : request.forgottenTopicsData()) {
            for (int partition : forgotten.partitions()) {
                partitions.remove(key(forgotten.topicId(), forgotten.topic(), partition));
            }
        }
        for (FetchRequestData.FetchTopic topic : request.topics()) {
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                put(topic, p);
            }
        }
        epoch = FetchMetadata.nextEpoch(epoch);
        lastUsedMs = nowMs;
        return toRead(request);
    }

    private FetchRequestData toRead(FetchRequestData request) {
        FetchRequestData read = request.duplicate();
        read.topics().clear();
        read.forgottenTopicsData().clear();
        FetchRequestData.FetchTopic current = null;
        for (SessionPartition p : partitions.values()) {
            // Consecutive partitions of one topic share a FetchTopic, as a client would send them.
            if (current == null || !sameTopic(current, p)) {
                current = new FetchRequestData.FetchTopic().setTopic(p.topic).setTopicId(p.topicId);
                read.topics().add(current);
            }
            current.partitions().add(p.request());
        }
        return read;
    }

    private boolean sameTopic(FetchRequestData.FetchTopic topic, SessionPartition p) {
        return usesTopicIds ? topic.topicId().equals(p.topicId) : topic.topic().equals(p.topic);
    }

    /**
     * Turns the answer to {@link #applyIncremental}'s request (or to the full request that made the session) into
     * what is sent: with {@code incremental}, only the partitions that {@link SessionPartition#mustRespond must be
     * sent}; the values sent are remembered either way.
     */
    synchronized FetchResponseData respond(FetchResponseData response, boolean incremental) {
        List<Key> withRecords = new ArrayList<>();
        for (FetchResponseData.FetchableTopicResponse topic : response.responses()) {
            topic.partitions().removeIf(pd -> {
                Key key = key(topic.topicId(), topic.topic(), pd.partitionIndex());
                SessionPartition p = partitions.get(key);
                if (p == null) {
                    return false; // not in the session (a duplicate in the request, say): sent as it is
                }
                boolean respond = p.mustRespond(pd, true);
                if (org.apache.kafka.common.requests.FetchResponse.recordsSize(pd) > 0) {
                    withRecords.add(key);
                }
                return incremental && !respond;
            });
        }
        response.responses().removeIf(topic -> incremental && topic.partitions().isEmpty());
        for (Key key : withRecords) {
            partitions.put(key, partitions.remove(key));
        }
        return response.setSessionId(id);
    }
}
