package io.potok.server.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.potok.broker.api.RequestMetrics;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.replica.PartitionLookup;
import io.potok.broker.replica.ReplicaManager;
import io.potok.metadata.controller.MetadataController;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's Prometheus endpoint ({@code metrics.port}): request, topic, partition, group, controller
 * and JVM metrics in one Micrometer registry, served at {@code http://HOST:PORT/metrics} where HOST
 * is the client listener's host. With {@code metrics.port=0} (the default) nothing is measured or
 * served: use {@link #disabled()}.
 *
 * <p>Lifecycle: create with the broker's parts, pass {@link #requestMetrics()} to {@code KafkaApis},
 * then {@link #start()}; {@link #close()} stops the endpoint.
 */
public final class PotokMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PotokMetrics.class);

    private final String host;
    private final int port;
    private final PrometheusMeterRegistry registry;
    private final RequestMeters requests;
    private final BrokerGauges gauges;
    private final MetadataController controller;
    private final JvmGcMetrics gcMetrics;
    private MetricsHttpServer server;

    private PotokMetrics(String host, int port, MetadataController controller, ReplicaManager replicas,
                         GroupCoordinator groups, PartitionLookup lookup, int nodeId) {
        this.host = host;
        this.port = port;
        this.controller = controller;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.requests = new RequestMeters(registry, lookup);
        this.gauges = new BrokerGauges(registry, nodeId, controller, replicas, groups);
        this.gcMetrics = new JvmGcMetrics();
        for (MeterBinder binder : new MeterBinder[] {new JvmMemoryMetrics(), gcMetrics, new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics()}) {
            binder.bindTo(registry);
        }
    }

    private PotokMetrics() {
        this.host = null;
        this.port = 0;
        this.controller = null;
        this.registry = null;
        this.requests = null;
        this.gauges = null;
        this.gcMetrics = null;
    }

    /** Metrics that are neither measured nor served. */
    public static PotokMetrics disabled() {
        return new PotokMetrics();
    }

    /**
     * Metrics served on {@code host:port} once started.
     *
     * @param port a port above 0 (0 means disabled: use {@link #disabled()})
     */
    public static PotokMetrics create(String host, int port, int nodeId, MetadataController controller,
                                      ReplicaManager replicas, GroupCoordinator groups, PartitionLookup lookup) {
        if (port <= 0) {
            throw new IllegalArgumentException("metrics.port must be above 0 to serve metrics, got " + port);
        }
        return new PotokMetrics(host, port, controller, replicas, groups, lookup, nodeId);
    }

    public boolean enabled() {
        return registry != null;
    }

    /** What {@code KafkaApis} reports each request to. */
    public RequestMetrics requestMetrics() {
        return enabled() ? requests : RequestMetrics.NONE;
    }

    /** Starts the HTTP endpoint; fails with the address when the port is taken. */
    public void start() throws IOException {
        if (!enabled()) {
            return;
        }
        try {
            server = MetricsHttpServer.start(host, port, this::scrape);
        } catch (IOException e) {
            throw new IOException("Cannot serve metrics on " + host + ":" + port + " (metrics.port): " + e.getMessage(), e);
        }
        log.info("Serving Prometheus metrics on http://{}:{}{}", host, port, MetricsHttpServer.PATH);
    }

    /** The endpoint's bound address, once started. */
    public Optional<InetSocketAddress> address() {
        return Optional.ofNullable(server).map(MetricsHttpServer::address);
    }

    /** The whole registry in the Prometheus text format, with the per-partition and group rows refreshed. */
    public String scrape() {
        if (!enabled()) {
            return "";
        }
        gauges.refresh();
        requests.retainTopics(controller.image().topics().keySet());
        return registry.scrape();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
