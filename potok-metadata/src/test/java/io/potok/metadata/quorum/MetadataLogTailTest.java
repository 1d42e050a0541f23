package io.potok.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.ImageSnapshot;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.quorum.MetadataFetch.Batch;
import io.potok.metadata.quorum.MetadataFetch.Response;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata fetch protocol on the voter's side: which batches a fetch from an offset gets, when
 * it gets the whole image instead, and the long poll. A {@link MetadataPublisher} stands for the
 * voter's image, fed in step with the tail as the state machine does.
 */
class MetadataLogTailTest {
    private static final int LEADER = 7;

    private final MetadataPublisher publisher = new MetadataPublisher("tail-test");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private MetadataLogTail tail(int maxBatches, long maxBytes, int maxResponseBytes) {
        return new MetadataLogTail(LEADER, publisher::image, timer, maxBatches, maxBytes, maxResponseBytes);
    }

    private MetadataLogTail tail() {
        return tail(1_000, 1 << 20, 1 << 20);
    }

    /** What the state machine does with a committed batch: image first, then the tail. */
    private static void commit(MetadataPublisher publisher, MetadataLogTail tail, long offset, MetadataRecord... records) {
        publisher.apply(List.of(records), offset);
        tail.append(offset, MetadataRecordSerde.serialize(List.of(records)));
    }

