package io.potok.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.config.InvalidConfigValueException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @Test
    void parsesOneListener() {
        assertThat(Endpoint.parseList("listeners", "PLAINTEXT://127.0.0.1:9092"))
                .containsExactly(new Endpoint("PLAINTEXT", "127.0.0.1", 9092));
    }

    @Test
    void parsesSeveralListenersWithSpacesAndEmptyHost() {
        assertThat(Endpoint.parseList("listeners", " PLAINTEXT://broker-1.example.com:9092 , CONTROLLER://:9093 ,"))
                .containsExactly(new Endpoint("PLAINTEXT", "broker-1.example.com", 9092),
                        new Endpoint("CONTROLLER", "", 9093));
    }

    @Test
    void parsesIpv6Hosts() {
        assertThat(Endpoint.parseList("listeners", "PLAINTEXT://[::1]:9092,EXTERNAL://[fe80::1%eth0]:0"))
                .containsExactly(new Endpoint("PLAINTEXT", "::1", 9092), new Endpoint("EXTERNAL", "fe80::1%eth0", 0));
    }

    @Test
    void portBoundsAreInclusive() {
        assertThat(Endpoint.parseList("listeners", "A://h:0,B://h:65535"))
                .extracting(Endpoint::port).containsExactly(0, 65535);
    }

    @Test
    void toStringIsTheListenerSyntax() {
        Endpoint e = new Endpoint("PLAINTEXT", "localhost", 9092);
        assertThat(e.toString()).isEqualTo("PLAINTEXT://localhost:9092");
        assertThat(Endpoint.parseList("x", e.toString())).containsExactly(e);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "garbage|NAME://host:port",
            "PLAINTEXT://localhost|NAME://host:port",
            "://localhost:9092|NAME://host:port",
            "PLAINTEXT//localhost:9092|NAME://host:port",
            "PLAINTEXT://localhost:http|[0,...,65535]",
            "PLAINTEXT://localhost:65536|[0,...,65535]",
            "PLAINTEXT://localhost:-1|[0,...,65535]",
            "PLAINTEXT://localhost:|[0,...,65535]",
            "' , '|at least one listener",
            "''|at least one listener",
    })
    void invalidListsAreRefusedNamingKeyValueAndRule(String value, String allowed) {
        InvalidConfigValueException e = Assertions.catchThrowableOfType(InvalidConfigValueException.class,
                () -> Endpoint.parseList("listeners", value));
        assertThat(e).as("'%s' must be refused", value).isNotNull();
        assertThat(e.getMessage()).contains("listeners").contains(value).contains(allowed);
        assertThat(e.key()).isEqualTo("listeners");
    }
}
