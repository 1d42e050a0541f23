package io.potok.it.compat;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Finds the non-Java clients on this machine ({@code .ci/install-client-tools} installs them) and
 * skips, or under CI fails, the tests of a missing one.
 *
 * <p>Outside CI a missing tool skips that tool's tests with a message saying how to install it. Under
 * CI ({@code CI=true}, as {@code .ci/run} runs) the install script has run, so a missing tool is an
 * install failure and fails the test: a green CI must not hide tests that silently did not run.
 */
final class Tools {

    static final String INSTALL_HINT = "run .ci/install-client-tools (Debian: kcat, python3-confluent-kafka; "
            + "npm: kafkajs into potok-it/target/compat-node)";

    /** Debian's python3, where the python3-confluent-kafka package installs the module. */
    static final Path DEBIAN_PYTHON = Paths.get("/usr/bin/python3");

    private Tools() {
    }

    static Path kcat() {
        Path kcat = ToolProcess.onPath("kcat");
        require(kcat != null, "kcat (librdkafka) is not on PATH");
        return kcat;
    }

    private static Boolean pythonPresent; // probed once per test JVM

    static synchronized Path python() {
        if (pythonPresent == null) {
            pythonPresent = Files.isExecutable(DEBIAN_PYTHON) && ToolProcess.run("python-probe",
                    List.of(DEBIAN_PYTHON.toString(), "-c", "import confluent_kafka"), Map.of(), "",
                    Duration.ofSeconds(20)).exitCode() == 0;
        }
        require(pythonPresent, DEBIAN_PYTHON + " cannot import confluent_kafka");
        return DEBIAN_PYTHON;
    }

    static Path node() {
        Path node = ToolProcess.onPath("node");
        require(node != null, "node is not on PATH");
        require(Files.isRegularFile(kafkaJsModules().resolve("kafkajs").resolve("package.json")),
                "KafkaJS is not installed in " + kafkaJsModules());
        return node;
    }

    /** The node_modules folder holding kafkajs ({@code -Dpotok.compat.nodeModules} overrides). */
    static Path kafkaJsModules() {
        String override = System.getProperty("potok.compat.nodeModules");
        return override != null ? Paths.get(override)
                : ToolProcess.potokHome().resolve("potok-it/target/compat-node/node_modules");
    }

    /** A script of src/test/resources/compat, run from the source tree. */
    static Path script(String name) {
        Path p = ToolProcess.potokHome().resolve("potok-it/src/test/resources/compat").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing test script " + p);
        }
        return p;
    }

    private static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(what + " although CI should have installed it: " + INSTALL_HINT);
        }
        assumeTrue(false, what + ": skipping; to run these tests " + INSTALL_HINT);
    }

    /**
     * Skips group tests until the broker serves consumer groups (JoinGroup in its ApiVersions); they
     * run by themselves once groups land.
     */
    static void assumeGroups(int port) {
        assumeTrue(RawWire.advertises(port, ApiKeys.JOIN_GROUP),
                "Potok does not advertise JoinGroup (API key 11) in ApiVersions yet: consumer-group test skipped "
                        + "until the group coordinator lands");
    }
}
