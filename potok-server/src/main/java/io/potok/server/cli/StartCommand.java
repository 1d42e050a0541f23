package io.potok.server.cli;

import io.potok.broker.config.BrokerConfig;
import io.potok.server.config.ServerProperties;
import io.potok.server.node.PotokNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code potok start}: runs one node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Run a Potok node in the foreground (broker and controller in one process).")
public final class StartCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "A Kafka-style server.properties file.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        BrokerConfig config;
        try {
            config = BrokerConfig.parse(ServerProperties.load(configFile, overrides));
        } catch (IllegalArgumentException e) {
            System.err.println("potok: refusing to start: " + e.getMessage());
            return 2;
        }
        for (String key : config.unknownKeys()) {
            log.warn("The configuration '{}' was supplied but isn't a known config.", key);
        }
        PotokNode node = new PotokNode(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("Shutting down");
            node.close();
            log.info("Shut down cleanly");
            stopped.countDown();
        }, "potok-shutdown");
        InetSocketAddress bound;
        try {
            bound = node.start();
        } catch (IllegalStateException e) {
            System.err.println("potok: cannot start: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        String host = config.advertisedListener().host();
        System.out.println("Potok ready on " + host + ":" + bound.getPort());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
