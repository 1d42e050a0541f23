package io.potok.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.potok.metadata.config.InvalidConfigValueException;
import io.potok.metadata.controller.ProcessRoles;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code process.roles} with Kafka's KRaft rules: combined (default), controller only, broker only. */
class BrokerConfigRolesTest {
    private static final String VOTERS = "1@127.0.0.1:19093";

    private static InvalidConfigValueException refused(Map<String, String> raw) {
        InvalidConfigValueException e = catchThrowableOfType(InvalidConfigValueException.class,
                () -> BrokerConfig.parse(raw));
        assertThat(e).as("%s must be refused", raw).isNotNull();
        return e;
    }

    @Test
    void everyNodeIsBrokerAndControllerByDefault() {
        BrokerConfig config = BrokerConfig.parse(Map.of());
        assertThat(config.isBroker()).isTrue();
        assertThat(config.isController()).isTrue();
        assertThat(config.processRoles()).isEqualTo(ProcessRoles.BROKER_AND_CONTROLLER);
        // A single node needs no voters: it is a one-voter quorum of itself.
        assertThat(config.quorumVoters()).isEmpty();
    }

    @Test
    void aControllerOnlyNodeListensOnItsControllerListenerOnly() {
        BrokerConfig config = BrokerConfig.parse(Map.of("process.roles", "controller", "node.id", "1",
                "controller.quorum.voters", VOTERS, "listeners", "CONTROLLER://127.0.0.1:19093"));
        assertThat(config.processRoles()).isEqualTo(ProcessRoles.CONTROLLER);
        assertThat(config.isBroker()).isFalse();
        assertThat(config.listener()).isEqualTo(new Endpoint("CONTROLLER", "127.0.0.1", 19093));
        // What the ready line prints.
        assertThat(config.advertisedListener()).isEqualTo(new Endpoint("CONTROLLER", "127.0.0.1", 19093));
    }

    @Test
    void aControllerOnlyNodeWithoutListenersListensOnItsVoterAddress() {
        BrokerConfig config = BrokerConfig.parse(Map.of("process.roles", "controller", "node.id", "1",
                "controller.quorum.voters", VOTERS + ",2@127.0.0.1:19094"));
        assertThat(config.listener()).isEqualTo(new Endpoint("CONTROLLER", "127.0.0.1", 19093));
    }

    @Test
    void aControllerOnlyNodeRefusesClientListeners() {
        InvalidConfigValueException e = refused(Map.of("process.roles", "controller", "node.id", "1",
                "controller.quorum.voters", VOTERS,
                "listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19093"));
        assertThat(e.getMessage()).contains("listeners").contains("controller-only").contains("PLAINTEXT");
    }

    @Test
    void aBrokerOnlyNodeFollowsTheVotersWithoutBeingOne() {
        BrokerConfig config = BrokerConfig.parse(Map.of("process.roles", "broker", "node.id", "2",
                "controller.quorum.voters", VOTERS, "listeners", "PLAINTEXT://127.0.0.1:9092"));
        assertThat(config.processRoles()).isEqualTo(ProcessRoles.BROKER);
        assertThat(config.isController()).isFalse();
        assertThat(config.listener()).isEqualTo(new Endpoint("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(config.quorumVoters()).hasSize(1);
    }

    @Test
    void nodesWithOneRoleNeedTheVoters() {
        for (String roles : new String[] {"broker", "controller"}) {
            InvalidConfigValueException e = refused(Map.of("process.roles", roles));
            assertThat(e.getMessage()).contains("process.roles=" + roles).contains("controller.quorum.voters");
        }
    }

    @Test
    void aBrokerOnlyNodeIsNoVoterAndHasNoControllerListener() {
        InvalidConfigValueException voter = refused(Map.of("process.roles", "broker", "node.id", "1",
                "controller.quorum.voters", VOTERS));
        assertThat(voter.getMessage()).contains("controller.quorum.voters").contains("node.id=1");
        InvalidConfigValueException listener = refused(Map.of("process.roles", "broker", "node.id", "2",
                "controller.quorum.voters", VOTERS,
                "listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19095"));
        assertThat(listener.getMessage()).contains("listeners").contains("broker-only");
    }

    @Test
    void rolesMustNameSomething() {
        assertThat(refused(Map.of("process.roles", "")).getMessage()).contains("process.roles");
        assertThat(refused(Map.of("process.roles", "voter")).getMessage()).contains("[broker, controller]");
    }
}
