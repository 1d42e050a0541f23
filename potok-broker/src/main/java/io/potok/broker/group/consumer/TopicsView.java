package io.potok.broker.group.consumer;

import java.util.Collection;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** The topics a consumer group can subscribe to, as of one metadata image. */
public interface TopicsView {
    /** A topic with its id and partition count. */
    record TopicInfo(String name, Uuid id, int partitions) {
    }

    Optional<TopicInfo> byName(String name);

    Optional<TopicInfo> byId(Uuid id);

    /** Every topic a regex subscription may match (internal topics excluded). */
    Collection<TopicInfo> all();
}
