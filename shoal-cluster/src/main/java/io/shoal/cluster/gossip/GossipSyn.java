package io.shoal.cluster.gossip;

import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.MessageTypes;
import io.shoal.cluster.transport.ProtocolMessage;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * The opening of a gossip exchange: the sender's 64 bucket hashes and its seen set.
 *
 * <p>Layout: sender id (20), membership hash (8), seen word count (4) and words (8 each),
 * 64 bucket hashes (8 each). Fixed-size whatever the differences, so peers that agree pay ~650
 * bytes for a thousand nodes and nothing more.
 */
public record GossipSyn(NodeId from, long membershipHash, long[] seenBits, long[] bucketHashes)
        implements ProtocolMessage {

    @Override
    public int type() {
        return MessageTypes.GOSSIP_SYN;
    }

    @Override
    public void write(WireWriter writer) {
        from.write(writer);
        writer.writeLong(membershipHash);
        GossipCodec.writeLongs(writer, seenBits);
        for (long hash : bucketHashes) {
            writer.writeLong(hash);
        }
    }

    public static GossipSyn read(WireReader reader) {
        NodeId from = NodeId.read(reader);
        long membershipHash = reader.readLong();
        long[] seen = GossipCodec.readLongs(reader, SeenSet.WORDS_MAX);
        long[] hashes = new long[ClusterState.BUCKETS];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = reader.readLong();
        }
        reader.expectEnd();
        return new GossipSyn(from, membershipHash, seen, hashes);
    }

    static void requireBuckets(long[] hashes) {
        if (hashes.length != ClusterState.BUCKETS) {
            throw new MalformedMessageException("bucket hashes: " + hashes.length);
        }
    }
}
