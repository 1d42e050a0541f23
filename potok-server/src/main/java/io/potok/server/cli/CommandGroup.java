package io.potok.server.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A command that only groups subcommands ({@code potok topic}, {@code potok group}, ...). */
abstract class CommandGroup implements Runnable {

    abstract CommandSpec spec();

    /** Called without a subcommand: a usage error naming the subcommands. */
    @Override
    public void run() {
        throw new ParameterException(spec().commandLine(),
                "Missing subcommand: one of " + String.join(", ", spec().subcommands().keySet()));
    }
}
