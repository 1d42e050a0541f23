package io.potok.metadata.controller;

import io.potok.metadata.image.TopicImage;
import java.util.Optional;
import org.apache.kafka.common.requests.ApiError;

/** Outcome of one topic in a CreateTopics/DeleteTopics/CreatePartitions command. */
public record TopicResult(String name, ApiError error, Optional<TopicImage> topic) {
    public static TopicResult failed(String name, ApiError error) {
        return new TopicResult(name, error, Optional.empty());
    }
}
