package io.potok.broker.group.api;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.group.GroupCoordinator;
import io.potok.broker.group.OffsetsTopic;
import java.util.ArrayList;
import java.util.List;

/** The API handlers of the group coordinator, for the node to register. */
public final class GroupApis {
    private GroupApis() {
    }

    /**
     * Every group API; ConsumerGroupHeartbeat and ConsumerGroupDescribe only when
     * {@code group.coordinator.rebalance.protocols} enables the consumer protocol.
     */
    public static List<ApiHandler<?>> handlers(GroupCoordinator coordinator, OffsetsTopic offsetsTopic) {
        List<ApiHandler<?>> handlers = new ArrayList<>(List.of(
                new FindCoordinatorHandler(offsetsTopic),
                new JoinGroupHandler(coordinator),
                new SyncGroupHandler(coordinator),
                new HeartbeatHandler(coordinator),
                new LeaveGroupHandler(coordinator),
                new OffsetCommitHandler(coordinator),
                new OffsetFetchHandler(coordinator),
                new OffsetDeleteHandler(coordinator),
                new ListGroupsHandler(coordinator),
                new DescribeGroupsHandler(coordinator),
                new DeleteGroupsHandler(coordinator)));
        if (coordinator.config().consumerProtocolEnabled()) {
            handlers.add(new ConsumerGroupHeartbeatHandler(coordinator));
            handlers.add(new ConsumerGroupDescribeHandler(coordinator));
        }
        return handlers;
    }
}
