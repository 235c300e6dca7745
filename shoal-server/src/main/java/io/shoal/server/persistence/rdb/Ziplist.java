package io.shoal.server.persistence.rdb;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis 6's ziplist ({@code ziplist.c}), read only: Redis 7 converts ziplists to listpacks on load
 * and never writes them, but RDB files from Redis 6 and earlier hold them. Header: 32-bit size,
 * 32-bit tail offset, 16-bit count; entries of "previous length (1 or 5 bytes), encoding, data";
 * a 0xFF terminator.
 */
public final class Ziplist {
  private static final int HEADER_BYTES = 10;

  private Ziplist() {}

  public static List<byte[]> decode(byte[] data) {
    if (data.length < HEADER_BYTES + 1) {
      throw new IllegalArgumentException("ziplist shorter than its header");
    }
    List<byte[]> result = new ArrayList<>();
    int p = HEADER_BYTES;
    while (true) {
      Listpack.check(data, p, 1);
      int first = data[p] & 0xff;
      if (first == 0xff) {
        break;
      }
      p += first == 0xfe ? 5 : 1;
      Listpack.check(data, p, 1);
      int encoding = data[p] & 0xff;
      switch (encoding >>> 6) {
        case 0: {
          int length = encoding & 0x3f;
          Listpack.check(data, p + 1, length);
          result.add(Listpack.slice(data, p + 1, length));
          p += 1 + length;
          continue;
        }
        case 1: {
          Listpack.check(data, p, 2);
          int length = ((encoding & 0x3f) << 8) | (data[p + 1] & 0xff);
          Listpack.check(data, p + 2, length);
          result.add(Listpack.slice(data, p + 2, length));
          p += 2 + length;
          continue;
        }
        case 2: {
          Listpack.check(data, p, 5);
          long length = ((data[p + 1] & 0xffL) << 24) | ((data[p + 2] & 0xffL) << 16)
              | ((data[p + 3] & 0xffL) << 8) | (data[p + 4] & 0xffL);
          Listpack.check(data, p + 5, (int) Math.min(length, Integer.MAX_VALUE));
          result.add(Listpack.slice(data, p + 5, (int) length));
          p += 5 + (int) length;
          continue;
        }
        default:
          break;
      }
      switch (encoding) {
        case 0xc0:
          Listpack.check(data, p, 3);
          result.add(Listpack.number((short) Listpack.littleEndian(data, p + 1, 2)));
          p += 3;
          break;
        case 0xd0:
          Listpack.check(data, p, 5);
          result.add(Listpack.number((int) Listpack.littleEndian(data, p + 1, 4)));
          p += 5;
          break;
        case 0xe0:
          Listpack.check(data, p, 9);
          result.add(Listpack.number(Listpack.littleEndian(data, p + 1, 8)));
          p += 9;
          break;
        case 0xf0: {
          Listpack.check(data, p, 4);
          long value = Listpack.littleEndian(data, p + 1, 3);
          result.add(Listpack.number((value << 40) >> 40));
          p += 4;
          break;
        }
        case 0xfe:
          Listpack.check(data, p, 2);
          result.add(Listpack.number(data[p + 1]));
          p += 2;
          break;
        default:
          if (encoding >= 0xf1 && encoding <= 0xfd) {
            result.add(Listpack.number((encoding & 0x0f) - 1));
            p += 1;
          } else {
            throw new IllegalArgumentException("bad ziplist entry encoding " + encoding + " at " + p);
          }
      }
    }
    return result;
  }
}
