package io.potok.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateQuotaTest {
    private final RateQuota quota = new RateQuota(11, 1000);

    @Test
    void unboundedUntilABoundIsSet() {
        quota.record(Long.MAX_VALUE / 2, 1_000);
        assertThat(quota.isExceeded(1_000)).isFalse();
    }

    @Test
    void aFirstBurstIsSpreadOverAllButOneSampleOfTheWindow() {
        quota.setBound(1_000);
        quota.record(9_000, 0);
        assertThat(quota.rate(0)).isCloseTo(900.0, within(0.1));
        assertThat(quota.isExceeded(0)).isFalse();
        quota.record(2_000, 500);
        assertThat(quota.isExceeded(500)).as("11,000 bytes over 10 s").isTrue();
    }

    @Test
    void theRateFollowsTheSlidingWindow() {
        quota.setBound(1_000);
        for (long t = 0; t < 20_000; t += 1_000) {
            quota.record(1_500, t);
        }
        assertThat(quota.rate(19_999)).isCloseTo(1_500, within(150.0));
        assertThat(quota.isExceeded(19_999)).isTrue();
        // Nothing more is sent: once the window has moved past the bursts, the rate falls under the bound.
        assertThat(quota.isExceeded(21_000)).as("9 samples of 1,500 over 10 s").isTrue();
        assertThat(quota.isExceeded(25_000)).as("5 samples of 1,500 over 10 s").isFalse();
        assertThat(quota.rate(40_000)).isZero();
    }

    @Test
    void theBoundCanChangeAtAnyTime() {
        quota.setBound(100);
        quota.record(5_000, 0);
        assertThat(quota.isExceeded(0)).isTrue();
        quota.setBound(Long.MAX_VALUE);
        assertThat(quota.isExceeded(0)).isFalse();
    }

    @Test
    void theThrottleTimeIsTheExcessShareOfTheWindowUncapped() {
        RateQuota q = new RateQuota(11, 1000);
        q.setBound(1000);
        long now = 50_000;
        assertThat(q.recordAndThrottleMs(10_000, now)).isZero(); // 10 s at the bound
        // Ten times the bound over the 10 s counted: 9 times the window's excess, not cut at one window.
        assertThat(q.recordAndThrottleMs(90_000, now)).isEqualTo(90_000);
        RateQuota one = new RateQuota(1, 1000);
        one.setBound(1000);
        // One sample (quota.window.num=1): the rate is over the time the sample has run, as Kafka's.
        assertThat(one.recordAndThrottleMs(500, 10_500)).isZero();
        assertThat(one.recordAndThrottleMs(1_500, 10_500)).isPositive();
        assertThat(one.idleSince(10_500, 3_600_000)).isFalse();
        assertThat(one.idleSince(10_000 + 3_600_001, 3_600_000)).isTrue();
    }
}
