package io.potok.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.quota.ClientQuotaEntity;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.junit.jupiter.api.Test;

class DescribeClientQuotasHandlerTest {
    private static final Map<ClientQuotaEntity, Map<String, Double>> QUOTAS = Map.of(
            ClientQuotaEntity.fromResource("client-id=app"), Map.of("producer_byte_rate", 1024.0),
            ClientQuotaEntity.fromResource("client-id"), Map.of("consumer_byte_rate", 2048.0),
            ClientQuotaEntity.fromResource("client-id=app/user=alice"), Map.of("request_percentage", 50.0),
            ClientQuotaEntity.fromResource("ip=10.0.0.1"), Map.of("connection_creation_rate", 5.0));

    private static ComponentData component(String type, byte matchType, String match) {
        return new ComponentData().setEntityType(type).setMatchType(matchType).setMatch(match);
    }

    /** The matched entities as resource strings. */
    private static List<String> described(boolean strict, ComponentData... components) {
        DescribeClientQuotasResponseData response = DescribeClientQuotasHandler.describe(QUOTAS,
                new DescribeClientQuotasRequestData().setStrict(strict).setComponents(List.of(components)));
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        return response.entries().stream().map(e -> {
            StringBuilder sb = new StringBuilder();
            e.entity().forEach(c -> sb.append(sb.length() > 0 ? "/" : "").append(c.entityType())
                    .append(c.entityName() == null ? "" : "=" + c.entityName()));
            return sb.toString();
        }).toList();
    }

    @Test
    void filtersMatchAsKafkasDo() {
        // kafka-configs --describe --entity-type clients --entity-name app: exact, strict.
        assertThat(described(true, component("client-id", DescribeClientQuotasRequest.MATCH_TYPE_EXACT, "app")))
                .containsExactly("client-id=app");
        // Loose: also the entities with a user as well.
        assertThat(described(false, component("client-id", DescribeClientQuotasRequest.MATCH_TYPE_EXACT, "app")))
                .containsExactly("client-id=app", "client-id=app/user=alice");
        assertThat(described(true, component("client-id", DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT, null)))
                .containsExactly("client-id");
        // --entity-type clients without a name: every client-id entity, the default included (as Kafka's KRaft).
        assertThat(described(true, component("client-id", DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED, null)))
                .containsExactly("client-id", "client-id=app");
        assertThat(described(false)).hasSize(4);
        assertThat(described(true)).isEmpty();
        DescribeClientQuotasResponseData.EntryData entry = DescribeClientQuotasHandler.describe(QUOTAS,
                new DescribeClientQuotasRequestData().setStrict(true).setComponents(List.of(
                        component("ip", DescribeClientQuotasRequest.MATCH_TYPE_EXACT, "10.0.0.1")))).entries().get(0);
        assertThat(entry.values()).singleElement().satisfies(v -> {
            assertThat(v.key()).isEqualTo("connection_creation_rate");
            assertThat(v.value()).isEqualTo(5.0);
        });
    }

    @Test
    void badFiltersAreRefused() {
        DescribeClientQuotasResponseData twice = DescribeClientQuotasHandler.describe(QUOTAS,
                new DescribeClientQuotasRequestData().setComponents(List.of(
                        component("user", DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT, null),
                        component("user", DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED, null))));
        assertThat(twice.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(twice.errorMessage()).contains("more than once");
        assertThat(DescribeClientQuotasHandler.describe(QUOTAS, new DescribeClientQuotasRequestData().setComponents(
                List.of(component("user", DescribeClientQuotasRequest.MATCH_TYPE_EXACT, null)))).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(DescribeClientQuotasHandler.describe(QUOTAS, new DescribeClientQuotasRequestData().setComponents(
                List.of(component("user", DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT, "x")))).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        DescribeClientQuotasResponseData custom = DescribeClientQuotasHandler.describe(QUOTAS,
                new DescribeClientQuotasRequestData().setComponents(List.of(
                        component("group", DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED, null))));
        assertThat(custom.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(custom.errorMessage()).isEqualTo("Custom entity type 'group' not supported");
    }
}
