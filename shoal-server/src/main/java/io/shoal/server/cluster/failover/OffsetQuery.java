package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * Durable mode: a candidate asks its sibling replicas for their replication offsets before it
 * asks for votes; {@code round} tells the answers to one attempt from those to an earlier one.
 *
 * <p>Layout, version 1 (49 bytes): {@code [1 version][20 candidate][20 master][8 round]}.
 */
public record OffsetQuery(NodeId candidate, NodeId master, long round) {
  public static final int WIRE_BYTES = 1 + 20 + 20 + 8;

  public byte[] encode() {
    WireWriter out = FailoverWire.start(WIRE_BYTES);
    candidate.write(out);
    master.write(out);
    return out.writeLong(round).toByteArray();
  }

  public static OffsetQuery decode(byte[] payload) {
    WireReader in = FailoverWire.open(payload, WIRE_BYTES, "offset query");
    OffsetQuery query = new OffsetQuery(NodeId.read(in), NodeId.read(in), in.readLong());
    in.expectEnd();
    return query;
  }
}
