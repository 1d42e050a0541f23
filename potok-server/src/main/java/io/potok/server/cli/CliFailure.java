package io.potok.server.cli;

/**
 * A command that cannot do what was asked, with the one line to print (after {@code potok: }) and
 * the exit code. Thrown by commands; {@link PotokCommand} prints it without a stack trace.
 */
final class CliFailure extends RuntimeException {
    /** The broker refused, the operation failed or the broker could not be reached. */
    static final int FAILED = 1;
    /** The arguments do not make sense (picocli uses the same code for syntax errors). */
    static final int USAGE = 2;

    private final int exitCode;

    CliFailure(String message) {
        this(message, FAILED);
    }

    CliFailure(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
