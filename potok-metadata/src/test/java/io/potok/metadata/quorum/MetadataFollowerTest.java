package io.potok.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.ImageSnapshot;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.quorum.MetadataFetch.Batch;
import io.potok.metadata.quorum.MetadataFetch.Response;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A broker-only node applying fetch answers: the same images, at the same offsets, as the voter. */
class MetadataFollowerTest {
    private static MetadataRecord broker(int id) {
        return new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9000 + id, Optional.empty());
    }

    private static Batch batch(long offset, MetadataRecord... records) {
        return new Batch(offset, MetadataRecordSerde.serialize(List.of(records)));
    }

    @Test
    void batchesAreAppliedInOrderAndTheImageEndsAtTheAnswersLastOffset() {
        MetadataPublisher follower = new MetadataPublisher("c");
        List<Long> published = new ArrayList<>();
        follower.addListener((previous, next) -> published.add(next.offset()));
        CompletableFuture<Void> registered = follower.whenApplied(4);

        MetadataFollower.apply(follower, new Response(1, false, 5, List.of(batch(2, broker(1)), batch(4, broker(2)))));
        assertThat(follower.image().offset()).isEqualTo(5);
        assertThat(follower.image().brokers()).containsOnlyKeys(1, 2);
        assertThat(published).containsExactly(-1L, 2L, 4L);
        // A command answered with offset 4 by the controller completes here too.
        assertThat(registered).isDone();

        // Batches already applied (an answer that raced a snapshot) are skipped.
        MetadataFollower.apply(follower, new Response(1, false, 6, List.of(batch(4, broker(9)), batch(6, broker(3)))));
        assertThat(follower.image().brokers()).containsOnlyKeys(1, 2, 3);
        assertThat(follower.image().offset()).isEqualTo(6);
    }

    @Test
    void aSnapshotReplacesTheImageAndEmptyAnswersChangeNothing() {
        MetadataPublisher voter = new MetadataPublisher("c");
        voter.apply(List.of(broker(1), broker(2)), 3);
        voter.apply(List.of(new MetadataRecord.FenceBroker(2)), 8);
        MetadataImage image = voter.image();

        MetadataPublisher follower = new MetadataPublisher("c");
        follower.apply(List.of(broker(5)), 1);
        MetadataFollower.apply(follower, new Response(1, true, 8, List.of(new Batch(8,
                MetadataRecordSerde.serialize(ImageSnapshot.toRecords(image))))));
        assertThat(follower.image()).isEqualTo(image);

        MetadataFollower.apply(follower, new Response(1, false, 8, List.of()));
        assertThat(follower.image()).isEqualTo(image);
        // An older snapshot never takes the image back.
        MetadataFollower.apply(follower, new Response(1, true, 2, List.of(new Batch(2,
                MetadataRecordSerde.serialize(List.of(broker(7)))))));
        assertThat(follower.image()).isEqualTo(image);
    }
}
