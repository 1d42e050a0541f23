package io.potok.server.node;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.ApiVersionsHandler;
import io.potok.broker.api.CreatePartitionsHandler;
import io.potok.broker.api.CreateTopicsHandler;
import io.potok.broker.api.DeleteRecordsHandler;
import io.potok.broker.api.DeleteTopicsHandler;
import io.potok.broker.api.DescribeClusterHandler;
import io.potok.broker.api.DescribeConfigsHandler;
import io.potok.broker.api.FetchHandler;
import io.potok.broker.api.FindCoordinatorHandler;
import io.potok.broker.api.InitProducerIdHandler;
import io.potok.broker.api.KafkaApis;
import io.potok.broker.api.ListOffsetsHandler;
import io.potok.broker.api.MetadataHandler;
import io.potok.broker.api.ProduceHandler;
import io.potok.broker.config.BrokerConfig;
import io.potok.broker.config.ConfigDescriber;
import io.potok.broker.delayed.DelayedOperationPurgatory;
import io.potok.broker.network.SocketServer;
import io.potok.broker.producer.ProducerIdAllocator;
import io.potok.broker.replica.PartitionLookup;
import io.potok.broker.replica.ReplicaManager;
import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.controller.ControllerConfig;
import io.potok.metadata.controller.MetadataController;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import io.potok.storage.LogManagerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Potok process: controller (a one-voter quorum today), storage, replica manager and the
 * client listener, wired together and started in dependency order; {@link #close()} stops them in
 * reverse order so that logs are flushed and marked clean.
 */
public final class PotokNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PotokNode.class);

    private final BrokerConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private InetSocketAddress boundAddress;

    public PotokNode(BrokerConfig config) {
        this.config = config;
    }

    public InetSocketAddress start() throws Exception {
        try {
            return doStart();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private InetSocketAddress doStart() throws Exception {
        List<Path> logDirs = config.logDirs();
        // The storage engine locks the log dirs; the metadata journal needs its own lock, taken first.
        toClose.add(DirectoryLock.acquire(config.metadataLogDir()));
        String clusterId = MetaProperties.ensure(logDirs, config.nodeId());

        MetadataController controller = new MetadataController(new ControllerConfig(config.nodeId(), clusterId,
                config.metadataLogDir(), config.advertisedListener().host(), config.advertisedListener().port(),
                config.rack(), config.numPartitions(), config.defaultReplicationFactor(), config.deleteTopicEnable()),
                this::validateTopicConfig);
        toClose.add(controller);
        controller.start();

        LogManager logManager = new LogManager(new LogManagerConfig(logDirs, config.numRecoveryThreadsPerDataDir(),
                config.longValue("log.retention.check.interval.ms"), config.longValue("log.flush.scheduler.interval.ms"),
                config.longValue("log.flush.offset.checkpoint.interval.ms"), config.booleanValue("log.cleaner.enable"),
                config.longValue("log.cleaner.backoff.ms")), Time.SYSTEM);
        ReplicaManager replicaManager = new ReplicaManager(config.nodeId(), config, logManager);
        logManager.startup(tp -> controller.image().topic(tp.topic()).map(replicaManager::logConfig)
                .orElseGet(() -> LogConfig.fromTopicConfigs(config.topicDefaults())));
        toClose.add(logManager);

        ExecutorService requestPool = requestPool();
        toClose.add(() -> {
            requestPool.shutdown();
            requestPool.awaitTermination(5, TimeUnit.SECONDS);
        });
        DelayedOperationPurgatory fetchPurgatory = new DelayedOperationPurgatory("fetch", requestPool);
        toClose.add(fetchPurgatory);
        replicaManager.addAppendListener(fetchPurgatory::checkAndComplete);
        controller.addListener(replicaManager);

        PartitionLookup lookup = new PartitionLookup(controller, replicaManager);
        ConfigDescriber describer = new ConfigDescriber(config);
        List<ApiHandler<?>> handlers = new ArrayList<>();
        handlers.add(new ApiVersionsHandler(() -> handlers));
        handlers.add(new MetadataHandler(controller, config));
        handlers.add(new ProduceHandler(lookup, replicaManager));
        handlers.add(new FetchHandler(lookup, fetchPurgatory, config.intValue("fetch.max.bytes")));
        handlers.add(new ListOffsetsHandler(lookup));
        handlers.add(new CreateTopicsHandler(controller, describer));
        handlers.add(new DeleteTopicsHandler(controller));
        handlers.add(new CreatePartitionsHandler(controller));
        handlers.add(new DeleteRecordsHandler(lookup));
        handlers.add(new InitProducerIdHandler(new ProducerIdAllocator(controller)));
        handlers.add(new DescribeClusterHandler(controller, config.nodeId()));
        handlers.add(new DescribeConfigsHandler(controller, describer, config.nodeId()));
        handlers.add(new FindCoordinatorHandler(config.nodeId(), config.advertisedListener()));
        KafkaApis apis = new KafkaApis(handlers);

        SocketServer server = new SocketServer(config.listener().host(), config.listener().port(),
                config.socketRequestMaxBytes(), config.numNetworkThreads(), apis, requestPool);
        boundAddress = server.start();
        toClose.add(server);
        return boundAddress;
    }

    private ExecutorService requestPool() {
        AtomicInteger ids = new AtomicInteger();
        return new ThreadPoolExecutor(config.numIoThreads(), config.numIoThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "potok-request-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** The storage engine checks the values it uses; its complaints become INVALID_CONFIG. */
    private void validateTopicConfig(String topic, Map<String, String> overrides) {
        Map<String, String> effective = new HashMap<>(config.topicDefaults());
        effective.putAll(overrides);
        try {
            LogConfig.fromTopicConfigs(effective);
        } catch (ConfigException e) {
            throw new InvalidConfigValueException(e.getMessage());
        }
    }

    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** Stops the listener first, then request handling, storage (clean shutdown) and the controller. */
    @Override
    public void close() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.error("Error during shutdown of {}", toClose.get(i), e);
            }
        }
        toClose.clear();
    }


}
