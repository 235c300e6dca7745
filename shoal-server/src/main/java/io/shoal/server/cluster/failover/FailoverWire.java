package io.shoal.server.cluster.failover;

import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;
import io.shoal.server.slot.KeySlot;
import java.util.BitSet;

/**
 * Shared pieces of the failover messages' layouts: the version byte that opens every payload,
 * the exact-length check, and the 2048-byte slot bitmap (slot s at bit (s & 7) of byte (s >> 3),
 * as in {@code SlotClaim}).
 */
final class FailoverWire {
  static final byte VERSION = 1;
  static final int BITMAP_BYTES = KeySlot.SLOT_COUNT / 8;

  private FailoverWire() {}

  /** A reader positioned after the version byte; rejects null, a wrong size or another version. */
  static WireReader open(byte[] payload, int expectedBytes, String what) {
    if (payload == null) {
      throw new MalformedMessageException(what + ": no payload");
    }
    if (payload.length != expectedBytes) {
      throw new MalformedMessageException(what + " length: " + payload.length + " (expected: " + expectedBytes + ")");
    }
    WireReader in = new WireReader(payload);
    int version = in.readByte();
    if (version != VERSION) {
      throw new MalformedMessageException(what + " version: " + version + " (expected: " + VERSION + ")");
    }
    return in;
  }

  static WireWriter start(int bytes) {
    return new WireWriter(bytes).writeByte(VERSION);
  }

  static void writeSlots(WireWriter out, BitSet slots) {
    if (slots.length() > KeySlot.SLOT_COUNT) {
      throw new IllegalArgumentException("slot out of range: " + (slots.length() - 1));
    }
    byte[] bitmap = new byte[BITMAP_BYTES];
    byte[] bits = slots.toByteArray();
    System.arraycopy(bits, 0, bitmap, 0, bits.length);
    out.writeRaw(bitmap);
  }

  static BitSet readSlots(WireReader in) {
    return BitSet.valueOf(in.readRaw(BITMAP_BYTES));
  }
}
