package io.shoal.server.cluster;

import io.shoal.cluster.member.NodeId;
import java.nio.ByteBuffer;

/**
 * A node's role as it gossips it under the application state "role": the master it replicates
 * (null for a master) and its replication offset. It is kept apart from the 2 KB {@link SlotClaim}
 * so that the offset, which moves with every write, can be republished cheaply.
 *
 * <p>Layout, version 1: {@code [1 byte version][20 bytes master id, all zero for a master]
 * [8 bytes replication offset]}: 29 bytes. A node ID of all zeros is never drawn in practice
 * (160 random bits), so zeros can stand for "no master".
 */
public record RoleClaim(NodeId masterId, long replOffset) {
  public static final String KEY = "role";
  public static final byte VERSION = 1;
  public static final int WIRE_BYTES = 1 + NodeId.WIRE_BYTES + 8;
  private static final NodeId NONE = NodeId.of(0, 0, 0);

  public RoleClaim {
    if (replOffset < 0) {
      throw new IllegalArgumentException("replication offset: " + replOffset + " (expected: >= 0)");
    }
  }

  public boolean isReplica() {
    return masterId != null;
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(WIRE_BYTES);
    out.put(VERSION);
    byte[] id = hexBytes(masterId == null ? NONE : masterId);
    out.put(id).putLong(replOffset);
    return out.array();
  }

  /** The decoded role, or null for a value of another version or size. */
  public static RoleClaim decode(byte[] value) {
    if (value == null || value.length != WIRE_BYTES || value[0] != VERSION) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.get();
    byte[] id = new byte[NodeId.WIRE_BYTES];
    in.get(id);
    long offset = in.getLong();
    if (offset < 0) {
      return null;
    }
    NodeId master = NodeId.parse(java.util.HexFormat.of().formatHex(id));
    return new RoleClaim(master.equals(NONE) ? null : master, offset);
  }

  /** The ID's 20 bytes, big-endian, as its hex form spells them. */
  private static byte[] hexBytes(NodeId id) {
    return java.util.HexFormat.of().parseHex(id.toHex());
  }
}
