package io.potok.metadata.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientQuotaEntityTest {
    @Test
    void resourceStringsRoundTripAnyNameAndDefaults() {
        ClientQuotaEntity odd = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, Optional.of("a/b=c d,%"),
                ClientQuotaEntity.CLIENT_ID, Optional.empty()));
        assertThat(odd.toResource()).isEqualTo("client-id/user=a%2Fb%3Dc+d%2C%25");
        assertThat(ClientQuotaEntity.fromResource(odd.toResource())).isEqualTo(odd);
        ClientQuotaEntity client = ClientQuotaEntity.of(ClientQuotaEntity.CLIENT_ID, Optional.of("app"));
        assertThat(ClientQuotaEntity.fromResource("client-id=app")).isEqualTo(client);
        assertThatThrownBy(() -> ClientQuotaEntity.fromResource("user=a/user=b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientQuotaEntity.fromResource("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kafkasRulesForEntitiesAndValues() {
        ClientQuotaEntity client = ClientQuotaEntity.of(ClientQuotaEntity.CLIENT_ID, Optional.of("app"));
        ClientQuotaEntity ip = ClientQuotaEntity.of(ClientQuotaEntity.IP, Optional.of("10.0.0.1"));
        assertThat(ClientQuotaKeys.entityError(client)).isEmpty();
        assertThat(ClientQuotaKeys.entityError(ip)).isEmpty();
        assertThat(ClientQuotaKeys.entityError(new ClientQuotaEntity(Map.of(ClientQuotaEntity.IP, Optional.empty(),
                ClientQuotaEntity.USER, Optional.of("u"))))).get().asString().contains("IP entity should not be combined");
        assertThat(ClientQuotaKeys.entityError(ClientQuotaEntity.of("group", Optional.of("g")))).isPresent();

        assertThat(ClientQuotaKeys.valueError(client, ClientQuotaKeys.PRODUCER_BYTE_RATE, 1024.0)).isEmpty();
        assertThat(ClientQuotaKeys.valueError(client, ClientQuotaKeys.PRODUCER_BYTE_RATE, null)).isEmpty();
        assertThat(ClientQuotaKeys.valueError(client, ClientQuotaKeys.PRODUCER_BYTE_RATE, 10.5)).get().asString()
                .contains("must be a Long value");
        assertThat(ClientQuotaKeys.valueError(client, ClientQuotaKeys.REQUEST_PERCENTAGE, 10.5)).isEmpty();
        assertThat(ClientQuotaKeys.valueError(client, ClientQuotaKeys.CONSUMER_BYTE_RATE, -1.0)).isPresent();
        assertThat(ClientQuotaKeys.valueError(client, ClientQuotaKeys.CONNECTION_CREATION_RATE, 5.0)).isPresent();
        assertThat(ClientQuotaKeys.valueError(ip, ClientQuotaKeys.CONNECTION_CREATION_RATE, 5.0)).isEmpty();
        assertThat(ClientQuotaKeys.valueError(ip, ClientQuotaKeys.PRODUCER_BYTE_RATE, 5.0)).isPresent();
    }
}
