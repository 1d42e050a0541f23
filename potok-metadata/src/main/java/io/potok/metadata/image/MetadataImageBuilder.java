package io.potok.metadata.image;

import io.potok.metadata.quota.ClientQuotaEntity;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecord.Config;
import io.potok.metadata.record.MetadataRecord.CreateTopic;
import io.potok.metadata.record.MetadataRecord.Partition;
import io.potok.metadata.record.MetadataRecord.ProducerIds;
import io.potok.metadata.record.MetadataRecord.RegisterBroker;
import io.potok.metadata.record.MetadataRecord.RemoveTopic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/** Folds metadata records into a new {@link MetadataImage}. Not thread-safe; one per apply step. */
public final class MetadataImageBuilder {
    private final String clusterId;
    private final Map<Integer, BrokerImage> brokers;
    private final Map<String, TopicImage> topics;
    private final Map<String, Map<String, String>> configs;
    private final Map<ClientQuotaEntity, Map<String, Double>> clientQuotas;
    private long nextProducerId;

    public MetadataImageBuilder(MetadataImage base) {
        this.clusterId = base.clusterId();
        this.brokers = new HashMap<>(base.brokers());
        this.topics = new HashMap<>(base.topics());
        this.configs = new HashMap<>(base.configs());
        this.clientQuotas = new HashMap<>(base.clientQuotas());
        this.nextProducerId = base.nextProducerId();
    }

    public MetadataImageBuilder apply(MetadataRecord record) {
        if (record instanceof RegisterBroker r) {
            brokers.put(r.id(), new BrokerImage(r.id(), r.host(), r.port(), r.rack(), false));
        } else if (record instanceof CreateTopic r) {
            topics.put(r.name(), new TopicImage(r.name(), r.id(), List.of(), Map.of()));
        } else if (record instanceof Partition r) {
            applyPartition(r);
        } else if (record instanceof Config r) {
            applyConfig(r);
        } else if (record instanceof RemoveTopic r) {
            topics.values().removeIf(t -> t.id().equals(r.id()));
        } else if (record instanceof ProducerIds r) {
            nextProducerId = Math.max(nextProducerId, r.nextProducerId());
        } else if (record instanceof MetadataRecord.FenceBroker r) {
            setFenced(r.id(), true);
        } else if (record instanceof MetadataRecord.UnfenceBroker r) {
            setFenced(r.id(), false);
        }
        return this;
    }

    public MetadataImage build(long offset) {
        return new MetadataImage(offset, clusterId, brokers, topics, configs, nextProducerId, clientQuotas, Map.of());
    }

    private void setFenced(int id, boolean fenced) {
        BrokerImage broker = brokers.get(id);
        if (broker != null) {
            brokers.put(id, new BrokerImage(id, broker.host(), broker.port(), broker.rack(), fenced));
        }
    }

    private void applyPartition(Partition r) {
        TopicImage topic = topicById(r.topicId());
        List<PartitionImage> partitions = new ArrayList<>(topic.partitions());
        PartitionImage image = new PartitionImage(r.partition(), r.replicas(), r.isr(), r.leader(), r.leaderEpoch(),
                r.partitionEpoch(), r.addingReplicas(), r.removingReplicas());
        if (r.partition() < partitions.size()) {
            partitions.set(r.partition(), image);
        } else if (r.partition() == partitions.size()) {
            partitions.add(image);
        } else {
            throw new IllegalStateException("Partition " + r.partition() + " of " + topic.name()
                    + " applied before partition " + partitions.size());
        }
        topics.put(topic.name(), new TopicImage(topic.name(), topic.id(), partitions, topic.configs()));
    }

    private void applyConfig(Config r) {
        switch (r.kind()) {
            case TOPIC -> {
                TopicImage topic = topics.get(r.resource());
                if (topic == null) {
                    throw new IllegalStateException("Config for unknown topic " + r.resource());
                }
                Map<String, String> updated = new HashMap<>(topic.configs());
                r.value().ifPresentOrElse(v -> updated.put(r.key(), v), () -> updated.remove(r.key()));
                topics.put(topic.name(), new TopicImage(topic.name(), topic.id(), topic.partitions(), updated));
            }
            case CLIENT_QUOTA -> {
                ClientQuotaEntity entity = ClientQuotaEntity.fromResource(r.resource());
                Map<String, Double> updated = new HashMap<>(clientQuotas.getOrDefault(entity, Map.of()));
                r.value().ifPresentOrElse(v -> updated.put(r.key(), Double.parseDouble(v)),
                        () -> updated.remove(r.key()));
                if (updated.isEmpty()) {
                    clientQuotas.remove(entity);
                } else {
                    clientQuotas.put(entity, Map.copyOf(updated));
                }
            }
            case BROKER -> {
                Map<String, String> updated = new HashMap<>(configs.getOrDefault(r.resource(), Map.of()));
                r.value().ifPresentOrElse(v -> updated.put(r.key(), v), () -> updated.remove(r.key()));
                // No empty entries: an image rebuilt from a snapshot must equal the one built from the log.
                if (updated.isEmpty()) {
                    configs.remove(r.resource());
                } else {
                    configs.put(r.resource(), Map.copyOf(updated));
                }
            }
        }
    }

    private TopicImage topicById(Uuid id) {
        return topics.values().stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("Partition record for unknown topic id " + id));
    }
}
