package io.potok.broker.producer;

import io.potok.metadata.controller.MetadataController;

/**
 * Hands out producer ids from blocks the controller reserved in the metadata log, so that ids are
 * never reused, even across restarts. Thread-safe.
 */
public final class ProducerIdAllocator {
    private final MetadataController controller;
    private long next; // guarded by this
    private long blockEnd; // guarded by this

    public ProducerIdAllocator(MetadataController controller) {
        this.controller = controller;
    }

    public synchronized long nextProducerId() {
        if (next >= blockEnd) {
            long[] block = controller.allocateProducerIds().join();
            next = block[0];
            blockEnd = block[0] + block[1];
        }
        return next++;
    }

}
