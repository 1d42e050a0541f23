package io.potok.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.replica.Partition;
import io.potok.broker.replica.ReplicaManager;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges over the broker's state, read when Prometheus scrapes: per hosted partition its log size,
 * segment count and offsets; under-replicated and offline partitions; ISR shrinks and expands;
 * whether this node is the active controller; and the lag of each consumer group this node
 * coordinates on each partition this node leads.
 *
 * <p>Per-partition and per-group rows change as partitions and groups come and go, so they are
 * {@link MultiGauge}s rebuilt by {@link #refresh()} right before each scrape.
 *
 * <p>Thread-safety: {@link #refresh()} is called by one thread at a time (the HTTP server's).
 */
final class BrokerGauges {
    private static final Logger log = LoggerFactory.getLogger(BrokerGauges.class);
    /** How long a scrape waits for the group coordinator's shards; on timeout the last values stay. */
    private static final long GROUP_OFFSETS_TIMEOUT_MS = 2_000;

    private final ReplicaManager replicas;
    private final GroupCoordinator groups;
    private final MultiGauge logSize;
    private final MultiGauge logSegments;
    private final MultiGauge logEndOffset;
    private final MultiGauge highWatermark;
    private final MultiGauge groupLag;

    BrokerGauges(MeterRegistry registry, int nodeId, MetadataController controller, ReplicaManager replicas,
                 GroupCoordinator groups) {
        this.replicas = replicas;
        this.groups = groups;
        Gauge.builder("potok.partitions", replicas, r -> r.partitions().size())
                .description("Partitions hosted by this node (leader or follower)").register(registry);
        Gauge.builder("potok.leader.partitions", replicas, r -> r.partitions().stream().filter(Partition::isLeader).count())
                .description("Partitions this node leads").register(registry);
        Gauge.builder("potok.under.replicated.partitions", replicas, BrokerGauges::underReplicated)
                .description("Partitions this node leads whose ISR is smaller than their replica set").register(registry);
        Gauge.builder("potok.offline.partitions", controller, BrokerGauges::offline)
                .description("Partitions without a leader, in this node's metadata image").register(registry);
        Gauge.builder("potok.active.controller", controller, c -> c.activeControllerId() == nodeId ? 1 : 0)
                .description("1 if this node is the active controller, else 0").register(registry);
        FunctionCounter.builder("potok.isr.shrinks", replicas, ReplicaManager::isrShrinks)
                .description("ISR shrinks of partitions this node leads").register(registry);
        FunctionCounter.builder("potok.isr.expands", replicas, ReplicaManager::isrExpands)
                .description("ISR expands of partitions this node leads").register(registry);
        logSize = MultiGauge.builder("potok.partition.log.size").baseUnit("bytes")
                .description("Size of the partition's log segments").register(registry);
        logSegments = MultiGauge.builder("potok.partition.log.segments")
                .description("Number of segments of the partition's log").register(registry);
        logEndOffset = MultiGauge.builder("potok.partition.log.end.offset")
                .description("The offset the next appended record gets").register(registry);
        highWatermark = MultiGauge.builder("potok.partition.high.watermark")
                .description("The end of the committed (replicated) records").register(registry);
        groupLag = MultiGauge.builder("potok.group.lag")
                .description("High watermark minus the group's committed offset, for partitions this node leads")
                .register(registry);
    }

    private static double underReplicated(ReplicaManager replicas) {
        return replicas.partitions().stream()
                .filter(p -> p.isLeader() && p.isr().size() < p.state().replicas().size()).count();
    }

    private static double offline(MetadataController controller) {
        long n = 0;
        for (TopicImage topic : controller.image().topics().values()) {
            for (PartitionImage p : topic.partitions()) {
                if (p.leader() < 0) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Rebuilds the per-partition and per-group rows from the current state. */
    void refresh() {
        List<MultiGauge.Row<?>> size = new ArrayList<>();
        List<MultiGauge.Row<?>> segments = new ArrayList<>();
        List<MultiGauge.Row<?>> leo = new ArrayList<>();
        List<MultiGauge.Row<?>> hw = new ArrayList<>();
        for (Partition p : replicas.partitions()) {
            Tags tags = tags(p.topicPartition());
            size.add(MultiGauge.Row.of(tags, p.log().sizeInBytes()));
            segments.add(MultiGauge.Row.of(tags, p.log().numberOfSegments()));
            leo.add(MultiGauge.Row.of(tags, p.logEndOffset()));
            hw.add(MultiGauge.Row.of(tags, p.highWatermark()));
        }
        logSize.register(size, true);
        logSegments.register(segments, true);
        logEndOffset.register(leo, true);
        highWatermark.register(hw, true);
        refreshGroupLag();
    }

    private void refreshGroupLag() {
        Map<String, Map<TopicPartition, Long>> committed;
        try {
            committed = groups.committedOffsets().get(GROUP_OFFSETS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Group offsets not read for metrics: {}", e.toString());
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        committed.forEach((group, offsets) -> offsets.forEach((tp, offset) ->
                replicas.partition(tp).filter(Partition::isLeader).ifPresent(p -> rows.add(MultiGauge.Row.of(
                        tags(tp).and("group", group), Math.max(0, p.highWatermark() - offset))))));
        groupLag.register(rows, true);
    }

    private static Tags tags(TopicPartition tp) {
        return Tags.of("topic", tp.topic(), "partition", Integer.toString(tp.partition()));
    }
}
