package io.potok.server.node;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.AlterConfigsHandler;
import io.potok.broker.api.DescribeLogDirsHandler;
import io.potok.broker.api.DescribeProducersHandler;
import io.potok.broker.api.DescribeTopicPartitionsHandler;
import io.potok.broker.api.DescribeQuorumHandler;
import io.potok.broker.quota.AlterClientQuotasHandler;
import io.potok.broker.quota.ClientQuotas;
import io.potok.broker.quota.DescribeClientQuotasHandler;
import io.potok.broker.api.ElectLeadersHandler;
import io.potok.broker.api.IncrementalAlterConfigsHandler;
import io.potok.broker.api.ApiVersionsHandler;
import io.potok.broker.api.CreatePartitionsHandler;
import io.potok.broker.api.CreateTopicsHandler;
import io.potok.broker.api.DeleteRecordsHandler;
import io.potok.broker.api.DeleteTopicsHandler;
import io.potok.broker.api.DescribeClusterHandler;
import io.potok.broker.api.DescribeConfigsHandler;
import io.potok.broker.api.NoAuthorizerAclsHandler;
import io.potok.broker.api.FetchHandler;
import io.potok.broker.fetchsession.FetchSessionCache;
import io.potok.broker.replica.throttle.ReplicationThrottles;
import io.potok.broker.api.InitProducerIdHandler;
import io.potok.broker.api.KafkaApis;
import io.potok.broker.api.ListOffsetsHandler;
import io.potok.broker.api.MetadataHandler;
import io.potok.broker.api.OffsetsForLeaderEpochHandler;
import io.potok.broker.api.AlterPartitionReassignmentsHandler;
import io.potok.broker.api.ListPartitionReassignmentsHandler;
import io.potok.broker.api.ProduceHandler;
import io.potok.broker.config.BrokerConfig;
import io.potok.broker.config.ConfigDescriber;
import io.potok.broker.config.Endpoint;
import io.potok.metadata.quorum.Voter;
import java.util.Optional;
import io.potok.broker.delayed.DelayedOperationPurgatory;
import io.potok.broker.group.GroupConfig;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.group.OffsetsTopic;
import io.potok.broker.group.api.GroupApis;
import io.potok.broker.network.RequestThreadPool;
import io.potok.broker.network.SocketServer;
import io.potok.broker.producer.ProducerIdAllocator;
import io.potok.broker.replica.PartitionLookup;
import io.potok.broker.replica.ReplicaManager;
import io.potok.broker.replica.ReplicaSelector;
import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.controller.ControllerConfig;
import io.potok.metadata.controller.MetadataController;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import io.potok.storage.LogManagerConfig;
import io.potok.server.metrics.PotokMetrics;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Potok process: controller (a one-voter quorum by default), storage, replica manager and the
 * client listener, wired together and started in dependency order; {@link #close()} stops them in
 * reverse order so that logs are flushed and marked clean. With {@code process.roles=controller}
 * only the controller runs; with {@code process.roles=broker} the controller part is a follower of
 * the metadata log (see {@link MetadataController}).
 */
public final class PotokNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PotokNode.class);
    private static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 5_000;

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
        // process.roles: BrokerConfig has checked the KRaft rules (a node with one role has voters, ...).
        List<Voter> configuredVoters = config.quorumVoters();
        List<Voter> voters = configuredVoters.isEmpty() ? List.of(singleVoter()) : configuredVoters;
        // Nodes of a new cluster agree on its id without talking: it is derived from the voter list.
        String clusterId = MetaProperties.ensure(logDirs, config.nodeId(),
                configuredVoters.isEmpty() ? null : MetaProperties.clusterIdFor(configuredVoters.toString()));

        MetadataController controller = new MetadataController(new ControllerConfig(config.nodeId(), clusterId,
                config.metadataLogDir(), config.advertisedListener().host(), config.advertisedListener().port(),
                config.rack(), config.numPartitions(), config.defaultReplicationFactor(), config.deleteTopicEnable(),
                voters, new ControllerConfig.Timings(config.longValue("controller.quorum.election.timeout.ms"),
                        config.longValue("broker.heartbeat.interval.ms"), config.longValue("broker.session.timeout.ms"),
                        config.booleanValue("auto.leader.rebalance.enable"),
                        config.longValue("leader.imbalance.check.interval.seconds") * 1000,
                        config.intValue("leader.imbalance.per.broker.percentage"),
                        config.booleanValue("unclean.leader.election.enable")), quorumListener(configuredVoters),
                config.processRoles()), this::validateTopicConfig);
        toClose.add(controller);
        controller.start();
        if (!config.isBroker()) {
            // Controller only: a quorum voter, the active controller while it leads. No logs, no
            // client listener; "ready" names the controller listener, where the voter serves.
            boundAddress = controllerAddress(voters);
            return boundAddress;
        }

        LogManager logManager = new LogManager(new LogManagerConfig(logDirs, config.numRecoveryThreadsPerDataDir(),
                config.longValue("log.retention.check.interval.ms"), config.longValue("log.flush.scheduler.interval.ms"),
                config.longValue("log.flush.offset.checkpoint.interval.ms"), config.booleanValue("log.cleaner.enable"),
                config.longValue("log.cleaner.backoff.ms")), Time.SYSTEM);
        ReplicaManager replicaManager = new ReplicaManager(config.nodeId(), config, logManager);
        logManager.startup(tp -> controller.image().topic(tp.topic()).map(replicaManager::logConfig)
                .orElseGet(() -> LogConfig.fromTopicConfigs(config.topicDefaults())));
        toClose.add(logManager);

        ConfigDescriber describer = new ConfigDescriber(config, controller::image);
        RequestThreadPool requestThreads = new RequestThreadPool(config.numIoThreads(),
                () -> describer.brokerValue(RequestThreadPool.SIZE_CONFIG));
        controller.addListener(requestThreads);
        ExecutorService requestPool = requestThreads.executor();
        toClose.add(() -> {
            requestPool.shutdown();
            requestPool.awaitTermination(5, TimeUnit.SECONDS);
        });
        DelayedOperationPurgatory fetchPurgatory = new DelayedOperationPurgatory("fetch", requestPool);
        toClose.add(fetchPurgatory);
        DelayedOperationPurgatory producePurgatory = new DelayedOperationPurgatory("produce", requestPool);
        toClose.add(producePurgatory);
        replicaManager.addAppendListener(fetchPurgatory::checkAndComplete);
        replicaManager.addAppendListener(producePurgatory::checkAndComplete);
        ReplicationThrottles throttles = new ReplicationThrottles(config.nodeId(),
                config.intValue("replication.quota.window.num"),
                config.intValue("replication.quota.window.size.seconds") * 1000L, describer::brokerValue);
        controller.addListener(throttles);
        replicaManager.start(controller, throttles);
        toClose.add(replicaManager);
        controller.addListener(replicaManager);
        GroupConfig groupConfig = GroupConfig.from(config);
        GroupCoordinator groupCoordinator = GroupCoordinator.create(config.nodeId(), groupConfig, replicaManager,
                Time.SYSTEM);
        toClose.add(groupCoordinator);
        controller.addListener(groupCoordinator);

        PartitionLookup lookup = new PartitionLookup(controller, replicaManager);
        List<ApiHandler<?>> handlers = new ArrayList<>();
        handlers.add(new ApiVersionsHandler(() -> handlers));
        handlers.add(new MetadataHandler(controller, config));
        ClientQuotas clientQuotas = new ClientQuotas(config.intValue("quota.window.num"),
                config.intValue("quota.window.size.seconds") * 1000L);
        controller.addListener(clientQuotas);
        handlers.add(new ProduceHandler(lookup, replicaManager, producePurgatory, clientQuotas));
        handlers.add(new OffsetsForLeaderEpochHandler(lookup));
        handlers.add(new AlterPartitionReassignmentsHandler(controller));
        handlers.add(new ListPartitionReassignmentsHandler(controller));
        handlers.add(new FetchHandler(lookup, fetchPurgatory, config.intValue("fetch.max.bytes"),
                ReplicaSelector.forClassName(config.string("replica.selector.class")),
                new FetchSessionCache(config.intValue(FetchSessionCache.MAX_SLOTS_CONFIG), System::currentTimeMillis),
                throttles, clientQuotas));
        handlers.add(new ListOffsetsHandler(lookup));
        handlers.addAll(NoAuthorizerAclsHandler.all());
        handlers.add(new CreateTopicsHandler(controller, describer));
        handlers.add(new DeleteTopicsHandler(controller));
        handlers.add(new CreatePartitionsHandler(controller));
        handlers.add(new DeleteRecordsHandler(lookup));
        handlers.add(new InitProducerIdHandler(new ProducerIdAllocator(controller)));
        handlers.add(new DescribeClusterHandler(controller));
        handlers.add(new DescribeConfigsHandler(controller, describer, config.nodeId()));
        handlers.add(new AlterConfigsHandler(controller, describer, config.nodeId()));
        handlers.add(new IncrementalAlterConfigsHandler(controller, describer, config.nodeId()));
        handlers.add(new DescribeLogDirsHandler(logManager::logDirs));
        handlers.add(new DescribeProducersHandler(lookup));
        handlers.add(new ElectLeadersHandler(controller));
        handlers.add(new DescribeQuorumHandler(controller, voters, config.controllerListenerName()));
        handlers.add(new AlterClientQuotasHandler(controller));
        handlers.add(new DescribeClientQuotasHandler(controller));
        handlers.add(new DescribeTopicPartitionsHandler(controller));
        handlers.addAll(GroupApis.handlers(groupCoordinator, new OffsetsTopic(controller, groupConfig)));
        int metricsPort = config.intValue("metrics.port");
        PotokMetrics metrics = metricsPort > 0 ? PotokMetrics.create(config.listener().host(), metricsPort,
                config.nodeId(), controller, replicaManager, groupCoordinator, lookup) : PotokMetrics.disabled();
        toClose.add(metrics);
        metrics.start();
        KafkaApis apis = new KafkaApis(handlers, metrics.requestMetrics());

        SocketServer server = new SocketServer(config.listener().host(), config.listener().port(),
                config.socketRequestMaxBytes(), config.numNetworkThreads(), config.socketOptions(), apis, requestPool);
        boundAddress = server.start();
        toClose.add(server);
        // Closed first: leadership moves to other replicas before anything here stops.
        toClose.add(() -> controller.controlledShutdown(CONTROLLED_SHUTDOWN_TIMEOUT_MS));
        return boundAddress;
    }

    /** Where a controller-only node's quorum member listens: its CONTROLLER listener, else its voter address. */
    private InetSocketAddress controllerAddress(List<Voter> voters) {
        Voter self = voters.stream().filter(v -> v.id() == config.nodeId()).findFirst().orElseThrow();
        return quorumListener(voters).orElseGet(() -> InetSocketAddress.createUnresolved(self.host(), self.port()));
    }

    /** The one voter of a single node: the CONTROLLER listener if configured, else a free loopback port. */
    private Voter singleVoter() {
        Optional<Endpoint> listener = config.controllerListener();
        String host = listener.map(Endpoint::host).filter(h -> !h.isEmpty()).orElse("127.0.0.1");
        int port = listener.map(Endpoint::port).filter(p -> p > 0).orElseGet(ControllerConfig::freeLoopbackPort);
        return new Voter(config.nodeId(), host, port);
    }

    /**
     * With configured voters, the quorum member binds to the CONTROLLER listener when one is given:
     * as in Kafka, {@code controller.quorum.voters} is where peers connect, which may be a proxy or
     * NAT address in front of the listener.
     */
    private Optional<InetSocketAddress> quorumListener(List<Voter> configuredVoters) {
        if (configuredVoters.isEmpty()) {
            return Optional.empty(); // singleVoter() already uses the listener
        }
        return config.controllerListener().filter(e -> e.port() > 0).map(e -> InetSocketAddress.createUnresolved(
                e.host().isEmpty() ? "0.0.0.0" : e.host(), e.port()));
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
