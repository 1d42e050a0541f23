package io.potok.it.tools;

import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/** Sends every record to the partition named by {@value #PARTITION}, so that tools can fill one partition. */
public final class FixedPartitioner implements Partitioner {
    static final String PARTITION = "potok.fixed.partition";

    private int partition;

    @Override
    public void configure(Map<String, ?> configs) {
        partition = Integer.parseInt(String.valueOf(configs.get(PARTITION)));
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        return partition;
    }

    @Override
    public void close() {
    }
}
