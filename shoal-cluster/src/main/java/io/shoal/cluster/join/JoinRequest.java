package io.shoal.cluster.join;

import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/** A node asks to be admitted, sending its own entry (status joining) with its application state. */
public record JoinRequest(NodeState joiner) implements ProtocolMessage {

    @Override
    public int type() {
        return MessageTypes.JOIN_REQUEST;
    }

    @Override
    public void write(WireWriter writer) {
        joiner.write(writer);
    }

    public static JoinRequest read(WireReader reader) {
        JoinRequest request = new JoinRequest(NodeState.read(reader));
        reader.expectEnd();
        return request;
    }
}
