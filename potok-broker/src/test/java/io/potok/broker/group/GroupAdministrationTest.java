package io.potok.broker.group;

import static io.potok.broker.group.GroupTestContext.bytes;
import static io.potok.broker.group.GroupTestContext.done;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class GroupAdministrationTest {
    private final GroupTestContext ctx = new GroupTestContext();

    private String stable(String group) {
        JoinGroupResponseData joined = done(ctx.joinDynamic(group));
        done(ctx.sync(group, joined.memberId(), 1, Map.of(joined.memberId(), bytes("assignment"))));
        return joined.memberId();
    }

    @Test
    void listFiltersByStateAndType() {
        ctx.createTopic("t", 2);
        stable("active");
        ctx.commit("idle", "", -1, "t", 0, 1, (short) 9);
        ctx.consumerHeartbeat(GroupTestContext.consumerJoin("new", "m1", "t"));
        GroupCoordinator.ListGroupsResult all = done(ctx.coordinator.listGroups(List.of(), List.of()));
        assertThat(all.error()).isEqualTo(Errors.NONE);
        assertThat(all.groups()).extracting(ListedGroup::groupId).containsExactly("active", "idle", "new");
        assertThat(all.groups()).extracting(ListedGroup::groupType).containsExactly("classic", "classic", "consumer");
        assertThat(all.groups()).extracting(ListedGroup::protocolType).containsExactly("consumer", "", "consumer");
        assertThat(done(ctx.coordinator.listGroups(List.of("stable"), List.of())).groups())
                .extracting(ListedGroup::groupId).containsExactly("active", "new");
        assertThat(done(ctx.coordinator.listGroups(List.of(), List.of("Consumer"))).groups())
                .extracting(ListedGroup::groupId).containsExactly("new");
    }

    @Test
    void describeShowsMembersAndAssignmentOnlyWhenStable() {
        String m = stable("g");
        DescribedGroup g = done(ctx.coordinator.describeGroups(List.of("g", "missing"), (short) 5, true)).get(0);
        assertThat(g.groupState()).isEqualTo("Stable");
        assertThat(g.protocolType()).isEqualTo("consumer");
        assertThat(g.protocolData()).isEqualTo("range");
        assertThat(g.members()).singleElement().satisfies(member -> {
            assertThat(member.memberId()).isEqualTo(m);
            assertThat(member.clientHost()).isEqualTo("/127.0.0.1");
            assertThat(member.memberAssignment()).isEqualTo(bytes("assignment"));
        });
        assertThat(g.authorizedOperations()).isEqualTo(GroupAdministration.GROUP_OPERATIONS);
        List<DescribedGroup> missing = done(ctx.coordinator.describeGroups(List.of("missing"), (short) 5, false));
        assertThat(missing.get(0).groupState()).isEqualTo("Dead");
        assertThat(Errors.forCode(done(ctx.coordinator.describeGroups(List.of("missing"), (short) 6, false)).get(0)
                .errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void consumerGroupDescribeOfAClassicGroupIsGroupIdNotFound() {
        stable("g");
        ConsumerGroupDescribeResponseData.DescribedGroup d =
                done(ctx.coordinator.consumerGroupDescribe(List.of("g"), false)).get(0);
        assertThat(Errors.forCode(d.errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(d.errorMessage()).contains("not a consumer group");
    }

    @Test
    void describeGroupsShowsAConsumerProtocolGroupWithItsAssignment() {
        ctx.createTopic("t", 2);
        ctx.consumerHeartbeat(GroupTestContext.consumerJoin("cg", "m1", "t"));
        DescribedGroup g = done(ctx.coordinator.describeGroups(List.of("cg"), (short) 5, false)).get(0);
        assertThat(g.protocolType()).isEqualTo("consumer");
        assertThat(g.protocolData()).isEqualTo("uniform");
        ConsumerPartitionAssignor.Assignment a = ConsumerProtocol.deserializeAssignment(
                java.nio.ByteBuffer.wrap(g.members().get(0).memberAssignment()));
        assertThat(a.partitions()).hasSize(2);
    }

    @Test
    void deleteRefusesNonEmptyGroupsAndDeletesEmptyOnesWithTheirOffsets() {
        ctx.createTopic("t", 2);
        String m = stable("busy");
        ctx.commit("busy", m, 1, "t", 0, 5, (short) 8);
        ctx.commit("idle", "", -1, "t", 0, 7, (short) 8);
        List<DeletableGroupResult> results = done(ctx.coordinator.deleteGroups(List.of("busy", "idle", "missing")));
        assertThat(results).extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.NON_EMPTY_GROUP, Errors.NONE, Errors.GROUP_ID_NOT_FOUND);
        assertThat(ctx.committed("busy", "t", 0)).isEqualTo(5);
        assertThat(ctx.committed("idle", "t", 0)).isEqualTo(-1);
        assertThat(ctx.heartbeat("busy", m, 1)).isEqualTo(Errors.NONE);
        ctx.restart();
        assertThat(ctx.shard().groups().get("idle")).isNull();
        assertThat(ctx.committed("idle", "t", 0)).isEqualTo(-1);
        assertThat(ctx.committed("busy", "t", 0)).isEqualTo(5);
    }
}
