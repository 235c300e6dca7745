package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * A sibling's answer to {@link OffsetQuery}: "I, {@code replica}, hold history up to {@code offset}".
 *
 * <p>Layout, version 1 (57 bytes): {@code [1 version][20 replica][20 candidate][8 round][8 offset]}.
 */
public record OffsetReply(NodeId replica, NodeId candidate, long round, long offset) {
  public static final int WIRE_BYTES = 1 + 20 + 20 + 8 + 8;

  public byte[] encode() {
    WireWriter out = FailoverWire.start(WIRE_BYTES);
    replica.write(out);
    candidate.write(out);
    return out.writeLong(round).writeLong(offset).toByteArray();
  }

  public static OffsetReply decode(byte[] payload) {
    WireReader in = FailoverWire.open(payload, WIRE_BYTES, "offset reply");
    OffsetReply reply = new OffsetReply(NodeId.read(in), NodeId.read(in), in.readLong(), in.readLong());
    in.expectEnd();
    return reply;
  }
}
