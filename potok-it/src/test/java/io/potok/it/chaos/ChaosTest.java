package io.potok.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link ChaosHarness}: a short mixed run (kills and network cuts, under 3 minutes) in the
 * default suite, and the long runs (20 rounds of each fault) on request:
 * {@code mvn -B -pl potok-it test -Dtest=ChaosTest -DexcludedTestGroups=none -Dgroups=slow}.
 * {@code -Dpotok.chaos.seed=S} replays a run's choices; {@code -Dpotok.chaos.rate=R} sets records/s.
 */
class ChaosTest {

    @Test
    void shortMixedRun() {
        check(ChaosHarness.run(ChaosHarness.Settings.of("chaos-short", ChaosHarness.Fault.MIXED,
                Integer.getInteger("potok.chaos.rounds", 4))));
    }

    @Test
    @Tag("slow")
    void longKillRun() {
        check(ChaosHarness.run(ChaosHarness.Settings.of("chaos-kill", ChaosHarness.Fault.KILL,
                Integer.getInteger("potok.chaos.rounds", 20))));
    }

    @Test
    @Tag("slow")
    void longNetworkRun() {
        check(ChaosHarness.run(ChaosHarness.Settings.of("chaos-network", ChaosHarness.Fault.NETWORK,
                Integer.getInteger("potok.chaos.rounds", 20))));
    }

    private static void check(ChaosHarness.Result result) {
        assertThat(result.acked()).as("acknowledged records").isPositive();
        assertThat(result.records().problems()).as(result.details()).isEmpty();
        assertThat(result.records().lost()).as("lost").isZero();
        assertThat(result.records().duplicated()).as("duplicated").isZero();
        assertThat(result.replicas().problems()).as("replica logs: " + result.details()).isEmpty();
    }
}
