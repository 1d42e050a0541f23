package io.potok.metadata.controller;

import java.util.Map;

/**
 * Extra validation of topic configs by the layers that use them (the storage engine knows rules the
 * key catalogue does not). Throws {@link io.potok.metadata.config.InvalidConfigValueException}.
 */
@FunctionalInterface
public interface TopicConfigValidator {
    void validate(String topic, Map<String, String> effectiveOverrides);
}
