package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * A replica asks its master to hand over (Redis's MFSTART, sent by CLUSTER FAILOVER without
 * FORCE or TAKEOVER): the master pauses writes and answers with {@link ManualFailoverOffset}.
 *
 * <p>Layout, version 1 (41 bytes): {@code [1 version][20 replica][20 master]}.
 */
public record ManualFailoverStart(NodeId replica, NodeId master) {
  public static final int WIRE_BYTES = 1 + 20 + 20;

  public byte[] encode() {
    WireWriter out = FailoverWire.start(WIRE_BYTES);
    replica.write(out);
    master.write(out);
    return out.toByteArray();
  }

  public static ManualFailoverStart decode(byte[] payload) {
    WireReader in = FailoverWire.open(payload, WIRE_BYTES, "manual failover start");
    ManualFailoverStart start = new ManualFailoverStart(NodeId.read(in), NodeId.read(in));
    in.expectEnd();
    return start;
  }
}
