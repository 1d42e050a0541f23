package io.potok.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.quorum.QuorumDescription;
import io.potok.metadata.quorum.Voter;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.junit.jupiter.api.Test;

class DescribeQuorumHandlerTest {
    private static final QuorumDescription QUORUM = new QuorumDescription(1, 3, 40, List.of(
            new QuorumDescription.Replica(1, 41, 1000, 1000), new QuorumDescription.Replica(2, 39, 990, 900)),
            List.of(new QuorumDescription.Replica(4, 41, 995, 995)));

    @Test
    void everyAdvertisedVersionSerialisesAndOnlyV2CarriesTheVoterEndpoints() {
        DescribeQuorumHandler handler = new DescribeQuorumHandler(null, List.of(new Voter(1, "127.0.0.1", 9093),
                new Voter(2, "127.0.0.1", 9094)), "CONTROLLER");
        for (short v = ApiKeys.DESCRIBE_QUORUM.oldestVersion(); v <= ApiKeys.DESCRIBE_QUORUM.latestVersion(); v++) {
            DescribeQuorumResponseData data = handler.describe(QUORUM, v);
            ByteBuffer bytes = MessageUtil.toByteBufferAccessor(data, v).buffer();
            DescribeQuorumResponseData back = new DescribeQuorumResponseData(new ByteBufferAccessor(bytes), v);
            DescribeQuorumResponseData.PartitionData p = back.topics().get(0).partitions().get(0);
            assertThat(back.topics().get(0).topicName()).isEqualTo("__cluster_metadata");
            assertThat(p.leaderId()).isEqualTo(1);
            assertThat(p.leaderEpoch()).isEqualTo(3);
            assertThat(p.highWatermark()).isEqualTo(40);
            assertThat(p.currentVoters()).extracting(DescribeQuorumResponseData.ReplicaState::logEndOffset)
                    .containsExactly(41L, 39L);
            assertThat(p.observers()).extracting(DescribeQuorumResponseData.ReplicaState::replicaId).containsExactly(4);
            assertThat(back.nodes()).as("v%d", v).hasSize(v >= 2 ? 2 : 0);
        }
    }
}
