package io.shoal.cluster.member;

import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * What a node holds about one member, in 37 bytes: enough for a peer to tell which side is newer
 * and to send only the owner's values above {@code ownerVersion}.
 */
public record NodeDigest(NodeId id, Incarnation incarnation, MemberStatus status, long ownerVersion) {

    public static final int WIRE_BYTES = NodeId.WIRE_BYTES + 8 + 1 + 8;

    public static NodeDigest read(WireReader reader) {
        NodeId id = NodeId.read(reader);
        long incarnation = reader.readLong();
        MemberStatus status = MemberStatus.ofCode(reader.readByte());
        long ownerVersion = reader.readLong();
        if (incarnation < 1 || ownerVersion < 0) {
            throw new MalformedMessageException("digest: incarnation " + incarnation + ", version " + ownerVersion);
        }
        return new NodeDigest(id, new Incarnation(incarnation), status, ownerVersion);
    }

    public void write(WireWriter writer) {
        id.write(writer);
        writer.writeLong(incarnation.value()).writeByte(status.code()).writeLong(ownerVersion);
    }
}
