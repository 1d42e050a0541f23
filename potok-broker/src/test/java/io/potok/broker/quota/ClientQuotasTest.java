package io.potok.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.quota.ClientQuotaEntity;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientQuotasTest {
    private static ClientQuotaEntity e(String resource) {
        return ClientQuotaEntity.fromResource(resource);
    }

    private static Map<ClientQuotaEntity, Map<String, Double>> quotas(Object... resourceAndRate) {
        Map<ClientQuotaEntity, Map<String, Double>> m = new HashMap<>();
        for (int i = 0; i < resourceAndRate.length; i += 2) {
            m.put(e((String) resourceAndRate[i]), Map.of("producer_byte_rate", (Double) resourceAndRate[i + 1]));
        }
        return m;
    }

    @Test
    void theMostSpecificEntryWinsInKip55Order() {
        Map<ClientQuotaEntity, Map<String, Double>> all = quotas(
                "client-id", 8.0, "client-id=app", 7.0, "user", 6.0, "client-id/user", 5.0,
                "client-id=app/user", 4.0, "user=ANONYMOUS", 3.0, "client-id/user=ANONYMOUS", 2.0,
                "client-id=app/user=ANONYMOUS", 1.0);
        String[] order = {"client-id=app/user=ANONYMOUS", "client-id/user=ANONYMOUS", "user=ANONYMOUS",
                "client-id=app/user", "client-id/user", "user", "client-id=app", "client-id"};
        for (int i = 0; i < order.length; i++) {
            ClientQuotas.Resolved r = ClientQuotas.resolve(all, ClientQuotas.Kind.PRODUCE, "ANONYMOUS", "app")
                    .orElseThrow();
            assertThat(r.bytesPerSecond()).as("with %s the most specific", order[i]).isEqualTo(i + 1);
            all.remove(e(order[i]));
        }
        assertThat(ClientQuotas.resolve(all, ClientQuotas.Kind.PRODUCE, "ANONYMOUS", "app")).isEmpty();
    }

    @Test
    void aDefaultClientIdQuotaIsCountedPerClientIdAndAUserQuotaPerUser() {
        assertThat(ClientQuotas.resolve(quotas("client-id", 8.0), ClientQuotas.Kind.PRODUCE, "ANONYMOUS", "a")
                .orElseThrow().entity()).isEqualTo(e("client-id=a"));
        assertThat(ClientQuotas.resolve(quotas("user", 8.0), ClientQuotas.Kind.PRODUCE, "ANONYMOUS", "a")
                .orElseThrow().entity()).isEqualTo(e("user=ANONYMOUS"));
        // A fetch is held to consumer_byte_rate, not producer_byte_rate.
        assertThat(ClientQuotas.resolve(quotas("client-id", 8.0), ClientQuotas.Kind.FETCH, "ANONYMOUS", "a"))
                .isEmpty();
    }

    @Test
    void clientsOverTheirRateAreToldToWaitAndOthersAreNot() {
        ClientQuotas q = new ClientQuotas(11, 1000);
        MetadataImage empty = MetadataImage.empty("c");
        assertThat(q.recordAndThrottleMs(ClientQuotas.Kind.PRODUCE, "app", 1 << 30, 0)).isZero();
        MetadataImage limited = new MetadataImage(1, "c", Map.of(), Map.of(), Map.of(), 0,
                quotas("client-id=app", 1000.0), Map.of());
        q.onImage(empty, limited);
        long now = 100_000;
        // 10 s of window at 1000 B/s allows 10,000 B; 20,000 B is twice the bound: wait about the window.
        assertThat(q.recordAndThrottleMs(ClientQuotas.Kind.PRODUCE, "app", 5_000, now)).isZero();
        long wait = q.recordAndThrottleMs(ClientQuotas.Kind.PRODUCE, "app", 15_000, now);
        assertThat(wait).isBetween(9_000L, 11_000L);
        assertThat(q.recordAndThrottleMs(ClientQuotas.Kind.PRODUCE, "other", 15_000, now)).isZero();
        assertThat(q.recordAndThrottleMs(ClientQuotas.Kind.FETCH, "app", 15_000, now)).isZero();
        // A raised quota applies to the window measured so far; removed, nobody waits.
        q.onImage(limited, new MetadataImage(2, "c", Map.of(), Map.of(), Map.of(), 0,
                quotas("client-id=app", 1_000_000.0), Map.of()));
        assertThat(q.recordAndThrottleMs(ClientQuotas.Kind.PRODUCE, "app", 1, now)).isZero();
        q.onImage(limited, empty);
        assertThat(q.recordAndThrottleMs(ClientQuotas.Kind.PRODUCE, "app", 15_000, now)).isZero();
    }

    @Test
    void aConsumerFetchIsCutToWhatOneWindowOfItsQuotaAllowsAndIdleRatesExpire() {
        ClientQuotas q = new ClientQuotas(11, 1000);
        assertThat(q.maxFetchBytes("app")).isEqualTo(Integer.MAX_VALUE);
        Map<ClientQuotaEntity, Map<String, Double>> consumer = Map.of(e("client-id=app"),
                Map.of("consumer_byte_rate", 1000.0));
        q.onImage(MetadataImage.empty("c"), new MetadataImage(1, "c", Map.of(), Map.of(), Map.of(), 0, consumer,
                Map.of()));
        assertThat(q.maxFetchBytes("app")).isEqualTo(11_000);
        assertThat(q.maxFetchBytes("other")).isEqualTo(Integer.MAX_VALUE);
        q.recordAndThrottleMs(ClientQuotas.Kind.FETCH, "app", 100, 1_000_000);
        assertThat(q.rateCount()).isEqualTo(1);
        // An hour later another client's request sweeps the idle rate away.
        q.onImage(null, new MetadataImage(2, "c", Map.of(), Map.of(), Map.of(), 0, Map.of(e("client-id"),
                Map.of("consumer_byte_rate", 1000.0)), Map.of()));
        q.recordAndThrottleMs(ClientQuotas.Kind.FETCH, "next", 100, 1_000_000 + 3_600_001 + 60_000);
        assertThat(q.rateCount()).isEqualTo(1);
    }
}
