package io.shoal.cluster.join;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to a {@link JoinRequest}: welcome, with as much of the cluster state as fits in one
 * message (gossip brings the rest), or a refusal with its reason.
 */
public record JoinReply(NodeId from, Outcome outcome, List<NodeState> states) implements ProtocolMessage {

    public static final int STATES_MAX = 1 << 16;

    public enum Outcome {
        /** Admitted as joining; the states are the cluster as the admitting member knows it. */
        WELCOME,
        /** The asked node is not a member of a cluster yet. */
        NOT_A_MEMBER,
        /** The joiner was forgotten or removed recently and may not come back yet. */
        BANNED,
        /** The cluster knows a newer incarnation of this node ID. */
        STALE_INCARNATION;

        static Outcome ofCode(int code) {
            Outcome[] values = values();
            if (code >= values.length) {
                throw new MalformedMessageException("join outcome: " + code);
            }
            return values[code];
        }
    }

    @Override
    public int type() {
        return MessageTypes.JOIN_REPLY;
    }

    @Override
    public void write(WireWriter writer) {
        from.write(writer);
        writer.writeByte(outcome.ordinal());
        writer.writeInt(states.size());
        for (NodeState state : states) {
            state.write(writer);
        }
    }

    public static JoinReply read(WireReader reader) {
        NodeId from = NodeId.read(reader);
        Outcome outcome = Outcome.ofCode(reader.readByte());
        int count = reader.readCount(STATES_MAX, "states");
        List<NodeState> states = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            states.add(NodeState.read(reader));
        }
        reader.expectEnd();
        return new JoinReply(from, outcome, List.copyOf(states));
    }
}
