package io.shoal.cluster.failure;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/** A monitor's "are you there?": sender id (20 bytes), sequence number (8). */
public record Heartbeat(NodeId from, long sequence) implements ProtocolMessage {

    @Override
    public int type() {
        return MessageTypes.HEARTBEAT;
    }

    @Override
    public void write(WireWriter writer) {
        from.write(writer);
        writer.writeLong(sequence);
    }

    public static Heartbeat read(WireReader reader) {
        Heartbeat heartbeat = new Heartbeat(NodeId.read(reader), reader.readLong());
        reader.expectEnd();
        return heartbeat;
    }
}
