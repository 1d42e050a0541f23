package io.potok.metadata.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** A snapshot (an image written as records) rebuilds exactly the image it was taken from. */
class ImageSnapshotTest {

    private static MetadataImage fold(MetadataImage base, List<MetadataRecord> records, long offset) {
        MetadataImageBuilder builder = new MetadataImageBuilder(base);
        records.forEach(builder::apply);
        return builder.build(offset);
    }

    @Test
    void emptyImageRoundTrips() {
        MetadataImage empty = MetadataImage.empty("c");
        assertThat(ImageSnapshot.fromRecords("c", ImageSnapshot.toRecords(empty), -1)).isEqualTo(empty);
    }

    @Test
    void everyKindOfStateRoundTrips() throws IOException {
        Uuid orders = Uuid.randomUuid();
        Uuid gone = Uuid.randomUuid();
        MetadataImage image = fold(MetadataImage.empty("c"), List.of(
                new MetadataRecord.RegisterBroker(1, "h1", 9001, Optional.of("r1")),
                new MetadataRecord.RegisterBroker(2, "h2", 9002, Optional.empty()),
                new MetadataRecord.RegisterBroker(3, "h3", 9003, Optional.of("r2")),
                new MetadataRecord.FenceBroker(2),
                new MetadataRecord.FenceBroker(3),
                new MetadataRecord.UnfenceBroker(3),
                new MetadataRecord.CreateTopic("orders", orders),
                new MetadataRecord.Config(ResourceKind.TOPIC, "orders", "retention.ms", Optional.of("1000")),
                new MetadataRecord.Partition(orders, 0, List.of(1, 2, 3), List.of(1, 3), 1, 3, 7),
                new MetadataRecord.Partition(orders, 1, List.of(2, 3, 1), List.of(2), -1, 5, 9),
                new MetadataRecord.CreateTopic("gone", gone),
                new MetadataRecord.Partition(gone, 0, List.of(1), List.of(1), 1, 0, 0),
                new MetadataRecord.RemoveTopic(gone),
                new MetadataRecord.CreateTopic("empty", Uuid.randomUuid()),
                new MetadataRecord.Config(ResourceKind.BROKER, "", "log.retention.ms", Optional.of("10")),
                new MetadataRecord.Config(ResourceKind.BROKER, "2", "num.io.threads", Optional.of("4")),
                new MetadataRecord.Config(ResourceKind.BROKER, "2", "num.io.threads", Optional.empty()),
                new MetadataRecord.ProducerIds(5000)), 42);
        assertThat(image.brokers().get(2).fenced()).isTrue();
        assertThat(image.brokers().get(3).fenced()).isFalse();

        List<MetadataRecord> snapshot = ImageSnapshot.toRecords(image);
        // Through the bytes, as a snapshot file holds them.
        List<MetadataRecord> read = MetadataRecordSerde.deserialize(MetadataRecordSerde.serialize(snapshot));
        assertThat(ImageSnapshot.fromRecords("c", read, 42)).isEqualTo(image);
        // Shorter than the history: the removed topic is not in it.
        assertThat(snapshot).noneMatch(r -> r instanceof MetadataRecord.RemoveTopic);
    }

    @Test
    void randomHistoriesRoundTrip() {
        Random random = new Random(7);
        for (int run = 0; run < 50; run++) {
            List<MetadataRecord> history = new ArrayList<>();
            List<Uuid> topics = new ArrayList<>();
            List<Integer> partitionCounts = new ArrayList<>();
            for (int step = 0; step < 40; step++) {
                int broker = random.nextInt(5);
                switch (random.nextInt(7)) {
                    case 0 -> history.add(new MetadataRecord.RegisterBroker(broker, "h" + broker, 9000 + random.nextInt(3),
                            random.nextBoolean() ? Optional.of("r" + random.nextInt(2)) : Optional.empty()));
                    case 1 -> history.add(new MetadataRecord.FenceBroker(broker));
                    case 2 -> history.add(new MetadataRecord.UnfenceBroker(broker));
                    case 3 -> {
                        Uuid id = Uuid.randomUuid();
                        history.add(new MetadataRecord.CreateTopic("t" + topics.size(), id));
                        topics.add(id);
                        partitionCounts.add(0);
                    }
                    case 4 -> {
                        if (!topics.isEmpty()) {
                            int t = random.nextInt(topics.size());
                            int p = random.nextInt(partitionCounts.get(t) + 1);
                            partitionCounts.set(t, Math.max(partitionCounts.get(t), p + 1));
                            history.add(new MetadataRecord.Partition(topics.get(t), p, List.of(broker, broker + 1),
                                    List.of(broker), random.nextBoolean() ? broker : -1, random.nextInt(9),
                                    random.nextInt(9)));
                        }
                    }
                    case 5 -> history.add(new MetadataRecord.Config(ResourceKind.BROKER,
                            random.nextBoolean() ? "" : Integer.toString(broker), "k" + random.nextInt(3),
                            random.nextBoolean() ? Optional.of("v" + step) : Optional.empty()));
                    default -> history.add(new MetadataRecord.ProducerIds(random.nextInt(10_000)));
                }
            }
            MetadataImage image = fold(MetadataImage.empty("c"), history, history.size());
            assertThat(ImageSnapshot.fromRecords("c", ImageSnapshot.toRecords(image), history.size()))
                    .as("run %d", run).isEqualTo(image);
        }
    }

    @Test
    void fenceAndUnfenceOfUnknownBrokersAreIgnored() {
        MetadataImage image = fold(MetadataImage.empty("c"), List.of(new MetadataRecord.FenceBroker(9),
                new MetadataRecord.UnfenceBroker(8)), 1);
        assertThat(image.brokers()).isEmpty();
    }

    @Test
    void reRegistrationUnfencesAndUpdatesTheEndpoint() {
        MetadataImage image = fold(MetadataImage.empty("c"), List.of(
                new MetadataRecord.RegisterBroker(1, "h", 1, Optional.empty()),
                new MetadataRecord.FenceBroker(1),
                new MetadataRecord.RegisterBroker(1, "h", 2, Optional.of("r"))), 3);
        assertThat(image.brokers().get(1)).isEqualTo(new BrokerImage(1, "h", 2, Optional.of("r"), false));
    }
}
