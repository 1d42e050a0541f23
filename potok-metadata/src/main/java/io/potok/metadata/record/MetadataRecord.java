package io.potok.metadata.record;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * The records of the metadata log. Each one is a small, self-contained change; the image is the
 * fold of all records in log order.
 */
public sealed interface MetadataRecord {

    /** A broker (re)registered; a registration always starts unfenced (the broker is alive right now). */
    record RegisterBroker(int id, String host, int port, Optional<String> rack) implements MetadataRecord { }

    /** The broker missed heartbeats (or shut down): clients stop seeing it, it leads nothing. */
    record FenceBroker(int id) implements MetadataRecord { }

    /** A fenced broker is alive again. */
    record UnfenceBroker(int id) implements MetadataRecord { }

    record CreateTopic(String name, Uuid id) implements MetadataRecord { }

    record Partition(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                     int leaderEpoch, int partitionEpoch, List<Integer> addingReplicas,
                     List<Integer> removingReplicas) implements MetadataRecord {
        public Partition {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            addingReplicas = List.copyOf(addingReplicas);
            removingReplicas = List.copyOf(removingReplicas);
        }

        /** A partition that is not being reassigned. */
        public Partition(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                         int leaderEpoch, int partitionEpoch) {
            this(topicId, partition, replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
        }
    }

    /** Sets ({@code value} present) or removes (empty) one dynamic config key. */
    record Config(ResourceKind kind, String resource, String key, Optional<String> value) implements MetadataRecord { }

    record RemoveTopic(Uuid id) implements MetadataRecord { }

    /** Producer ids below {@code nextProducerId} have been handed out. */
    record ProducerIds(long nextProducerId) implements MetadataRecord { }

    /** CLIENT_QUOTA: the resource is a {@code ClientQuotaEntity} resource string, the value a double. */
    enum ResourceKind { TOPIC, BROKER, CLIENT_QUOTA }
}
