package io.potok.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.it.PotokNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code potok} client commands run as real processes ({@code ./potok topic create ...})
 * against a real node: their output, exit codes, and one-line errors for bad arguments, broker
 * refusals and an unreachable broker.
 */
class PotokCliTest {

    @RegisterExtension
    static final PotokNode NODE = PotokNode.builder("PotokCliTest")
            .set("group.initial.rebalance.delay.ms", "0")
            .set("offsets.topic.num.partitions", "3")
            .build();

    private static PotokCli.Result potok(String... args) {
        return potokWithInput(null, args);
    }

    private static PotokCli.Result potokWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--bootstrap-server");
        all.add(NODE.bootstrap());
        return PotokCli.run(stdin, all.toArray(new String[0]));
    }

    private static void assertSucceeded(PotokCli.Result r) {
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    /** Failed with the exit code, one line on stderr that contains {@code text}, and no stack trace. */
    private static void assertOneLineError(PotokCli.Result r, int exitCode, String text) {
        assertThat(r.timedOut()).as(r.describe()).isFalse();
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(exitCode);
        assertThat(r.stderrLines()).as(r.describe()).hasSize(1);
        assertThat(r.stderr()).as(r.describe()).contains(text).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** The row of an aligned table whose first cells are {@code firstCells}, split into cells. */
    private static List<String> row(List<String> lines, String... firstCells) {
        for (String line : lines) {
            List<String> cells = Arrays.asList(line.strip().split("\\s+"));
            if (cells.size() >= firstCells.length
                    && cells.subList(0, firstCells.length).equals(Arrays.asList(firstCells))) {
                return cells;
            }
        }
        throw new AssertionError("no row starting with " + Arrays.toString(firstCells) + " in:\n"
                + String.join("\n", lines));
    }

    /** Every row of an aligned table whose first cells are {@code firstCells}, split into cells. */
    private static List<List<String>> rows(List<String> lines, String... firstCells) {
        List<List<String>> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = Arrays.asList(line.strip().split("\\s+"));
            if (cells.size() >= firstCells.length
                    && cells.subList(0, firstCells.length).equals(Arrays.asList(firstCells))) {
                out.add(cells);
            }
        }
        return out;
    }

    @Test
    void topicLifecycle() {
        PotokCli.Result created = potok("topic", "create", "cli-orders", "--partitions", "3",
                "--config", "retention.ms=3600000");
        assertSucceeded(created);
        assertThat(created.stdout()).isEqualTo("Created topic cli-orders.\n");

        assertOneLineError(potok("topic", "create", "cli-orders"), 1, "already exists");
        assertSucceeded(potok("topic", "create", "cli-orders", "--if-not-exists"));

        PotokCli.Result list = potok("topic", "list");
        assertSucceeded(list);
        assertThat(list.stdoutLines()).as(list.describe()).contains("cli-orders");

        PotokCli.Result described = potok("topic", "describe", "cli-orders");
        assertSucceeded(described);
        List<String> lines = described.stdoutLines();
        assertThat(lines.get(0)).as(described.describe()).startsWith("Topic: cli-orders  TopicId: ")
                .contains("PartitionCount: 3").contains("ReplicationFactor: 1").contains("retention.ms=3600000");
        assertThat(lines.get(1).strip()).as(described.describe()).matches("PARTITION\\s+LEADER\\s+REPLICAS\\s+ISR");
        for (int p = 0; p < 3; p++) {
            assertThat(row(lines, Integer.toString(p))).as(described.describe()).containsExactly(
                    Integer.toString(p), "1", "1", "1");
        }
        // Aligned columns: every header and row cell starts at the same position.
        int leaderColumn = lines.get(1).indexOf("LEADER");
        assertThat(lines.subList(2, 5)).allSatisfy(l -> assertThat(l.charAt(leaderColumn)).isEqualTo('1'));

        PotokCli.Result altered = potok("topic", "alter", "cli-orders", "--partitions", "5");
        assertSucceeded(altered);
        assertThat(potok("topic", "describe", "cli-orders").stdout()).contains("PartitionCount: 5");
        assertOneLineError(potok("topic", "alter", "cli-orders", "--partitions", "2"), 1, "5 partitions");

        PotokCli.Result deleted = potok("topic", "delete", "cli-orders");
        assertSucceeded(deleted);
        assertThat(deleted.stdout()).isEqualTo("Deleted topic cli-orders.\n");
        assertThat(potok("topic", "list").stdoutLines()).doesNotContain("cli-orders");
        assertOneLineError(potok("topic", "delete", "cli-orders"), 1, "topic cli-orders does not exist");
        assertSucceeded(potok("topic", "delete", "cli-orders", "--if-exists"));
    }

    @Test
    void produceThenConsumeWithKeys() {
        assertSucceeded(potok("topic", "create", "cli-lines", "--partitions", "2"));
        int n = 2_000;
        String input = IntStream.range(0, n).mapToObj(i -> "key-" + i + ":value-" + i)
                .collect(Collectors.joining("\n", "", "\n"));
        PotokCli.Result produced = potokWithInput(input, "produce", "cli-lines", "--key-separator", ":");
        assertSucceeded(produced);
        assertThat(produced.stdout()).as(produced.describe())
                .matches("(?s)Produced 2000 records \\(.+\\) to cli-lines in [0-9.]+ s \\([0-9]+ records/s, .+/s\\)\\n");

        PotokCli.Result consumed = potok("consume", "cli-lines", "--from-beginning", "--max", Integer.toString(n),
                "--print-key", "--key-separator", "=");
        assertSucceeded(consumed);
        List<String> lines = consumed.stdoutLines();
        assertThat(lines).as(consumed.describe()).hasSize(n);
        assertThat(lines).as(consumed.describe()).contains("key-0=value-0", "key-1999=value-1999");
        assertThat(lines).allSatisfy(l -> assertThat(l).matches("key-(\\d+)=value-\\1"));
        assertThat(consumed.stderr()).contains("Processed a total of 2000 messages");

        // Without --from-beginning a consumer starts at the end: nothing arrives before the idle timeout.
        PotokCli.Result fromEnd = potok("consume", "cli-lines", "--timeout-ms", "1500");
        assertSucceeded(fromEnd);
        assertThat(fromEnd.stdout()).isEmpty();
        assertThat(fromEnd.stderr()).contains("Processed a total of 0 messages");
    }

    @Test
    void produceShowsProgressWhileInputKeepsComing() {
        // Six chunks of 500 lines, 600 ms apart: the command runs for about 3 s after it connected.
        List<String> chunks = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int base = c * 500;
            chunks.add(IntStream.range(base, base + 500).mapToObj(i -> "line-" + i)
                    .collect(Collectors.joining("\n", "", "\n")));
        }
        List<String> args = List.of("produce", "cli-progress", "--bootstrap-server", NODE.bootstrap());
        PotokCli.Result r = PotokCli.run(chunks, Duration.ofMillis(600), Duration.ofSeconds(60),
                args.toArray(new String[0]));
        assertSucceeded(r);
        assertThat(r.stdout()).as(r.describe()).startsWith("Produced 3000 records");
        assertThat(r.stderrLines()).as(r.describe()).isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("potok: \\d+ records sent, \\d+ acknowledged \\(\\d+ records/s\\)"));
    }

    @Test
    void groupListDescribeAndReset() {
        assertSucceeded(potok("topic", "create", "cli-grouped", "--partitions", "2"));
        String input = IntStream.range(0, 10).mapToObj(i -> "m" + i).collect(Collectors.joining("\n", "", "\n"));
        assertSucceeded(potokWithInput(input, "produce", "cli-grouped"));

        PotokCli.Result consumed = potok("consume", "cli-grouped", "--group", "cli-group", "--from-beginning",
                "--max", "10");
        assertSucceeded(consumed);
        assertThat(consumed.stdoutLines()).as(consumed.describe()).hasSize(10);

        PotokCli.Result listed = potok("group", "list");
        assertSucceeded(listed);
        assertThat(listed.stdoutLines().get(0)).matches("GROUP\\s+TYPE\\s+PROTOCOL\\s+STATE");
        assertThat(row(listed.stdoutLines(), "cli-group")).as(listed.describe()).contains("Empty");

        PotokCli.Result described = potok("group", "describe", "cli-group");
        assertSucceeded(described);
        assertThat(described.stdout()).as(described.describe())
                .contains("Consumer group 'cli-group' has no active members.")
                .containsPattern("GROUP\\s+TOPIC\\s+PARTITION\\s+CURRENT-OFFSET\\s+LOG-END-OFFSET\\s+LAG\\s+CONSUMER-ID");
        // Records without keys stick to one partition per batch: check whichever partitions got them.
        List<List<String>> rows = rows(described.stdoutLines(), "cli-group", "cli-grouped");
        assertThat(rows).as(described.describe()).isNotEmpty();
        long committedTotal = 0;
        for (List<String> cells : rows) {
            assertThat(cells.get(3)).as("current offset equals log end offset\n" + described.describe())
                    .isEqualTo(cells.get(4));
            assertThat(cells.get(5)).as("lag").isEqualTo("0");
            committedTotal += Long.parseLong(cells.get(3));
        }
        assertThat(committedTotal).isEqualTo(10);

        // Without --execute the plan is shown and nothing changes.
        PotokCli.Result dryRun = potok("group", "reset", "cli-group", "--to-earliest");
        assertSucceeded(dryRun);
        assertThat(rows(dryRun.stdoutLines(), "cli-group", "cli-grouped")).as(dryRun.describe())
                .isNotEmpty().allSatisfy(cells -> assertThat(cells.get(3)).isEqualTo("0"));
        assertThat(dryRun.stderr()).contains("--execute");
        assertThat(rows(potok("group", "describe", "cli-group").stdoutLines(), "cli-group", "cli-grouped"))
                .allSatisfy(cells -> assertThat(cells.get(5)).isEqualTo("0"));

        PotokCli.Result reset = potok("group", "reset", "cli-group", "--topic", "cli-grouped", "--to-earliest",
                "--execute");
        assertSucceeded(reset);
        assertThat(rows(reset.stdoutLines(), "cli-group", "cli-grouped")).as(reset.describe()).hasSize(2);
        PotokCli.Result after = potok("group", "describe", "cli-group");
        long lagTotal = 0;
        for (List<String> cells : rows(after.stdoutLines(), "cli-group", "cli-grouped")) {
            assertThat(cells.get(3)).as(after.describe()).isEqualTo("0");
            lagTotal += Long.parseLong(cells.get(5));
        }
        assertThat(lagTotal).as(after.describe()).isEqualTo(10);

        // The group reads everything again from the reset offsets.
        PotokCli.Result again = potok("consume", "cli-grouped", "--group", "cli-group", "--max", "10");
        assertSucceeded(again);
        assertThat(again.stdoutLines()).as(again.describe()).hasSize(10);

        assertOneLineError(potok("group", "describe", "no-such-group"), 1, "no-such-group");
    }

    @Test
    void clusterStatus() {
        PotokCli.Result status = potok("cluster", "status");
        assertSucceeded(status);
        String out = status.stdout();
        assertThat(out).as(status.describe()).contains("Cluster id:  ").contains("Controller:  1\n")
                .contains("Brokers:     1\n").containsPattern("Partitions:  \\d+ \\(0 under-replicated, 0 offline\\)");
        List<String> broker = row(status.stdoutLines(), "1", "127.0.0.1");
        assertThat(broker).as(status.describe()).containsExactly("1", "127.0.0.1", Integer.toString(NODE.port()), "-",
                "broker,active-controller");
    }

    @Test
    void helpOnEveryCommand() {
        String[][] commands = {{}, {"topic"}, {"topic", "create"}, {"topic", "list"}, {"topic", "describe"},
            {"topic", "alter"}, {"topic", "delete"}, {"produce"}, {"consume"}, {"group"}, {"group", "list"},
            {"group", "describe"}, {"group", "reset"}, {"cluster"}, {"cluster", "status"}, {"start"}};
        for (String[] command : commands) {
            List<String> args = new ArrayList<>(Arrays.asList(command));
            args.add("--help");
            PotokCli.Result help = PotokCli.run(null, args.toArray(new String[0]));
            assertSucceeded(help);
            assertThat(help.stdout()).as(help.describe())
                    .startsWith("Usage: potok" + (command.length == 0 ? "" : " " + String.join(" ", command)));
            assertThat(help.stderr()).as(help.describe()).isEmpty();
        }
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        assertOneLineError(PotokCli.run(null, "topic", "create"), 2, "Missing required parameter: 'TOPIC'");
        assertOneLineError(PotokCli.run(null, "topic"), 2, "Missing subcommand");
        assertOneLineError(PotokCli.run(null, "topic", "create", "x", "--partitions", "many"), 2, "'many' is not an int");
        assertOneLineError(PotokCli.run(null, "topic", "list", "--no-such-option"), 2, "--no-such-option");
        assertOneLineError(PotokCli.run(null, "nonsense"), 2, "nonsense");
        assertOneLineError(PotokCli.run(null, "group", "reset", "g", "--to-earliest", "--to-latest"), 2,
                "mutually exclusive");
        assertOneLineError(PotokCli.run(null, "topic", "list", "--bootstrap-server", "no-port"), 2,
                "is not HOST:PORT");
        assertOneLineError(potok("topic", "create", "x", "--config", "no-equals-sign"), 2, "KEY=VALUE");
        assertOneLineError(potokWithInput("no separator here\n", "produce", "cli-sep", "--key-separator", ":"), 2,
                "line 1 has no key separator");
    }

    @Test
    void brokerRefusalsGiveOneLine() {
        assertOneLineError(potok("topic", "create", "cli-bad-config", "--config", "retention.ms=soon"), 1,
                "retention.ms");
        assertOneLineError(potok("consume", "cli-no-such-topic", "--max", "1"), 1,
                "topic cli-no-such-topic does not exist");
    }

    @Test
    void unreachableBrokerGivesOneLineQuickly() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String nobody = "127.0.0.1:" + port;
        for (String[] command : new String[][] {{"topic", "list"}, {"cluster", "status"}, {"group", "list"},
            {"consume", "t", "--max", "1"}}) {
            List<String> args = new ArrayList<>(Arrays.asList(command));
            args.add("--bootstrap-server");
            args.add(nobody);
            PotokCli.Result r = PotokCli.run(null, Duration.ofSeconds(30), args.toArray(new String[0]));
            assertOneLineError(r, 1, "cannot connect to " + nobody);
            assertThat(r.took()).as(r.describe()).isLessThan(Duration.ofSeconds(15));
        }
        PotokCli.Result produce = PotokCli.run("a\nb\n", Duration.ofSeconds(30), "produce", "t",
                "--bootstrap-server", nobody);
        assertOneLineError(produce, 1, "cannot connect to " + nobody);
    }
}
