package io.shoal.server.persistence.rdb;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis's intset ({@code intset.c}), read only: a 32-bit element width (2, 4 or 8), a 32-bit count
 * and the sorted integers, all little-endian. Shoal writes sets in the plain SET encoding, which
 * Redis re-encodes as an intset when it loads one that fits.
 */
public final class Intset {
  private Intset() {}

  public static List<byte[]> decode(byte[] data) {
    if (data.length < 8) {
      throw new IllegalArgumentException("intset shorter than its header");
    }
    int width = (int) Listpack.littleEndian(data, 0, 4);
    long count = Listpack.littleEndian(data, 4, 4);
    if ((width != 2 && width != 4 && width != 8) || 8 + count * width != data.length) {
      throw new IllegalArgumentException("intset header does not match its size");
    }
    List<byte[]> result = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      long raw = Listpack.littleEndian(data, 8 + i * width, width);
      long value = width == 2 ? (short) raw : width == 4 ? (int) raw : raw;
      result.add(Listpack.number(value));
    }
    return result;
  }
}
