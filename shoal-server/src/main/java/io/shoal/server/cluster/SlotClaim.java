package io.shoal.server.cluster;

import io.shoal.server.slot.KeySlot;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * What one node claims and gossips as its application state "slots": the slots it serves, the
 * config epoch that backs the claim, and the highest epoch it has seen (Redis's currentEpoch).
 *
 * <p>Layout, version 1: {@code [1 byte version][8 bytes configEpoch][8 bytes currentEpoch]
 * [2048 bytes bitmap, slot s at bit (s & 7) of byte (s >> 3)]}: 2065 bytes, under the membership
 * limit of 16 KiB per value.
 */
public record SlotClaim(long configEpoch, long currentEpoch, BitSet slots) {
  public static final String KEY = "slots";
  public static final byte VERSION = 1;
  public static final int BITMAP_BYTES = KeySlot.SLOT_COUNT / 8;
  public static final int WIRE_BYTES = 1 + 8 + 8 + BITMAP_BYTES;

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(WIRE_BYTES);
    out.put(VERSION).putLong(configEpoch).putLong(currentEpoch);
    byte[] bitmap = slots.toByteArray();
    out.put(bitmap, 0, Math.min(bitmap.length, BITMAP_BYTES));
    return out.array();
  }

  /** The decoded claim, or null for a value of another version or size. */
  public static SlotClaim decode(byte[] value) {
    if (value == null || value.length != WIRE_BYTES || value[0] != VERSION) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.get();
    long config = in.getLong();
    long current = in.getLong();
    byte[] bitmap = new byte[BITMAP_BYTES];
    in.get(bitmap);
    return new SlotClaim(config, current, BitSet.valueOf(bitmap));
  }
}
