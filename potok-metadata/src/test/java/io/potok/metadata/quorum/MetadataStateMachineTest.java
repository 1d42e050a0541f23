package io.potok.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * A controller's proposal carries the Raft term it led: appended in that term it applies; delivered to
 * a later leader (its Raft client retried after the controller was deposed) it is discarded on every
 * node, so a cut-off controller's decisions (e.g. fencing every broker it could not hear) never land.
 */
class MetadataStateMachineTest {
    private final MetadataPublisher publisher = new MetadataPublisher("cluster");
    private final MetadataStateMachine stateMachine = new MetadataStateMachine(publisher, RaftPeerId.valueOf("1"));

    @Test
    void appliesAProposalAppendedInItsOwnTermAndDiscardsOneAppendedLater() throws Exception {
        Message applied = apply(1, 1, MetadataStateMachine.encodeProposal(1, register(1)));
        assertThat(MetadataStateMachine.isDiscarded(applied)).isFalse();
        assertThat(publisher.image().brokers()).containsKey(1);

        // Proposed by the leader of term 1, appended by the leader of term 2: a deposed controller's decision.
        Message discarded = apply(2, 2, MetadataStateMachine.encodeProposal(1, register(2)));
        assertThat(MetadataStateMachine.isDiscarded(discarded)).isTrue();
        assertThat(publisher.image().brokers()).doesNotContainKey(2);
        assertThat(publisher.image().offset()).as("the image still moves past the discarded entry").isEqualTo(2);

        apply(2, 3, MetadataStateMachine.encodeProposal(2, register(3)));
        assertThat(publisher.image().brokers()).containsKeys(1, 3);
    }

    @Test
    void appliesEntriesWrittenWithoutATerm() throws Exception {
        apply(5, 1, MetadataRecordSerde.serialize(List.of(new MetadataRecord.RegisterBroker(7, "h", 9092,
                Optional.empty()))));
        assertThat(publisher.image().brokers()).containsKey(7);
    }

    private static byte[] register(int id) {
        return MetadataRecordSerde.serialize(List.of(new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9000 + id,
                Optional.empty())));
    }

    private Message apply(long term, long index, byte[] data) throws Exception {
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(term).setIndex(index)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(data)))
                .build();
        TransactionContext trx = TransactionContext.newBuilder().setStateMachine(stateMachine)
                .setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(entry).build();
        return stateMachine.applyTransaction(trx).get();
    }
}
