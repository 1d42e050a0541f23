package io.potok.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import io.potok.metadata.record.MetadataRecord.ResourceKind;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.Test;

/** Commands forwarded to the active controller and its replies survive the wire unchanged. */
class ControllerMessagesTest {

    private static ControllerCommand roundTrip(ControllerCommand command) throws IOException {
        return ControllerMessages.decodeCommand(ControllerMessages.encodeCommand(command));
    }

    private static ControllerMessages.Reply roundTrip(ControllerMessages.Reply reply) throws IOException {
        return ControllerMessages.decodeReply(ControllerMessages.encodeReply(reply));
    }

    private static Map<String, Optional<String>> changes() {
        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        changes.put("retention.ms", Optional.of("1000"));
        changes.put("cleanup.policy", Optional.empty());
        changes.put("ünïcode.värde", Optional.of("€ and 😀"));
        return changes;
    }

    private static final List<ControllerCommand> COMMANDS = List.of(
            new ControllerCommand.CreateTopics(List.of(
                    new NewTopic("orders", 6, (short) 3, Map.of(), Map.of("retention.ms", "1000", "cleanup.policy",
                            "compact")),
                    new NewTopic("manual", -1, (short) -1, Map.of(0, List.of(1, 2), 1, List.of(2, 3), 2, List.of(3)),
                            Map.of()),
                    new NewTopic("", 0, (short) 0, Map.of(), Map.of())), false),
            new ControllerCommand.CreateTopics(List.of(), true),
            new ControllerCommand.DeleteTopics(List.of("a", "b", "")),
            new ControllerCommand.DeleteTopics(List.of()),
            new ControllerCommand.CreatePartitions(Map.of("a", 3, "b", Integer.MAX_VALUE), true),
            new ControllerCommand.CreatePartitions(Map.of(), false),
            new ControllerCommand.AlterConfigs(ResourceKind.TOPIC, "orders", changes(), true, false),
            new ControllerCommand.AlterConfigs(ResourceKind.BROKER, "", Map.of(), false, true),
            new ControllerCommand.AllocateProducerIds(),
            new ControllerCommand.RegisterBroker(3, "broker-3.example", 19092, Optional.of("rack-b")),
            new ControllerCommand.RegisterBroker(Integer.MAX_VALUE, "::1", 0, Optional.empty()),
            new ControllerCommand.BrokerHeartbeat(7),
            new ControllerCommand.ControlledShutdown(2),
            new ControllerCommand.AlterPartition("orders", 3, 1, 7, 12, List.of(1, 3)),
            new ControllerCommand.AlterPartition("", -1, -1, 0, 0, List.of()),
            new ControllerCommand.AlterReassignments(Map.of("orders", Map.of(0, Optional.of(List.of(4, 5, 6)),
                    1, Optional.empty()), "empty", Map.of())),
            new ControllerCommand.AlterReassignments(Map.of()),
            // An empty target (refused by the controller) is not a cancel: both must survive as sent.
            new ControllerCommand.AlterReassignments(Map.of("t", Map.of(2, Optional.of(List.of()),
                    3, Optional.empty(), -1, Optional.of(List.of(Integer.MAX_VALUE, -1))))),
            new ControllerCommand.ElectLeaders(false, Map.of("t", List.of(0, 1, 2), "u", List.of())),
            new ControllerCommand.ElectLeaders(true, null),
            new ControllerCommand.DescribeQuorum());

    @Test
    void everyCommandRoundTrips() throws IOException {
        Set<Class<?>> seen = new HashSet<>();
        for (ControllerCommand command : COMMANDS) {
            seen.add(command.getClass());
            assertThat(roundTrip(command)).as("%s", command).isEqualTo(command);
        }
        // Every permitted command type is covered, so a new one cannot go untested.
        assertThat(seen).isEqualTo(Arrays.stream(ControllerCommand.class.getPermittedSubclasses())
                .collect(Collectors.toSet()));
    }

    private static TopicImage topicImage() {
        return new TopicImage("orders", Uuid.randomUuid(), List.of(
                new PartitionImage(0, List.of(1, 2, 3), List.of(1, 2), 1, 4, 9),
                new PartitionImage(1, List.of(2, 3, 1), List.of(3), -1, Integer.MAX_VALUE, 0),
                new PartitionImage(2, List.of(1, 2, 4), List.of(1, 2), 1, 0, 3, List.of(4), List.of(2))),
                Map.of("retention.ms", "1000"));
    }

