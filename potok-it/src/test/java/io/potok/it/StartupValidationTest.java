package io.potok.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configuration refuses to start, with one line naming the key, the value and what is allowed,
 * and a non-zero exit; unknown keys only warn.
 */
@Timeout(120)
class StartupValidationTest {
    @TempDir
    Path dataDir;

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result start(String... sets) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PotokNode.potokHome().resolve("potok").toString(), "start",
                "--set", "log.dirs=" + dataDir, "--set", "listeners=PLAINTEXT://127.0.0.1:0"));
        for (String set : sets) {
            command.add("--set");
            command.add(set);
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("POTOK_SKIP_BUILD", "1");
        pb.environment().put("POTOK_JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        Process process = pb.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("potok start with a bad config did not exit");
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void invalidValueNamesKeyValueAndWhatIsAllowed() throws Exception {
        Result r = start("num.partitions=zero");
        assertThat(r.exit()).isNotZero();
        assertThat(r.stdout()).doesNotContain("Potok ready");
        assertThat(r.stderr()).contains("num.partitions").contains("zero").contains("32-bit integer")
                .doesNotContain("\tat ");
    }

    @Test
    void outOfRangeValueIsRefused() throws Exception {
        Result r = start("message.max.bytes=-5");
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("message.max.bytes").contains("-5").contains("[0,...]");
    }

    @Test
    void malformedQuorumVotersAreRefused() throws Exception {
        Result r = start("controller.quorum.voters=1@localhost");
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("controller.quorum.voters").contains("1@localhost").contains("id@host:port")
                .doesNotContain("\tat ");
    }

    @Test
    void nodeMissingFromTheVotersIsRefused() throws Exception {
        Result r = start("node.id=7", "controller.quorum.voters=1@127.0.0.1:19999,2@127.0.0.1:19998");
        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr()).contains("controller.quorum.voters").contains("node.id=7").doesNotContain("\tat ");
        assertThat(Files.exists(dataDir.resolve("meta.properties"))).isFalse();
    }
}
