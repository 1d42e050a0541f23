package io.potok.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void alignsColumnsTwoSpacesApartWithoutTrailingBlanks() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Table("GROUP", "TOPIC", "LAG").row("g", "orders", 12).row("a-longer-group", "t", null)
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "  ");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(String.join("\n",
                "  GROUP           TOPIC   LAG",
                "  g               orders  12",
                "  a-longer-group  t       -",
                ""));
    }
}
