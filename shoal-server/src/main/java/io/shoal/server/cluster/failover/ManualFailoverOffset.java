package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * The master's answer to {@link ManualFailoverStart}: its writes are paused and its replication
 * offset is {@code offset}; the replica starts its election once it has applied that much
 * (Redis carries this in pings flagged PAUSED).
 *
 * <p>Layout, version 1 (49 bytes): {@code [1 version][20 master][20 replica][8 offset]}.
 */
public record ManualFailoverOffset(NodeId master, NodeId replica, long offset) {
  public static final int WIRE_BYTES = 1 + 20 + 20 + 8;

  public byte[] encode() {
    WireWriter out = FailoverWire.start(WIRE_BYTES);
    master.write(out);
    replica.write(out);
    return out.writeLong(offset).toByteArray();
  }

  public static ManualFailoverOffset decode(byte[] payload) {
    WireReader in = FailoverWire.open(payload, WIRE_BYTES, "manual failover offset");
    ManualFailoverOffset reply = new ManualFailoverOffset(NodeId.read(in), NodeId.read(in), in.readLong());
    in.expectEnd();
    return reply;
  }
}
