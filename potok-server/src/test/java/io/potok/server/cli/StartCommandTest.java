package io.potok.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StartCommandTest {

    @Test
    void plainStartLineIsParsedWithoutPicocli() {
        StartCommand command = StartCommand.parsePlain(new String[] {"start", "--config", "server.properties",
            "--set", "listeners=PLAINTEXT://127.0.0.1:9192", "--set=log.dirs=/tmp/d", "--set", "x=-1"}).orElseThrow();

        assertThat(command.configFile).isEqualTo(Path.of("server.properties"));
        assertThat(command.overrides).containsExactly("listeners=PLAINTEXT://127.0.0.1:9192", "log.dirs=/tmp/d", "x=-1");
    }

    @Test
    void bareStartHasNoConfigAndNoOverrides() {
        StartCommand command = StartCommand.parsePlain(new String[] {"start"}).orElseThrow();

        assertThat(command.configFile).isNull();
        assertThat(command.overrides).isEmpty();
    }

    @Test
    void anythingElseIsLeftToPicocliForItsHelpAndErrors() {
        assertThat(StartCommand.parsePlain(new String[] {"start", "--help"})).isEmpty();
        assertThat(StartCommand.parsePlain(new String[] {"start", "-h"})).isEmpty();
        assertThat(StartCommand.parsePlain(new String[] {"start", "--set"})).isEmpty();
        assertThat(StartCommand.parsePlain(new String[] {"start", "--config", "a", "--config", "b"})).isEmpty();
        assertThat(StartCommand.parsePlain(new String[] {"start", "--bogus", "x"})).isEmpty();
        assertThat(StartCommand.parsePlain(new String[] {"start", "stray"})).isEmpty();
        assertThat(StartCommand.parsePlain(new String[] {"topic", "list"})).isEmpty();
    }
}
