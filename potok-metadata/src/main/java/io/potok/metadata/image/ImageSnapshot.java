package io.potok.metadata.image;

import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An image written as the shortest list of records that rebuilds it. Snapshots of the metadata log
 * and catch-up of brokers that fell too far behind both use this form.
 */
public final class ImageSnapshot {
    private ImageSnapshot() {
    }

    public static List<MetadataRecord> toRecords(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerImage b : image.brokers().values()) {
            records.add(new MetadataRecord.RegisterBroker(b.id(), b.host(), b.port(), b.rack()));
            if (b.fenced()) {
                records.add(new MetadataRecord.FenceBroker(b.id()));
            }
        }
        for (TopicImage t : image.topics().values()) {
            records.add(new MetadataRecord.CreateTopic(t.name(), t.id()));
            t.configs().forEach((k, v) -> records.add(
                    new MetadataRecord.Config(ResourceKind.TOPIC, t.name(), k, Optional.of(v))));
            for (PartitionImage p : t.partitions()) {
                records.add(new MetadataRecord.Partition(t.id(), p.partition(), p.replicas(), p.isr(), p.leader(),
                        p.leaderEpoch(), p.partitionEpoch(), p.addingReplicas(), p.removingReplicas()));
            }
        }
        image.configs().forEach((resource, values) -> values.forEach((k, v) -> records.add(
                new MetadataRecord.Config(ResourceKind.BROKER, resource, k, Optional.of(v)))));
        image.clientQuotas().forEach((entity, values) -> values.forEach((k, v) -> records.add(
                new MetadataRecord.Config(ResourceKind.CLIENT_QUOTA, entity.toResource(), k,
                        Optional.of(Double.toString(v))))));
        records.add(new MetadataRecord.ProducerIds(image.nextProducerId()));
        return records;
    }

    public static MetadataImage fromRecords(String clusterId, List<MetadataRecord> records, long offset) {
        MetadataImageBuilder builder = new MetadataImageBuilder(MetadataImage.empty(clusterId));
        records.forEach(builder::apply);
        return builder.build(offset);
    }
}
