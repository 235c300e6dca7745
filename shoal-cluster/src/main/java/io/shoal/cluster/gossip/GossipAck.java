package io.shoal.cluster.gossip;

import io.shoal.cluster.member.NodeDigest;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;
import java.util.List;

/**
 * The answer to a {@link GossipSyn}: the responder's seen set, the buckets whose hashes differ
 * (a 64-bit mask) and the responder's digests of every node in those buckets. Sent even when
 * nothing differs, so that seen sets flow both ways.
 */
public record GossipAck(NodeId from, long membershipHash, long[] seenBits, long differingBuckets,
        List<NodeDigest> digests) implements ProtocolMessage {

    public static final int DIGESTS_MAX = 1 << 16;

    @Override
    public int type() {
        return MessageTypes.GOSSIP_ACK;
    }

    @Override
    public void write(WireWriter writer) {
        from.write(writer);
        writer.writeLong(membershipHash);
        GossipCodec.writeLongs(writer, seenBits);
        writer.writeLong(differingBuckets);
        writer.writeInt(digests.size());
        for (NodeDigest digest : digests) {
            digest.write(writer);
        }
    }

    public static GossipAck read(WireReader reader) {
        NodeId from = NodeId.read(reader);
        long membershipHash = reader.readLong();
        long[] seen = GossipCodec.readLongs(reader, SeenSet.WORDS_MAX);
        long differing = reader.readLong();
        int count = reader.readCount(DIGESTS_MAX, "digests");
        NodeDigest[] digests = new NodeDigest[count];
        for (int i = 0; i < count; i++) {
            digests[i] = NodeDigest.read(reader);
        }
        reader.expectEnd();
        return new GossipAck(from, membershipHash, seen, differing, List.of(digests));
    }
}
