package io.potok.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.api.ConsumerGroupDescribeHandler;
import io.potok.broker.group.api.ConsumerGroupHeartbeatHandler;
import io.potok.broker.group.api.DeleteGroupsHandler;
import io.potok.broker.group.api.DescribeGroupsHandler;
import io.potok.broker.group.api.HeartbeatHandler;
import io.potok.broker.group.api.JoinGroupHandler;
import io.potok.broker.group.api.LeaveGroupHandler;
import io.potok.broker.group.api.ListGroupsHandler;
import io.potok.broker.group.api.OffsetCommitHandler;
import io.potok.broker.group.api.OffsetDeleteHandler;
import io.potok.broker.group.api.OffsetFetchHandler;
import io.potok.broker.group.api.SyncGroupHandler;
import io.potok.broker.network.RequestHandler.ClientInfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.junit.jupiter.api.Test;

/**
 * Every version each group handler serves, through the handler and the wire format: the response
 * must serialise for that version (a field the version lacks must keep its default) and parse back.
 * Old versions matter: librdkafka and KafkaJS negotiate JoinGroup v5, OffsetFetch v4, ListGroups v0.
 */
class GroupApiVersionsTest {
    private final GroupTestContext ctx = new GroupTestContext();
    private final ClientInfo client = new ClientInfo("c", "client", new InetSocketAddress("127.0.0.1", 5555));

    private <R extends AbstractRequest> AbstractResponse call(ApiHandler<R> handler, AbstractRequest.Builder<R> builder,
                                                              short version) {
        R request = builder.build(version);
        AbstractResponse response = GroupTestContext.done(
                handler.handle(new RequestHeader(handler.apiKey(), version, "client", 1), request, client));
        // Serialise for the version and parse back: fails on a field the version cannot carry.
        AbstractResponse parsed = AbstractResponse.parseResponse(handler.apiKey(),
                MessageUtil.toByteBufferAccessor(response.data(), version), version);
        assertThat(parsed.errorCounts()).isEqualTo(response.errorCounts());
        return parsed;
    }

    private static void versions(ApiHandler<?> h, short min, short max) {
        assertThat(h.minVersion()).as(h.apiKey() + " min").isEqualTo(min);
        assertThat(h.maxVersion()).as(h.apiKey() + " max").isEqualTo(max);
    }

