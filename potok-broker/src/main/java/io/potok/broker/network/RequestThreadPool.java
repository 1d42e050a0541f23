package io.potok.broker.network;

import io.potok.metadata.controller.MetadataListener;
import io.potok.metadata.image.MetadataImage;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run request handlers ({@code num.io.threads}, Kafka's "I/O threads"). The size is a dynamic broker
 * config in Kafka: when the metadata brings a new effective value (kafka-configs --alter --entity-type brokers), the
 * pool grows or shrinks to it; threads beyond the new size finish their current request first.
 */
public final class RequestThreadPool implements MetadataListener {
    public static final String SIZE_CONFIG = "num.io.threads";
    private static final Logger log = LoggerFactory.getLogger(RequestThreadPool.class);

    private final ThreadPoolExecutor executor;
    private final Supplier<Optional<String>> configuredSize;

    /**
     * @param initialSize    the size at start (the static config)
     * @param configuredSize this broker's effective {@value #SIZE_CONFIG} from the metadata, read on each new image
     */
    public RequestThreadPool(int initialSize, Supplier<Optional<String>> configuredSize) {
        AtomicInteger ids = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(initialSize, initialSize, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "potok-request-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.configuredSize = configuredSize;
    }

    public ExecutorService executor() {
        return executor;
    }

    public int size() {
        return executor.getCorePoolSize();
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        Optional<String> value = configuredSize.get();
        if (value.isEmpty()) {
            return;
        }
        int wanted;
        try {
            wanted = Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            return; // validated when it was set; a value from a newer version is not ours to apply
        }
        resize(wanted);
    }

    synchronized void resize(int wanted) {
        int now = executor.getCorePoolSize();
        if (wanted < 1 || wanted == now) {
            return;
        }
        // The core size may never exceed the maximum: grow the maximum first, shrink it last.
        if (wanted > now) {
            executor.setMaximumPoolSize(wanted);
            executor.setCorePoolSize(wanted);
        } else {
            executor.setCorePoolSize(wanted);
            executor.setMaximumPoolSize(wanted);
        }
        log.info("{} changed from {} to {}", SIZE_CONFIG, now, wanted);
    }
}
