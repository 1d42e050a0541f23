package io.potok.broker.group;

import io.potok.broker.group.consumer.TopicsView;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;

/** {@link TopicsView} of one immutable metadata image, indexed by name and id. Immutable. */
public final class ImageTopicsView implements TopicsView {
    private final Map<String, TopicInfo> byName = new HashMap<>();
    private final Map<Uuid, TopicInfo> byId = new HashMap<>();
    private final List<TopicInfo> visible = new ArrayList<>();

    public ImageTopicsView(MetadataImage image) {
        for (TopicImage t : image.sortedTopics()) {
            TopicInfo info = new TopicInfo(t.name(), t.id(), t.partitions().size());
            byName.put(t.name(), info);
            byId.put(t.id(), info);
            if (!Topic.isInternal(t.name())) {
                visible.add(info);
            }
        }
    }

    @Override
    public Optional<TopicInfo> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Optional<TopicInfo> byId(Uuid id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Collection<TopicInfo> all() {
        return Collections.unmodifiableList(visible);
    }
}