    @Test
    void classicProtocolInEveryVersion() {
        JoinGroupHandler join = new JoinGroupHandler(ctx.coordinator);
        SyncGroupHandler sync = new SyncGroupHandler(ctx.coordinator);
        HeartbeatHandler heartbeat = new HeartbeatHandler(ctx.coordinator);
        LeaveGroupHandler leave = new LeaveGroupHandler(ctx.coordinator);
        versions(join, (short) 0, (short) 9);
        versions(sync, (short) 0, (short) 5);
        versions(heartbeat, (short) 0, (short) 4);
        versions(leave, (short) 0, (short) 5);
        for (short v = 0; v <= 9; v++) {
            String group = "g" + v;
            JoinGroupRequestData data = GroupTestContext.joinRequest(group, "", null, "range");
            JoinGroupResponseData joined = ((JoinGroupResponse) call(join, new JoinGroupRequest.Builder(data), v)).data();
            if (v >= 4) {
                assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
                data.setMemberId(joined.memberId());
                joined = ((JoinGroupResponse) call(join, new JoinGroupRequest.Builder(data), v)).data();
            }
            assertThat(Errors.forCode(joined.errorCode())).as("join v" + v).isEqualTo(Errors.NONE);
            assertThat(joined.members()).hasSize(1);
            String member = joined.memberId();
            short syncVersion = (short) Math.min(v, 5);
            SyncGroupRequestData syncData = new SyncGroupRequestData().setGroupId(group).setMemberId(member)
                    .setGenerationId(joined.generationId());
            if (syncVersion >= 5) {
                syncData.setProtocolType("consumer").setProtocolName("range");
            }
            syncData.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(member)
                    .setAssignment(GroupTestContext.bytes("x")));
            AbstractResponse synced = call(sync, new SyncGroupRequest.Builder(syncData), syncVersion);
            assertThat(synced.errorCounts()).containsOnlyKeys(Errors.NONE);
            short hbVersion = (short) Math.min(v, 4);
            assertThat(call(heartbeat, new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group)
                    .setMemberId(member).setGenerationId(joined.generationId())), hbVersion).errorCounts())
                    .containsOnlyKeys(Errors.NONE);
            short leaveVersion = (short) Math.min(v, 5);
            AbstractResponse left = call(leave, new LeaveGroupRequest.Builder(group,
                    List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(member))), leaveVersion);
            assertThat(left.errorCounts()).doesNotContainKey(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    @Test
    void offsetsInEveryVersion() {
        ctx.createTopic("t", 2);
        OffsetCommitHandler commit = new OffsetCommitHandler(ctx.coordinator);
        OffsetFetchHandler fetch = new OffsetFetchHandler(ctx.coordinator);
        OffsetDeleteHandler delete = new OffsetDeleteHandler(ctx.coordinator);
        versions(commit, (short) 2, (short) 10);
        versions(fetch, (short) 1, (short) 10);
        versions(delete, (short) 0, (short) 0);
        for (short v = 2; v <= 10; v++) {
            OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("o" + v)
                    .setGenerationIdOrMemberEpoch(-1).setMemberId("");
            data.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(v >= 10 ? "" : "t")
                    .setTopicId(v >= 10 ? ctx.topicId("t") : org.apache.kafka.common.Uuid.ZERO_UUID)
                    .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                            .setPartitionIndex(1).setCommittedOffset(40 + v))));
            assertThat(call(commit, v >= 10 ? OffsetCommitRequest.Builder.forTopicIdsOrNames(data) : OffsetCommitRequest.Builder.forTopicNames(data), v).errorCounts())
                    .as("commit v" + v).containsOnlyKeys(Errors.NONE);
        }
        for (short v = 1; v <= 10; v++) {
            String group = "o" + Math.max(2, Math.min(v, 9));
            org.apache.kafka.common.message.OffsetFetchRequestData fetchData =
                    new org.apache.kafka.common.message.OffsetFetchRequestData().setRequireStable(v >= 7)
                            .setGroups(List.of(new org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup()
                                    .setGroupId(group).setMemberEpoch(-1).setTopics(List.of(
                                            new org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics()
                                                    .setName("t").setTopicId(ctx.topicId("t"))
                                                    .setPartitionIndexes(List.of(1))))));
            OffsetFetchRequest.Builder builder = v >= 10 ? OffsetFetchRequest.Builder.forTopicIdsOrNames(fetchData, false)
                    : OffsetFetchRequest.Builder.forTopicNames(fetchData, false);
            AbstractResponse r = call(fetch, builder, v);
            org.apache.kafka.common.requests.OffsetFetchResponse fr = (org.apache.kafka.common.requests.OffsetFetchResponse) r;
            long offset = v >= 8 ? fr.data().groups().get(0).topics().get(0).partitions().get(0).committedOffset()
                    : fr.data().topics().get(0).partitions().get(0).committedOffset();
            assertThat(offset).as("fetch v" + v).isEqualTo(40 + Math.max(2, Math.min(v, 9)));
        }
        OffsetDeleteRequestData del = new OffsetDeleteRequestData().setGroupId("o5");
        del.topics().add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("t").setPartitions(
                List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(1))));
        assertThat(call(delete, new OffsetDeleteRequest.Builder(del), (short) 0).errorCounts()).containsOnlyKeys(Errors.NONE);
        assertThat(ctx.committed("o5", "t", 1)).isEqualTo(-1);
    }

    @Test
    void adminApisInEveryVersion() {
        ctx.createTopic("t", 2);
        JoinGroupResponseData joined = GroupTestContext.done(ctx.joinDynamic("a"));
        GroupTestContext.done(ctx.sync("a", joined.memberId(), 1, Map.of(joined.memberId(), GroupTestContext.bytes("x"))));
        ctx.consumerHeartbeat(GroupTestContext.consumerJoin("b", "m1", "t"));
        ctx.commit("c", "", -1, "t", 0, 1, (short) 9);
        ListGroupsHandler list = new ListGroupsHandler(ctx.coordinator);
        DescribeGroupsHandler describe = new DescribeGroupsHandler(ctx.coordinator);
        ConsumerGroupDescribeHandler cgDescribe = new ConsumerGroupDescribeHandler(ctx.coordinator);
        ConsumerGroupHeartbeatHandler cgHeartbeat = new ConsumerGroupHeartbeatHandler(ctx.coordinator);
        DeleteGroupsHandler delete = new DeleteGroupsHandler(ctx.coordinator);
        versions(list, (short) 0, (short) 5);
        versions(describe, (short) 0, (short) 6);
        versions(cgDescribe, (short) 0, (short) 1);
        versions(cgHeartbeat, (short) 0, (short) 1);
        versions(delete, (short) 0, (short) 3);
        for (short v = 0; v <= 5; v++) {
            ListGroupsRequestData data = new ListGroupsRequestData();
            if (v >= 4) {
                data.setStatesFilter(List.of("Stable"));
            }
            org.apache.kafka.common.requests.ListGroupsResponse r =
                    (org.apache.kafka.common.requests.ListGroupsResponse) call(list, new ListGroupsRequest.Builder(data), v);
            assertThat(r.data().groups()).hasSize(v >= 4 ? 2 : 3);
        }
        for (short v = 0; v <= 6; v++) {
            DescribeGroupsRequestData data = new DescribeGroupsRequestData().setGroups(List.of("a", "b", "missing"))
                    .setIncludeAuthorizedOperations(v >= 3);
            org.apache.kafka.common.requests.DescribeGroupsResponse r =
                    (org.apache.kafka.common.requests.DescribeGroupsResponse) call(describe,
                            new DescribeGroupsRequest.Builder(data), v);
            assertThat(r.data().groups()).hasSize(3);
            assertThat(r.data().groups().get(0).members()).hasSize(1);
        }
        for (short v = 0; v <= 1; v++) {
            assertThat(call(cgDescribe, new ConsumerGroupDescribeRequest.Builder(new ConsumerGroupDescribeRequestData()
                    .setGroupIds(List.of("b", "a"))), v).errorCounts()).containsKeys(Errors.NONE, Errors.GROUP_ID_NOT_FOUND);
            assertThat(call(cgHeartbeat, new ConsumerGroupHeartbeatRequest.Builder(
                    GroupTestContext.consumerBeat("b", "m1", 1, null)), v).errorCounts()).containsOnlyKeys(Errors.NONE);
        }
        for (short v = 0; v <= 3; v++) {
            assertThat(call(delete, new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                    .setGroupsNames(List.of("a", "nope" + v))), v).errorCounts())
                    .containsOnlyKeys(Errors.NON_EMPTY_GROUP, Errors.GROUP_ID_NOT_FOUND);
        }
    }
}
