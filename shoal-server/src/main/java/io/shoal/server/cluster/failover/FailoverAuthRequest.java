package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;
import java.util.BitSet;

/**
 * A replica's request for a vote (Redis's FAILOVER_AUTH_REQUEST): "I, a replica of {@code master},
 * want to take its slots in {@code epoch}; my copy is at {@code replOffset} and the slot
 * configuration I know for them is {@code claimedConfigEpoch}". {@code manual} is Redis's
 * FORCEACK flag: masters vote although they do not consider the master failed.
 *
 * <p>Layout, version 1 (2114 bytes, big-endian): {@code [1 version][20 candidate][20 master]
 * [8 epoch][8 replOffset][8 claimedConfigEpoch][1 flags: bit 0 = manual][2048 slot bitmap]}.
 */
public record FailoverAuthRequest(NodeId candidate, NodeId master, long epoch, long replOffset,
    long claimedConfigEpoch, boolean manual, BitSet slots) {
  public static final int WIRE_BYTES = 1 + 20 + 20 + 8 + 8 + 8 + 1 + FailoverWire.BITMAP_BYTES;

  public byte[] encode() {
    WireWriter out = FailoverWire.start(WIRE_BYTES);
    candidate.write(out);
    master.write(out);
    out.writeLong(epoch).writeLong(replOffset).writeLong(claimedConfigEpoch).writeByte(manual ? 1 : 0);
    FailoverWire.writeSlots(out, slots);
    return out.toByteArray();
  }

  /** Decodes a payload; throws {@code MalformedMessageException} for anything but version 1 of this size. */
  public static FailoverAuthRequest decode(byte[] payload) {
    WireReader in = FailoverWire.open(payload, WIRE_BYTES, "failover auth request");
    NodeId candidate = NodeId.read(in);
    NodeId master = NodeId.read(in);
    long epoch = in.readLong();
    long offset = in.readLong();
    long config = in.readLong();
    boolean manual = (in.readByte() & 1) != 0;
    BitSet slots = FailoverWire.readSlots(in);
    in.expectEnd();
    return new FailoverAuthRequest(candidate, master, epoch, offset, config, manual, slots);
  }
}
