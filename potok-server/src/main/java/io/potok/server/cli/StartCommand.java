package io.potok.server.cli;

import io.potok.broker.config.BrokerConfig;
import io.potok.server.config.ServerProperties;
import io.potok.server.node.PotokNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /**
     * The usual {@code start --config FILE --set K=V ...} line parsed without picocli, which would spend about a tenth
     * of a second building its command model by reflection on the start-up path. Empty for anything else ({@code
     * --help}, a repeated {@code --config}, an unknown option, a missing value): picocli then parses it and gives its
     * usual help and errors.
     */
    static Optional<StartCommand> parsePlain(String[] args) {
        if (args.length == 0 || !args[0].equals("start")) {
            return Optional.empty();
        }
        StartCommand command = new StartCommand();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String option = arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value;
            if (!option.equals(arg)) {
                value = arg.substring(option.length() + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return Optional.empty();
            }
            if (option.equals("--config") && command.configFile == null) {
                command.configFile = Path.of(value);
            } else if (option.equals("--set")) {
                command.overrides.add(value);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(command);
    }

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
