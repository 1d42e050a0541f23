package io.potok.metadata.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.record.MetadataRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The publisher as the quorum's apply thread drives it: images in log order, waiters woken. */
class MetadataPublisherTest {
    private final MetadataPublisher publisher = new MetadataPublisher("c");

    private static MetadataRecord broker(int id) {
        return new MetadataRecord.RegisterBroker(id, "h", 9000 + id, Optional.empty());
    }

    @Test
    void listenersAreToldTheCurrentImageFirstThenEveryChangeInOrder() {
        publisher.apply(List.of(broker(1)), 1);
        List<MetadataImage[]> seen = Collections.synchronizedList(new ArrayList<>());
        publisher.addListener((previous, current) -> seen.add(new MetadataImage[] {previous, current}));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)[0]).isEqualTo(MetadataImage.empty("c"));
        assertThat(seen.get(0)[1]).isSameAs(publisher.image());

        publisher.apply(List.of(broker(2)), 2);
        publisher.apply(List.of(new MetadataRecord.CreateTopic("t", Uuid.randomUuid())), 5);
        assertThat(seen).hasSize(3);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[0]).isSameAs(seen.get(i - 1)[1]);
            assertThat(seen.get(i)[1].offset()).isGreaterThan(seen.get(i)[0].offset());
        }
        assertThat(seen.get(2)[1].offset()).isEqualTo(5);
        assertThat(seen.get(2)[1].topics()).containsOnlyKeys("t");
    }

    @Test
    void advanceMovesTheOffsetWithoutTellingListeners() {
        publisher.apply(List.of(broker(1)), 1);
        List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
        publisher.addListener((previous, current) -> offsets.add(current.offset()));
        MetadataImage before = publisher.image();
        publisher.advance(4);
        assertThat(publisher.image().offset()).isEqualTo(4);
        assertThat(publisher.image().brokers()).isEqualTo(before.brokers());
        // Going back is ignored.
        publisher.advance(2);
        assertThat(publisher.image().offset()).isEqualTo(4);
        assertThat(offsets).containsExactly(1L);
        publisher.apply(List.of(broker(2)), 5);
        assertThat(offsets).containsExactly(1L, 5L);
    }

    @Test
    void aBadRecordIsSkippedAndTheRestOfTheBatchApplies() {
        publisher.apply(List.of(broker(1),
                new MetadataRecord.Partition(Uuid.randomUuid(), 0, List.of(1), List.of(1), 1, 0, 0),
                broker(2)), 3);
        assertThat(publisher.image().brokers()).containsOnlyKeys(1, 2);
        assertThat(publisher.image().offset()).isEqualTo(3);
    }

    @Test
    void aFailingListenerDoesNotStopOthersOrTheImage() {
        List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
        publisher.addListener((previous, current) -> {
            if (previous.offset() >= 0) {
                throw new IllegalStateException("boom");
            }
        });
        publisher.addListener((previous, current) -> offsets.add(current.offset()));
        publisher.apply(List.of(broker(1)), 1);
        assertThat(publisher.image().brokers()).containsOnlyKeys(1);
        assertThat(offsets).containsExactly(-1L, 1L);
    }

    @Test
    void resetReplacesTheImageAndTellsListeners() {
        publisher.apply(List.of(broker(1)), 1);
        List<MetadataImage> seen = Collections.synchronizedList(new ArrayList<>());
        publisher.addListener((previous, current) -> seen.add(current));
        MetadataImage snapshot = ImageSnapshot.fromRecords("c", List.of(broker(7)), 100);
        publisher.reset(snapshot);
        assertThat(publisher.image()).isSameAs(snapshot);
        assertThat(seen).last().isSameAs(snapshot);
    }

    @Test
    void awaitOffsetWakesUpOnApplyAndOnAdvanceAndTimesOut() throws Exception {
        assertThat(publisher.awaitOffset(-1, 0)).isTrue();
        assertThat(publisher.awaitOffset(1, 50)).isFalse();
        CompletableFuture<Boolean> applied = CompletableFuture.supplyAsync(() -> await(3));
        CompletableFuture<Boolean> advanced = CompletableFuture.supplyAsync(() -> await(7));
        Thread.sleep(50);
        publisher.apply(List.of(broker(1)), 3);
        assertThat(applied.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(advanced).isNotDone();
        publisher.advance(7);
        assertThat(advanced.get(5, TimeUnit.SECONDS)).isTrue();
    }

    private boolean await(long offset) {
        try {
            return publisher.awaitOffset(offset, 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
