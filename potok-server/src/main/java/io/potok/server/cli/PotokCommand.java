package io.potok.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code potok} command: {@code potok start}, and the admin commands as they arrive. */
@Command(name = "potok", mixinStandardHelpOptions = true, version = "Potok 0.1.0",
        description = "A Kafka-compatible distributed commit log.",
        subcommands = {StartCommand.class})
public final class PotokCommand implements Runnable {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new PotokCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("potok: " + e.getMessage());
            return 1;
        });
        int exit = cli.execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