    private static final List<ControllerMessages.Reply> REPLIES = List.of(
            new ControllerMessages.Reply(new ControllerResult.Topics(List.of(
                    new TopicResult("orders", ApiError.NONE, Optional.of(topicImage())),
                    TopicResult.failed("bad one", new ApiError(Errors.INVALID_TOPIC_EXCEPTION, "Illegal name 'bad one'")),
                    TopicResult.failed("dup", new ApiError(Errors.INVALID_REQUEST, null)))), 42),
            new ControllerMessages.Reply(new ControllerResult.Topics(List.of()), -1),
            new ControllerMessages.Reply(new ControllerResult.Error(ApiError.NONE), -1),
            new ControllerMessages.Reply(new ControllerResult.Error(new ApiError(Errors.INVALID_CONFIG,
                    "Invalid value abc for configuration retention.ms")), Long.MAX_VALUE),
            new ControllerMessages.Reply(new ControllerResult.ProducerIdBlock(123_000, 1000), 7),
            new ControllerMessages.Reply(new ControllerResult.Elections(Map.of(
                    "t", Map.of(0, ApiError.NONE, 1, new ApiError(Errors.ELECTION_NOT_NEEDED, "not needed")),
                    "missing", Map.of(0, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, null)),
                    "empty", Map.of())), 3),
            new ControllerMessages.Reply(new ControllerResult.Quorum(new io.potok.metadata.quorum.QuorumDescription(
                    2, 7, 1234, List.of(new io.potok.metadata.quorum.QuorumDescription.Replica(2, 1240, 99, 99),
                    new io.potok.metadata.quorum.QuorumDescription.Replica(1, 0, 5, -1)),
                    List.of(new io.potok.metadata.quorum.QuorumDescription.Replica(4, 1200, 98, 90)))), -1));

    @Test
    void everyReplyRoundTrips() throws IOException {
        Set<Class<?>> seen = new HashSet<>();
        for (ControllerMessages.Reply reply : REPLIES) {
            seen.add(reply.result().getClass());
            // ApiError has no equals: compare field by field.
            assertThat(roundTrip(reply)).as("%s", reply).usingRecursiveComparison().isEqualTo(reply);
        }
        assertThat(seen).isEqualTo(Arrays.stream(ControllerResult.class.getPermittedSubclasses())
                .collect(Collectors.toSet()));
    }

    @Test
    void errorCodesAndMessagesSurvive() throws IOException {
        for (Errors error : List.of(Errors.NONE, Errors.TOPIC_ALREADY_EXISTS, Errors.NOT_CONTROLLER,
                Errors.PREFERRED_LEADER_NOT_AVAILABLE, Errors.UNKNOWN_SERVER_ERROR)) {
            ApiError apiError = new ApiError(error, error == Errors.NONE ? null : "why: " + error.name());
            ControllerResult.Error decoded = (ControllerResult.Error) roundTrip(
                    new ControllerMessages.Reply(new ControllerResult.Error(apiError), 1)).result();
            assertThat(decoded.error().error()).isEqualTo(error);
            assertThat(decoded.error().message()).isEqualTo(apiError.message());
        }
    }

    @Test
    void longStringsSurvive() throws IOException {
        String value = "x".repeat(70_000);
        ControllerCommand command = new ControllerCommand.AlterConfigs(ResourceKind.TOPIC, "big",
                Map.of("follower.replication.throttled.replicas", Optional.of(value)), false, false);
        assertThat(roundTrip(command)).isEqualTo(command);
    }

    @Test
    void corruptCommandsAreRejectedWithIOException() {
        assertThatThrownBy(() -> ControllerMessages.decodeCommand(new byte[] {99}))
                .isInstanceOf(IOException.class).hasMessageContaining("99");
        assertThatThrownBy(() -> ControllerMessages.decodeCommand(new byte[0])).isInstanceOf(IOException.class);
        for (ControllerCommand command : COMMANDS) {
            byte[] bytes = ControllerMessages.encodeCommand(command);
            if (bytes.length > 1) {
                assertThatThrownBy(() -> ControllerMessages.decodeCommand(Arrays.copyOf(bytes, bytes.length - 1)))
                        .as("truncated %s", command).isInstanceOf(IOException.class);
            }
        }
        // A resource kind that does not exist.
        byte[] alter = ControllerMessages.encodeCommand(new ControllerCommand.AlterConfigs(ResourceKind.TOPIC, "t",
                Map.of(), false, false));
        alter[1] = 9;
        assertThatThrownBy(() -> ControllerMessages.decodeCommand(alter)).isInstanceOf(IOException.class);
        // An absurd string length.
        byte[] delete = ControllerMessages.encodeCommand(new ControllerCommand.DeleteTopics(List.of("t")));
        java.nio.ByteBuffer.wrap(delete).putInt(5, Integer.MAX_VALUE);
        assertThatThrownBy(() -> ControllerMessages.decodeCommand(delete))
                .isInstanceOf(IOException.class).hasMessageContaining("length");
    }

    @Test
    void corruptRepliesAreRejectedWithIOException() {
        byte[] good = ControllerMessages.encodeReply(REPLIES.get(0));
        byte[] badType = good.clone();
        badType[8] = 42;
        assertThatThrownBy(() -> ControllerMessages.decodeReply(badType))
                .isInstanceOf(IOException.class).hasMessageContaining("42");
        assertThatThrownBy(() -> ControllerMessages.decodeReply(Arrays.copyOf(good, good.length - 2)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ControllerMessages.decodeReply(new byte[3])).isInstanceOf(IOException.class);
    }
}
