package io.potok.broker.fetchsession;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * The broker's incremental fetch sessions (KIP-227), at most {@code max.incremental.fetch.session.cache.slots} of them.
 *
 * <p>Each Fetch request gets a {@link Context}: what to read, and how to turn what was read into the response. A full
 * request (epoch 0) from Fetch v7 on closes the session it names and opens a new one when there is room; epoch -1
 * closes it and stays sessionless; a later epoch continues a session. When the cache is full a new session takes the
 * place of one unused for two minutes, or else of the least valuable one (Kafka's order: a consumer's before a
 * follower's, then the one with fewest partitions), provided the newcomer is worth more; otherwise the client goes on
 * without a session, as KIP-227 allows.
 */
public final class FetchSessionCache {
    public static final String MAX_SLOTS_CONFIG = "max.incremental.fetch.session.cache.slots";
    /** Fetch v7 added sessions; v13 named topics by id, and a session keeps the way it started with. */
    static final short FIRST_SESSION_VERSION = 7;
    static final short TOPIC_ID_VERSION = 13;
    /** Kafka's eviction age: a session idle this long may be replaced by any new one. */
    static final long EVICTION_MS = 120_000;

    private final int maxSessions;
    private final LongSupplier clockMs;
    private final Map<Integer, FetchSession> sessions = new HashMap<>(); // guarded by this

    public FetchSessionCache(int maxSessions, LongSupplier clockMs) {
        this.maxSessions = maxSessions;
        this.clockMs = clockMs;
    }

    public synchronized int size() {
        return sessions.size();
    }

    synchronized Optional<FetchSession> get(int id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /**
     * How one Fetch request is served within (or without) a session.
     *
     * @param error     a top-level error for the whole request (unknown session, wrong epoch), or NONE
     * @param toRead    the partitions to read, with the request's limits: the request itself, or the whole session's
     *                  (null with an error)
     * @param responder turns what was read into the response to send (called once, when the request completes)
     */
    public record Context(Errors error, FetchRequestData toRead, UnaryOperator<FetchResponseData> responder) {
        public FetchResponseData respond(FetchResponseData read) {
            return responder.apply(read);
        }
    }

    public Context newContext(short version, FetchRequestData request, boolean follower) {
        FetchMetadata metadata = new FetchMetadata(request.sessionId(), request.sessionEpoch());
        if (version < FIRST_SESSION_VERSION) {
            return sessionless(request);
        }
        if (metadata.isFull()) {
            if (metadata.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                remove(metadata.sessionId());
            }
            if (metadata.epoch() == FetchMetadata.FINAL_EPOCH || maxSessions <= 0) {
                return sessionless(request);
            }
            return new Context(Errors.NONE, request, read -> {
                Optional<FetchSession> session = create(follower, version >= TOPIC_ID_VERSION, request);
                return session.isPresent() ? session.get().respond(read, false)
                        : read.setSessionId(FetchMetadata.INVALID_SESSION_ID);
            });
        }
        FetchSession session;
        synchronized (this) {
            session = sessions.get(metadata.sessionId());
        }
        if (session == null) {
            return failed(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        FetchRequestData toRead;
        synchronized (session) {
            if (session.epoch() != metadata.epoch()) {
                return failed(Errors.INVALID_FETCH_SESSION_EPOCH);
            }
            if (session.usesTopicIds() != (version >= TOPIC_ID_VERSION)) {
                return failed(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
            }
            toRead = session.applyIncremental(request, clockMs.getAsLong());
            if (session.size() == 0) {
                remove(session.id());
                return sessionless(toRead);
            }
        }
        return new Context(Errors.NONE, toRead, read -> session.respond(read, true));
    }

    private static Context sessionless(FetchRequestData request) {
        return new Context(Errors.NONE, request, read -> read.setSessionId(FetchMetadata.INVALID_SESSION_ID));
    }

    private static Context failed(Errors error) {
        return new Context(error, null, read -> new FetchResponseData().setErrorCode(error.code())
                .setSessionId(FetchMetadata.INVALID_SESSION_ID));
    }

    synchronized void remove(int id) {
        sessions.remove(id);
    }

    private synchronized Optional<FetchSession> create(boolean privileged, boolean usesTopicIds,
                                                       FetchRequestData request) {
        long now = clockMs.getAsLong();
        int size = 0;
        for (FetchRequestData.FetchTopic topic : request.topics()) {
            size += topic.partitions().size();
        }
        if (sessions.size() >= maxSessions && !evictFor(privileged, size, now)) {
            return Optional.empty();
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        FetchSession session = new FetchSession(id, privileged, usesTopicIds, now);
        session.addAll(request);
        sessions.put(id, session);
        return Optional.of(session);
    }

    /** Makes room for a session of {@code size} partitions; false if every cached one is worth keeping. */
    private boolean evictFor(boolean privileged, int size, long now) {
        FetchSession stalest = null;
        FetchSession cheapest = null;
        for (FetchSession s : sessions.values()) {
            if (stalest == null || s.lastUsedMs() < stalest.lastUsedMs()) {
                stalest = s;
            }
            if (cheapest == null || cheaper(s, cheapest)) {
                cheapest = s;
            }
        }
        if (stalest != null && now - stalest.lastUsedMs() >= EVICTION_MS) {
            sessions.remove(stalest.id());
            return true;
        }
        if (cheapest != null && (privileged && !cheapest.privileged()
                || privileged == cheapest.privileged() && size > cheapest.size())) {
            sessions.remove(cheapest.id());
            return true;
        }
        return false;
    }

    private static boolean cheaper(FetchSession a, FetchSession b) {
        if (a.privileged() != b.privileged()) {
            return !a.privileged();
        }
        if (a.size() != b.size()) {
            return a.size() < b.size();
        }
        return a.lastUsedMs() < b.lastUsedMs();
    }
}