    private static MetadataRecord broker(int id) {
        return new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9000 + id, Optional.empty());
    }

    private static Response now(CompletableFuture<Response> future) {
        assertThat(future).as("answered right away").isDone();
        return future.join();
    }

    private static List<Long> offsets(Response response) {
        return response.batches().stream().map(Batch::offset).toList();
    }

    @Test
    void aFetchGetsTheBatchesAfterItsOffsetInLogOrder() throws IOException {
        MetadataLogTail tail = tail();
        commit(publisher, tail, 1, broker(1));
        tail.advance(2); // a Raft entry without metadata
        commit(publisher, tail, 3, broker(2));
        commit(publisher, tail, 4, broker(3), new MetadataRecord.FenceBroker(1));

        Response fromOne = now(tail.fetch(1, 500));
        assertThat(fromOne.snapshot()).isFalse();
        assertThat(fromOne.leaderId()).isEqualTo(LEADER);
        assertThat(offsets(fromOne)).containsExactly(3L, 4L);
        assertThat(fromOne.lastOffset()).isEqualTo(4);
        assertThat(MetadataRecordSerde.deserialize(fromOne.batches().get(1).records()))
                .containsExactly(broker(3), new MetadataRecord.FenceBroker(1));

        assertThat(offsets(now(tail.fetch(3, 500)))).containsExactly(4L);
        // Raft's own entries after the last batch still move the asker's offset.
        tail.advance(5);
        Response fromFour = now(tail.fetch(4, 500));
        assertThat(fromFour.batches()).isEmpty();
        assertThat(fromFour.lastOffset()).isEqualTo(5);
        assertThat(fromFour.hasNews(4)).isTrue();
    }

    @Test
    void aNodeWithoutMetadataGetsTheWholeImage() throws IOException {
        MetadataLogTail tail = tail();
        commit(publisher, tail, 1, broker(1));
        commit(publisher, tail, 2, new MetadataRecord.CreateTopic("orders", Uuid.randomUuid()));

        Response response = now(tail.fetch(-1, 500));
        assertThat(response.snapshot()).isTrue();
        assertThat(response.lastOffset()).isEqualTo(2);
        assertThat(offsets(response)).containsExactly(2L);
        MetadataImage rebuilt = ImageSnapshot.fromRecords("tail-test",
                MetadataRecordSerde.deserialize(response.batches().get(0).records()), response.lastOffset());
        assertThat(rebuilt).isEqualTo(publisher.image());
    }

    @Test
    void aFetchOlderThanTheKeptBatchesGetsTheImage() {
        MetadataLogTail tail = tail(3, 1 << 20, 1 << 20);
        for (int offset = 1; offset <= 5; offset++) {
            commit(publisher, tail, offset, broker(offset));
        }
        // Three batches kept (3, 4, 5): everything after 2 is known, nothing before it.
        assertThat(tail.baseOffset()).isEqualTo(2);
        assertThat(offsets(now(tail.fetch(2, 500)))).containsExactly(3L, 4L, 5L);
        Response old = now(tail.fetch(1, 500));
        assertThat(old.snapshot()).isTrue();
        assertThat(old.lastOffset()).isEqualTo(5);
    }

    @Test
    void theTailIsBoundedByBytesToo() {
        MetadataLogTail tail = tail(1_000, 1, 1 << 20);
        commit(publisher, tail, 1, broker(1));
        commit(publisher, tail, 2, broker(2));
        // Over the byte bound the newest batch stays, so a node one batch behind still gets batches.
        assertThat(tail.baseOffset()).isEqualTo(1);
        assertThat(offsets(now(tail.fetch(1, 500)))).containsExactly(2L);
    }

    @Test
    void aSnapshotLoadForgetsOlderBatches() {
        MetadataLogTail tail = tail();
        commit(publisher, tail, 1, broker(1));
        commit(publisher, tail, 2, broker(2));
        publisher.reset(ImageSnapshot.fromRecords("tail-test", List.of(broker(1), broker(2), broker(3)), 10));
        tail.reset(10);
        assertThat(now(tail.fetch(2, 500)).snapshot()).isTrue();
        // Replayed entries the snapshot covers are not kept twice.
        tail.append(9, MetadataRecordSerde.serialize(List.of(broker(9))));
        commit(publisher, tail, 11, broker(4));
        assertThat(offsets(now(tail.fetch(10, 500)))).containsExactly(11L);
    }

    @Test
    void answersAreCutAtTheResponseSizeAndTheAskerContinuesFromTheCut() {
        int oneBatch = MetadataRecordSerde.serialize(List.of(broker(1))).length;
        MetadataLogTail tail = tail(1_000, 1 << 20, 2 * oneBatch);
        for (int offset = 1; offset <= 5; offset++) {
            commit(publisher, tail, offset, broker(offset));
        }
        Response first = now(tail.fetch(0, 500));
        assertThat(offsets(first)).containsExactly(1L, 2L);
        assertThat(first.lastOffset()).isEqualTo(2);
        Response second = now(tail.fetch(first.lastOffset(), 500));
        assertThat(offsets(second)).containsExactly(3L, 4L);
        assertThat(offsets(now(tail.fetch(second.lastOffset(), 500)))).containsExactly(5L);

        // A batch larger than the limit still goes, alone.
        MetadataLogTail tiny = tail(1_000, 1 << 20, 1);
        commit(publisher, tiny, 6, broker(6));
        commit(publisher, tiny, 7, broker(7));
        assertThat(offsets(now(tiny.fetch(5, 500)))).containsExactly(6L);
    }

    @Test
    void aFetchWithNothingNewWaitsForTheNextBatch() throws Exception {
        MetadataLogTail tail = tail();
        commit(publisher, tail, 1, broker(1));
        CompletableFuture<Response> parked = tail.fetch(1, 10_000);
        assertThat(parked).isNotDone();
        assertThat(tail.parkedCount()).isEqualTo(1);

        commit(publisher, tail, 2, broker(2));
        Response response = parked.get(1, TimeUnit.SECONDS);
        assertThat(offsets(response)).containsExactly(2L);
        assertThat(tail.parkedCount()).isZero();
    }

    @Test
    void aRaftEntryWithoutMetadataAlsoEndsTheWait() throws Exception {
        MetadataLogTail tail = tail();
        commit(publisher, tail, 1, broker(1));
        CompletableFuture<Response> parked = tail.fetch(1, 10_000);
        tail.advance(2);
        Response response = parked.get(1, TimeUnit.SECONDS);
        assertThat(response.batches()).isEmpty();
        assertThat(response.lastOffset()).isEqualTo(2);
    }

    @Test
    void aFetchWithNothingNewIsAnsweredEmptyAfterItsWait() throws Exception {
        MetadataLogTail tail = tail();
        commit(publisher, tail, 1, broker(1));
        long start = System.nanoTime();
        Response response = tail.fetch(1, 300).get(10, TimeUnit.SECONDS);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waitedMs).isGreaterThanOrEqualTo(250);
        assertThat(response.batches()).isEmpty();
        assertThat(response.lastOffset()).isEqualTo(1);
        assertThat(response.hasNews(1)).isFalse();
        assertThat(tail.parkedCount()).isZero();

        // A node without metadata waits too while the voter has none either.
        MetadataPublisher nothingYet = new MetadataPublisher("empty");
        MetadataLogTail fresh = new MetadataLogTail(LEADER, nothingYet::image, timer, 10, 1 << 20, 1 << 20);
        CompletableFuture<Response> empty = fresh.fetch(-1, 10_000);
        assertThat(empty).isNotDone();
        nothingYet.advance(0); // Raft's first entry: image first, then the tail, as the state machine does
        fresh.advance(0);
        Response first = empty.get(1, TimeUnit.SECONDS);
        assertThat(first.snapshot()).isTrue();
        assertThat(first.lastOffset()).isEqualTo(0);
    }

    @Test
    void parkedFetchesAreBounded() {
        MetadataLogTail tail = tail();
        commit(publisher, tail, 1, broker(1));
        for (int i = 0; i < MetadataLogTail.MAX_PARKED; i++) {
            assertThat(tail.fetch(1, 60_000)).isNotDone();
        }
        Response overflow = now(tail.fetch(1, 60_000));
        assertThat(overflow.batches()).isEmpty();
        commit(publisher, tail, 2, broker(2));
        assertThat(tail.parkedCount()).isZero();
    }

    @Test
    void requestsAndAnswersRoundTrip() throws IOException {
        byte[] request = MetadataFetch.encodeRequest(7, 42, 500);
        assertThat(MetadataFetch.isFetch(request)).isTrue();
        assertThat(MetadataFetch.decodeRequest(request)).isEqualTo(new MetadataFetch.Request(42, 500, 7));
        // A fetch of a node that does not name itself (13 bytes) still reads.
        byte[] unnamed = java.util.Arrays.copyOf(request, 13);
        assertThat(MetadataFetch.decodeRequest(unnamed)).isEqualTo(new MetadataFetch.Request(42, 500, -1));
        // Controller commands start with their type, never the fetch marker.
        assertThat(MetadataFetch.isFetch(new byte[] {1, 0, 0})).isFalse();

        Response response = new Response(3, false, 12, List.of(new Batch(10, new byte[] {1, 2}),
                new Batch(12, new byte[0])));
        Response decoded = MetadataFetch.decodeResponse(MetadataFetch.encodeResponse(response));
        assertThat(decoded.leaderId()).isEqualTo(3);
        assertThat(decoded.snapshot()).isFalse();
        assertThat(decoded.lastOffset()).isEqualTo(12);
        assertThat(offsets(decoded)).containsExactly(10L, 12L);
        assertThat(decoded.batches().get(0).records()).containsExactly(1, 2);
        Response snapshot = MetadataFetch.decodeResponse(MetadataFetch.encodeResponse(
                new Response(1, true, 5, List.of(new Batch(5, new byte[] {9})))));
        assertThat(snapshot.snapshot()).isTrue();
    }
}
