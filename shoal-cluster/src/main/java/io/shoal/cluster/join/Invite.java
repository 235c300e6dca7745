package io.shoal.cluster.join;

import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * A member asks a node that is not in a cluster to join through it: what CLUSTER MEET sends.
 * A node that is already a member ignores it; merging two formed clusters is not supported.
 */
public record Invite(NodeAddress member) implements ProtocolMessage {

    @Override
    public int type() {
        return MessageTypes.INVITE;
    }

    @Override
    public void write(WireWriter writer) {
        member.write(writer);
    }

    public static Invite read(WireReader reader) {
        Invite invite = new Invite(NodeAddress.read(reader));
        reader.expectEnd();
        return invite;
    }
}
