package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * A master's vote (Redis's FAILOVER_AUTH_ACK) for {@code candidate} in {@code epoch}.
 *
 * <p>Layout, version 1 (49 bytes, big-endian): {@code [1 version][20 voter][20 candidate][8 epoch]}.
 */
public record FailoverAuthAck(NodeId voter, NodeId candidate, long epoch) {
  public static final int WIRE_BYTES = 1 + 20 + 20 + 8;

  public byte[] encode() {
    WireWriter out = FailoverWire.start(WIRE_BYTES);
    voter.write(out);
    candidate.write(out);
    return out.writeLong(epoch).toByteArray();
  }

  public static FailoverAuthAck decode(byte[] payload) {
    WireReader in = FailoverWire.open(payload, WIRE_BYTES, "failover auth ack");
    FailoverAuthAck ack = new FailoverAuthAck(NodeId.read(in), NodeId.read(in), in.readLong());
    in.expectEnd();
    return ack;
  }
}
