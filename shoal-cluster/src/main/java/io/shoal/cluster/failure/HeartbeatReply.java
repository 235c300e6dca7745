package io.shoal.cluster.failure;

import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * The subject's answer: its id (20 bytes), its incarnation (8), the sequence it answers (8).
 * The incarnation lets a monitor tell a restarted subject from the one it was watching.
 */
public record HeartbeatReply(NodeId from, Incarnation incarnation, long sequence) implements ProtocolMessage {

    @Override
    public int type() {
        return MessageTypes.HEARTBEAT_REPLY;
    }

    @Override
    public void write(WireWriter writer) {
        from.write(writer);
        writer.writeLong(incarnation.value()).writeLong(sequence);
    }

    public static HeartbeatReply read(WireReader reader) {
        NodeId from = NodeId.read(reader);
        long incarnation = reader.readLong();
        long sequence = reader.readLong();
        reader.expectEnd();
        if (incarnation < 1) {
            throw new MalformedMessageException("incarnation: " + incarnation + " (expected: >= 1)");
        }
        return new HeartbeatReply(from, new Incarnation(incarnation), sequence);
    }
}
