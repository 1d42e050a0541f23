package io.potok.broker.quota;

import io.potok.metadata.controller.MetadataListener;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.quota.ClientQuotaEntity;
import io.potok.metadata.quota.ClientQuotaKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the byte-rate client quotas of the metadata image ({@code producer_byte_rate} on produce,
 * {@code consumer_byte_rate} on consumer fetches) the way Kafka does (KIP-13, KIP-55): the quota of a request is the
 * most specific entry for its user and client id, and the bytes are counted in one rate per quota entity, so that a
 * {@code user} quota is shared by all that user's clients while a default client-id quota gives each client id its
 * own. Without authentication every client is the user {@code ANONYMOUS}, as in Kafka.
 *
 * <p>A request over its quota is still served; its response carries the time the client must wait, and the
 * connection is not read from for that time (KIP-219), see {@code ConnectionHandler}.
 *
 * <p>Thread-safety: images arrive on the metadata thread, requests on any thread.
 */
public final class ClientQuotas implements MetadataListener {
    public static final String ANONYMOUS = "ANONYMOUS";
    private static final long IDLE_EXPIRY_MS = 3_600_000;
    private static final long EXPIRY_CHECK_MS = 60_000;

    /** The quota kinds enforced here. */
    public enum Kind {
        PRODUCE(ClientQuotaKeys.PRODUCER_BYTE_RATE), FETCH(ClientQuotaKeys.CONSUMER_BYTE_RATE);

        private final String key;

        Kind(String key) {
            this.key = key;
        }
    }

    private record Sensor(Kind kind, ClientQuotaEntity entity) {
    }

    /** A request's quota: its bound and the entity whose rate it is counted in. */
    record Resolved(long bytesPerSecond, ClientQuotaEntity entity) {
    }

    private final int samples;
    private final long sampleMs;
    private volatile Map<ClientQuotaEntity, Map<String, Double>> quotas = Map.of();
    private final Map<Sensor, RateQuota> rates = new ConcurrentHashMap<>();
    private volatile long lastExpiryMs;

    /** {@code quota.window.num} samples of {@code quota.window.size.seconds}. */
    public ClientQuotas(int samples, long sampleMs) {
        this.samples = samples;
        this.sampleMs = sampleMs;
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        quotas = current.clientQuotas();
    }

    /** Counts {@code bytes} of a request of {@code clientId}; returns how long the client must wait (0: none). */
    public long recordAndThrottleMs(Kind kind, String clientId, long bytes, long nowMs) {
        Map<ClientQuotaEntity, Map<String, Double>> current = quotas;
        if (current.isEmpty()) {
            return 0;
        }
        Optional<Resolved> resolved = resolve(current, kind, clientId);
        if (resolved.isEmpty()) {
            return 0;
        }
        expireIdle(nowMs);
        RateQuota rate = rates.computeIfAbsent(new Sensor(kind, resolved.get().entity()),
                s -> new RateQuota(samples, sampleMs));
        // Set on every request: a changed quota applies to the window measured so far, as in Kafka.
        rate.setBound(resolved.get().bytesPerSecond());
        return rate.recordAndThrottleMs(bytes, nowMs);
    }

    /**
     * The most a consumer fetch may return so as not to overshoot its quota by more than one window (Kafka's
     * {@code getMaxValueInQuotaWindow}); {@code Integer.MAX_VALUE} without a quota.
     */
    public int maxFetchBytes(String clientId) {
        Map<ClientQuotaEntity, Map<String, Double>> current = quotas;
        if (current.isEmpty()) {
            return Integer.MAX_VALUE;
        }
        return resolve(current, Kind.FETCH, clientId)
                .map(r -> (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, r.bytesPerSecond() * samples * sampleMs / 1000L)))
                .orElse(Integer.MAX_VALUE);
    }

    /** A request's quota: every client is the user {@code ANONYMOUS}; a missing client id is the empty one. */
    private static Optional<Resolved> resolve(Map<ClientQuotaEntity, Map<String, Double>> quotas, Kind kind,
                                              String clientId) {
        return resolve(quotas, kind, ANONYMOUS, clientId == null ? "" : clientId);
    }

    /** Rates unused for an hour go, as Kafka's quota sensors expire: client ids come and go. */
    private void expireIdle(long nowMs) {
        if (nowMs - lastExpiryMs < EXPIRY_CHECK_MS) {
            return;
        }
        lastExpiryMs = nowMs;
        rates.values().removeIf(r -> r.idleSince(nowMs, IDLE_EXPIRY_MS));
    }

    /** Rates kept (for tests). */
    int rateCount() {
        return rates.size();
    }

    /**
     * KIP-55's order, most specific first: user and client id, user and default client id, user alone, default user
     * and client id, default user and default client id, default user alone, client id alone, default client id.
     * The rate is counted per the matched entry with its defaults filled in by the request's names.
     */
    static Optional<Resolved> resolve(Map<ClientQuotaEntity, Map<String, Double>> quotas, Kind kind, String user,
                                      String clientId) {
        Optional<String> u = Optional.of(user);
        Optional<String> c = Optional.of(clientId);
        Optional<String> none = Optional.empty();
        List<Map<String, Optional<String>>> order = List.of(
                Map.of(ClientQuotaEntity.USER, u, ClientQuotaEntity.CLIENT_ID, c),
                Map.of(ClientQuotaEntity.USER, u, ClientQuotaEntity.CLIENT_ID, none),
                Map.of(ClientQuotaEntity.USER, u),
                Map.of(ClientQuotaEntity.USER, none, ClientQuotaEntity.CLIENT_ID, c),
                Map.of(ClientQuotaEntity.USER, none, ClientQuotaEntity.CLIENT_ID, none),
                Map.of(ClientQuotaEntity.USER, none),
                Map.of(ClientQuotaEntity.CLIENT_ID, c),
                Map.of(ClientQuotaEntity.CLIENT_ID, none));
        for (Map<String, Optional<String>> components : order) {
            Map<String, Double> values = quotas.get(new ClientQuotaEntity(components));
            Double bound = values == null ? null : values.get(kind.key);
            if (bound != null) {
                Map<String, Optional<String>> counted = new java.util.TreeMap<>();
                components.keySet().forEach(type -> counted.put(type,
                        type.equals(ClientQuotaEntity.USER) ? u : c));
                return Optional.of(new Resolved((long) Math.min(bound, Long.MAX_VALUE - 1),
                        new ClientQuotaEntity(counted)));
            }
        }
        return Optional.empty();
    }
}
