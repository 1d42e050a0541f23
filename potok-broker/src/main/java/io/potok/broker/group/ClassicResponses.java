package io.potok.broker.group;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.classic.ClassicGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Builds classic-protocol responses. The coordinator fills every field; {@link #joinForVersion} and
 * {@link #syncForVersion} then reset what an older version cannot carry (a non-default value in a
 * field the version lacks would fail serialisation).
 */
public final class ClassicResponses {
    private ClassicResponses() {
    }

    /** The JoinGroup answer for {@code member} in the group's current generation. */
    static JoinGroupResponseData join(ClassicGroup group, ClassicGroupMember member, boolean withMembers,
                                      boolean skipAssignment) {
        JoinGroupResponseData data = new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(group.leaderId() == null ? "" : group.leaderId())
                .setMemberId(member.memberId())
                .setSkipAssignment(skipAssignment);
        if (withMembers) {
            data.setMembers(group.currentMemberMetadata());
        }
        return data;
    }

    static JoinGroupResponseData joinError(Errors error, String memberId) {
        return new JoinGroupResponseData()
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setProtocolName(null)
                .setLeader("")
                .setMemberId(memberId == null ? "" : memberId);
    }

    static SyncGroupResponseData sync(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType()).setProtocolName(group.protocolName())
                .setAssignment(assignment == null ? new byte[0] : assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    /** Adapts a JoinGroup response to what {@code version} can carry. */
    public static JoinGroupResponseData joinForVersion(JoinGroupResponseData data, short version) {
        if (version < 7) {
            data.setProtocolType(null);
            if (data.protocolName() == null) {
                data.setProtocolName("");
            }
        }
        if (version < 5) {
            for (JoinGroupResponseMember m : data.members()) {
                m.setGroupInstanceId(null);
            }
        }
        if (version < 9) {
            data.setSkipAssignment(false);
        }
        return data;
    }

    /** Adapts a SyncGroup response to what {@code version} can carry. */
    public static SyncGroupResponseData syncForVersion(SyncGroupResponseData data, short version) {
        if (version < 5) {
            data.setProtocolType(null).setProtocolName(null);
        }
        return data;
    }
}
