package io.potok.broker.fetchsession;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchMetadata;
import org.junit.jupiter.api.Test;

class FetchSessionCacheTest {
    private static final short V12 = 12;
    private static final short V13 = 13;
    private static final Uuid ORDERS_ID = Uuid.randomUuid();

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final FetchSessionCache cache = new FetchSessionCache(2, clock::get);

    /** A fetch of topic "orders": {@code offsets[p]} is partition p's fetch offset. */
    private static FetchRequestData request(int sessionId, int epoch, long... offsets) {
        FetchRequestData data = new FetchRequestData().setSessionId(sessionId).setSessionEpoch(epoch)
                .setMaxBytes(1 << 20).setMaxWaitMs(500).setMinBytes(1).setReplicaId(-1);
        if (offsets.length > 0) {
            FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopic("orders")
                    .setTopicId(ORDERS_ID);
            for (int p = 0; p < offsets.length; p++) {
                topic.partitions().add(partition(p, offsets[p]));
            }
            data.topics().add(topic);
        }
        return data;
    }

    private static FetchRequestData.FetchPartition partition(int p, long offset) {
        return new FetchRequestData.FetchPartition().setPartition(p).setFetchOffset(offset)
                .setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1);
    }

    /** What the broker read for {@code toRead}: every partition at high watermark {@code hw}, records where asked. */
    private static FetchResponseData read(FetchRequestData toRead, long hw, int... withRecords) {
        FetchResponseData response = new FetchResponseData();
        for (FetchRequestData.FetchTopic t : toRead.topics()) {
            FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                    .setTopic(t.topic()).setTopicId(t.topicId());
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p.partition()).setHighWatermark(hw).setLastStableOffset(hw)
                        .setLogStartOffset(0).setRecords(MemoryRecords.EMPTY);
                for (int r : withRecords) {
                    if (r == p.partition()) {
                        pd.setRecords(MemoryRecords.withRecords(p.fetchOffset(), org.apache.kafka.common.compress
                                .Compression.NONE, new SimpleRecord("v".getBytes())));
                    }
                }
                topic.partitions().add(pd);
            }
            response.responses().add(topic);
        }
        return response;
    }

    private static List<Integer> partitions(FetchResponseData response) {
        List<Integer> out = new ArrayList<>();
        response.responses().forEach(t -> t.partitions().forEach(p -> out.add(p.partitionIndex())));
        return out;
    }

    private static List<String> offsets(FetchRequestData toRead) {
        List<String> out = new ArrayList<>();
        toRead.topics().forEach(t -> t.partitions().forEach(p -> out.add(p.partition() + "@" + p.fetchOffset())));
        return out;
    }

    /** Opens a session over partitions 0..2 of "orders" at offsets 10, 20, 30, all answered at hw 100. */
    private int openSession(short version) {
        FetchSessionCache.Context full = cache.newContext(version, request(0, 0, 10, 20, 30), false);
        FetchResponseData response = full.respond(read(full.toRead(), 100));
        assertThat(response.sessionId()).isNotEqualTo(FetchMetadata.INVALID_SESSION_ID);
        assertThat(partitions(response)).as("a full response has every partition").containsExactly(0, 1, 2);
        return response.sessionId();
    }

    @Test
    void oldVersionsAndTheFinalEpochStaySessionless() {
        FetchSessionCache.Context v6 = cache.newContext((short) 6, request(0, 0, 10), false);
        assertThat(v6.respond(read(v6.toRead(), 100)).sessionId()).isZero();
        FetchSessionCache.Context last = cache.newContext(V12, request(0, FetchMetadata.FINAL_EPOCH, 10), true);
        assertThat(last.error()).isEqualTo(Errors.NONE);
        assertThat(last.respond(read(last.toRead(), 100)).sessionId()).isZero();
        assertThat(cache.size()).isZero();
    }

    @Test
    void anIncrementalRequestReadsTheWholeSessionAndGetsOnlyWhatChanged() {
        int id = openSession(V12);
        // Partition 1 moved on; the request names only it.
        FetchRequestData incremental = request(id, 1);
        incremental.topics().add(new FetchRequestData.FetchTopic().setTopic("orders")
                .setPartitions(new ArrayList<>(List.of(partition(1, 25)))));
        FetchSessionCache.Context ctx = cache.newContext(V12, incremental, false);
        assertThat(ctx.error()).isEqualTo(Errors.NONE);
        assertThat(offsets(ctx.toRead())).containsExactly("0@10", "1@25", "2@30");
        assertThat(ctx.toRead().maxWaitMs()).isEqualTo(500);

        // Nothing new but records on partition 2: only it is sent.
        FetchResponseData response = ctx.respond(read(ctx.toRead(), 100, 2));
        assertThat(response.sessionId()).isEqualTo(id);
        assertThat(partitions(response)).containsExactly(2);

        // A moved high watermark is news for every partition; after it is sent, it is not news again.
        FetchSessionCache.Context next = cache.newContext(V12, request(id, 2), false);
        assertThat(partitions(next.respond(read(next.toRead(), 101)))).containsExactly(0, 1, 2);
        FetchSessionCache.Context quiet = cache.newContext(V12, request(id, 3), false);
        FetchResponseData none = quiet.respond(read(quiet.toRead(), 101));
        assertThat(none.responses()).as("no topic without partitions is sent").isEmpty();
        assertThat(none.sessionId()).isEqualTo(id);
    }

    @Test
    void aPartitionWithRecordsIsReadLastNextTime() {
        int id = openSession(V12);
        FetchSessionCache.Context ctx = cache.newContext(V12, request(id, 1), false);
        ctx.respond(read(ctx.toRead(), 100, 0));
        FetchSessionCache.Context next = cache.newContext(V12, request(id, 2), false);
        assertThat(offsets(next.toRead())).containsExactly("1@20", "2@30", "0@10");
    }

    @Test
    void anErrorIsSentAndThePartitionIsSentAgainWhenTheErrorIsGone() {
        int id = openSession(V12);
        FetchSessionCache.Context ctx = cache.newContext(V12, request(id, 1), false);
        FetchResponseData failed = read(ctx.toRead(), 100);
        failed.responses().get(0).partitions().get(1).setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(partitions(ctx.respond(failed))).containsExactly(1);
        FetchSessionCache.Context healed = cache.newContext(V12, request(id, 2), false);
        assertThat(partitions(healed.respond(read(healed.toRead(), 100)))).containsExactly(1);
    }

    @Test
    void forgottenPartitionsLeaveAndAnEmptySessionCloses() {
        int id = openSession(V12);
        FetchRequestData forget = request(id, 1);
        forget.forgottenTopicsData().add(new FetchRequestData.ForgottenTopic().setTopic("orders")
                .setPartitions(new ArrayList<>(List.of(0, 2))));
        FetchSessionCache.Context ctx = cache.newContext(V12, forget, false);
        assertThat(offsets(ctx.toRead())).containsExactly("1@20");
        ctx.respond(read(ctx.toRead(), 100));

        FetchRequestData forgetAll = request(id, 2);
        forgetAll.forgottenTopicsData().add(new FetchRequestData.ForgottenTopic().setTopic("orders")
                .setPartitions(new ArrayList<>(List.of(1))));
        FetchSessionCache.Context last = cache.newContext(V12, forgetAll, false);
        assertThat(last.toRead().topics()).isEmpty();
        assertThat(last.respond(read(last.toRead(), 100)).sessionId()).isZero();
        assertThat(cache.size()).isZero();
    }

    @Test
    void sessionsOfFetchV13AreKeyedByTopicId() {
        int id = openSession(V13);
        FetchRequestData forget = request(id, 1);
        forget.forgottenTopicsData().add(new FetchRequestData.ForgottenTopic().setTopicId(ORDERS_ID)
                .setPartitions(new ArrayList<>(List.of(1))));
        assertThat(offsets(cache.newContext(V13, forget, false).toRead())).containsExactly("0@10", "2@30");
        assertThat(cache.newContext(V12, request(id, 2), false).error())
                .as("a session started with topic ids cannot go on without them")
                .isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
    }

    @Test
    void wrongEpochsUnknownSessionsAndClosedSessionsAreRefused() {
        int id = openSession(V12);
        FetchSessionCache.Context stale = cache.newContext(V12, request(id, 5), false);
        assertThat(stale.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
        assertThat(stale.respond(null).errorCode()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH.code());
        assertThat(cache.newContext(V12, request(id + 1, 1), false).error())
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);

        // A full request naming the session closes it (the client starts over).
        FetchSessionCache.Context restart = cache.newContext(V12, request(id, 0, 10), false);
        int newId = restart.respond(read(restart.toRead(), 100)).sessionId();
        assertThat(newId).isNotIn(0, id);
        assertThat(cache.newContext(V12, request(id, 1), false).error())
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(cache.size()).isOne();
    }

    @Test
    void aFullCacheMakesRoomOnlyForAWorthierSession() {
        openSession(V12);
        openSession(V12);
        // Same kind, not more partitions: no room, the client goes on without a session.
        FetchSessionCache.Context small = cache.newContext(V12, request(0, 0, 1), false);
        assertThat(small.respond(read(small.toRead(), 100)).sessionId()).isZero();
        // A follower's session takes a consumer's place.
        FetchSessionCache.Context follower = cache.newContext(V12, request(0, 0, 1), true);
        int followerId = follower.respond(read(follower.toRead(), 100)).sessionId();
        assertThat(followerId).isNotZero();
        assertThat(cache.size()).isEqualTo(2);
        // A consumer's session with more partitions takes the place of the smaller consumer one.
        FetchSessionCache.Context bigger = cache.newContext(V12, request(0, 0, 1, 2, 3, 4), false);
        assertThat(bigger.respond(read(bigger.toRead(), 100)).sessionId()).isNotZero();
        assertThat(cache.get(followerId)).as("the follower's session stays").isPresent();
    }

    @Test
    void aSessionIdleForTwoMinutesMakesRoomForAnyNewOne() {
        int first = openSession(V12);
        clock.addAndGet(FetchSessionCache.EVICTION_MS - 1);
        int second = openSession(V12);
        clock.addAndGet(1);
        FetchSessionCache.Context small = cache.newContext(V12, request(0, 0, 1), false);
        assertThat(small.respond(read(small.toRead(), 100)).sessionId()).isNotZero();
        assertThat(cache.get(first)).isEmpty();
        assertThat(cache.get(second)).isPresent();
    }
}
