package io.potok.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code potok} command: {@code potok start} runs a node; the other commands are clients of a
 * running node ({@code topic}, {@code produce}, {@code consume}, {@code group}, {@code cluster}).
 *
 * <p>Client commands print one line on stderr and exit non-zero when something fails: 1 when the
 * broker refused or could not be reached, 2 for bad arguments. They never show a stack trace, and
 * kafka-clients' logging is kept to errors (set {@code POTOK_LOG_LEVEL} to see more).
 */
@Command(name = "potok", mixinStandardHelpOptions = true, version = "Potok 0.1.0",
        description = "A Kafka-compatible distributed commit log.",
        subcommands = {StartCommand.class, TopicCommand.class, ProduceCommand.class, ConsumeCommand.class,
                GroupCommand.class, ClusterCommand.class})
public final class PotokCommand implements Runnable {

    public static void main(String[] args) {
        boolean start = args.length > 0 && args[0].equals("start");
        if (!start) {
            quietLogging();
        } else {
            warmUpInBackground();
            java.util.Optional<StartCommand> plain = StartCommand.parsePlain(args);
            if (plain.isPresent()) {
                runStart(plain.get());
                return;
            }
        }
        CommandLine cli = start ? startOnly() : new CommandLine(new PotokCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliFailure failure) {
                commandLine.getErr().println("potok: " + failure.getMessage());
                return failure.exitCode();
            }
            if (e instanceof ParameterException p) {
                return usageError(p);
            }
            commandLine.getErr().println("potok: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        cli.setParameterExceptionHandler((e, arguments) -> usageError(e));
        int exit = cli.execute(args);
        if (exit != 0 || !start) {
            // Client commands exit here even if a client library left a non-daemon thread behind.
            System.out.flush();
            System.exit(exit);
        }
    }

    /** Runs a start command parsed without picocli, with the same exit codes and one-line errors. */
    private static void runStart(StartCommand command) {
        int exit;
        try {
            exit = command.call();
        } catch (Exception e) {
            System.err.println("potok: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            exit = 1;
        }
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * {@code potok start} with a command tree that holds only {@code start}. picocli builds the model of every
     * subcommand it is given by reflection, and the client commands' models pull in kafka-clients' Admin, Producer
     * and Consumer classes: about a third of the time from JVM launch to serving. The tree is otherwise the same
     * ({@code potok start --help}, error messages and exit codes do not change).
     */
    private static CommandLine startOnly() {
        CommandSpec root = CommandSpec.create().name("potok").mixinStandardHelpOptions(true).version("Potok 0.1.0");
        CommandLine cli = new CommandLine(root);
        cli.addSubcommand("start", new StartCommand());
        return cli;
    }

    /**
     * Start-up time: on a spare core, initialise what the start path needs later and would otherwise do on its own
     * critical path (Ratis' JMX and log-stream set-up, Netty's native epoll library), while this thread parses
     * arguments and configuration.
     */
    private static void warmUpInBackground() {
        Thread warmUp = new Thread(() -> {
            io.potok.metadata.quorum.RatisQuorum.warmUp();
            io.netty.channel.epoll.Epoll.isAvailable();
        }, "potok-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** A bad argument: one line naming the command and pointing at its help. */
    private static int usageError(ParameterException e) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        String message = e.getMessage() == null ? "bad arguments" : e.getMessage().strip().replace('\n', ' ');
        err.println(name + ": " + message + " (see '" + name + " --help')");
        err.flush();
        return CliFailure.USAGE;
    }

    /**
     * Client commands log warnings and errors only, and kafka-clients errors only (its warnings about
     * unreachable nodes would repeat what the command reports in one line). slf4j-simple reads these
     * properties when the first logger is created, so this runs before any class that logs is loaded.
     */
    private static void quietLogging() {
        String level = System.getenv("POTOK_LOG_LEVEL");
        if (level == null || level.isBlank()) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        } else {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
