package io.potok.metadata.image;

import io.potok.metadata.quota.ClientQuotaEntity;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The whole cluster metadata at one offset of the metadata log. Immutable: every change produces a
 * new image, so readers never lock and always see a consistent view.
 *
 * @param offset          the last metadata record applied (-1 for the empty image)
 * @param brokers         registered brokers by id
 * @param topics          topics by name
 * @param configs         dynamic configs of non-topic resources (broker "" = cluster default, broker id as string)
 * @param nextProducerId  the first producer id not yet handed out
 * @param clientQuotas    client quotas (AlterClientQuotas) by entity: key to value, no empty entries
 * @param topicsById      the same topics by id; always derived from {@code topics} (whatever is passed is ignored),
 *                        because Produce and Fetch from v13 name topics by id on every request
 */
public record MetadataImage(long offset, String clusterId, Map<Integer, BrokerImage> brokers,
                            Map<String, TopicImage> topics, Map<String, Map<String, String>> configs,
                            long nextProducerId, Map<ClientQuotaEntity, Map<String, Double>> clientQuotas,
                            Map<Uuid, TopicImage> topicsById) {

    public static MetadataImage empty(String clusterId) {
        return new MetadataImage(-1, clusterId, Map.of(), Map.of(), Map.of(), 0);
    }

    /** An image without client quotas. */
    public MetadataImage(long offset, String clusterId, Map<Integer, BrokerImage> brokers,
                         Map<String, TopicImage> topics, Map<String, Map<String, String>> configs,
                         long nextProducerId) {
        this(offset, clusterId, brokers, topics, configs, nextProducerId, Map.of(), Map.of());
    }

    public MetadataImage {
        brokers = Map.copyOf(brokers);
        topics = Map.copyOf(topics);
        configs = Map.copyOf(configs);
        clientQuotas = Map.copyOf(clientQuotas);
        Map<Uuid, TopicImage> byId = new HashMap<>();
        for (TopicImage topic : topics.values()) {
            byId.put(topic.id(), topic);
        }
        topicsById = Map.copyOf(byId);
    }

    /** The same content at another offset. */
    public MetadataImage withOffset(long newOffset) {
        return new MetadataImage(newOffset, clusterId, brokers, topics, configs, nextProducerId, clientQuotas,
                topicsById);
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    /** Topics in name order, so responses are stable. */
    public Collection<TopicImage> sortedTopics() {
        return new TreeMap<>(topics).values();
    }

    public Map<String, String> brokerConfigs(String brokerResource) {
        return configs.getOrDefault(brokerResource, Map.of());
    }
}
