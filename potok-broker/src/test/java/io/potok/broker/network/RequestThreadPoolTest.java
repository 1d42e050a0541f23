package io.potok.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.MetadataImage;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestThreadPoolTest {
    private final AtomicReference<Optional<String>> configured = new AtomicReference<>(Optional.empty());
    private final RequestThreadPool pool = new RequestThreadPool(2, configured::get);
    private final MetadataImage image = MetadataImage.empty("c");

    @AfterEach
    void shutDown() {
        pool.executor().shutdownNow();
    }

    @Test
    void aNewEffectiveValueResizesThePoolBothWays() throws Exception {
        configured.set(Optional.of("5"));
        pool.onImage(image, image);
        assertThat(pool.size()).isEqualTo(5);
        assertThat(runsConcurrently(5)).as("five requests at once").isTrue();

        configured.set(Optional.of("1"));
        pool.onImage(image, image);
        assertThat(pool.size()).isEqualTo(1);
        assertThat(pool.executor().submit(() -> "still serving").get(5, TimeUnit.SECONDS)).isEqualTo("still serving");
    }

    @Test
    void noValueOrAnUnusableOneLeavesTheSizeAlone() {
        pool.onImage(image, image);
        configured.set(Optional.of("0"));
        pool.onImage(image, image);
        configured.set(Optional.of("many"));
        pool.onImage(image, image);
        assertThat(pool.size()).isEqualTo(2);
    }

    /** True if {@code n} tasks can all be running at the same time. */
    private boolean runsConcurrently(int n) throws InterruptedException {
        CountDownLatch allStarted = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            pool.executor().execute(() -> {
                allStarted.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        boolean ok = allStarted.await(10, TimeUnit.SECONDS);
        release.countDown();
        return ok;
    }
}
