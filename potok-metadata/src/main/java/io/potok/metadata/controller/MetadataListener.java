package io.potok.metadata.controller;

import io.potok.metadata.image.MetadataImage;

/** Told of every new metadata image, in order, on the controller's thread; must not block for long. */
@FunctionalInterface
public interface MetadataListener {
    void onImage(MetadataImage previous, MetadataImage current);
}
