package io.shoal.server.persistence.rdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis's listpack ({@code listpack.c}): a 32-bit total size and 16-bit count header, entries of
 * "encoding, data, back-length", and a 0xFF terminator. Entries are 7-bit, 13-bit, 16, 24, 32 and
 * 64-bit integers or strings with 6, 12 or 32-bit lengths; the back-length (1 to 5 bytes, 7 bits
 * each) lets Redis walk backwards and is only skipped here.
 *
 * <p>The encoder writes every element as a string, which every listpack reader accepts; Redis
 * itself would store integer-looking strings as integers, which only saves space.
 */
public final class Listpack {
  private static final int HEADER_BYTES = 6;
  private static final int END = 0xff;

  private Listpack() {}

  /** The elements, integers as their decimal text; damaged data throws IllegalArgumentException. */
  public static List<byte[]> decode(byte[] data) {
    if (data.length < HEADER_BYTES + 1) {
      throw new IllegalArgumentException("listpack shorter than its header");
    }
    long total = (data[0] & 0xffL) | (data[1] & 0xffL) << 8 | (data[2] & 0xffL) << 16 | (data[3] & 0xffL) << 24;
    if (total != data.length) {
      throw new IllegalArgumentException("listpack size " + total + " does not match " + data.length);
    }
    List<byte[]> result = new ArrayList<>();
    int p = HEADER_BYTES;
    while (true) {
      check(data, p, 1);
      int first = data[p] & 0xff;
      if (first == END) {
        break;
      }
      int start = p;
      byte[] element;
      if ((first & 0x80) == 0) {
        element = number(first & 0x7f);
        p += 1;
      } else if ((first & 0xc0) == 0x80) {
        int length = first & 0x3f;
        check(data, p + 1, length);
        element = slice(data, p + 1, length);
        p += 1 + length;
      } else if ((first & 0xe0) == 0xc0) {
        check(data, p, 2);
        int value = ((first & 0x1f) << 8) | (data[p + 1] & 0xff);
        if (value >= 1 << 12) {
          value -= 1 << 13;
        }
        element = number(value);
        p += 2;
      } else if ((first & 0xf0) == 0xe0) {
        check(data, p, 2);
        int length = ((first & 0x0f) << 8) | (data[p + 1] & 0xff);
        check(data, p + 2, length);
        element = slice(data, p + 2, length);
        p += 2 + length;
      } else {
        switch (first) {
          case 0xf0: {
            check(data, p, 5);
            long length = littleEndian(data, p + 1, 4);
            check(data, p + 5, (int) Math.min(length, Integer.MAX_VALUE));
            element = slice(data, p + 5, (int) length);
            p += 5 + (int) length;
            break;
          }
          case 0xf1:
            check(data, p, 3);
            element = number((short) littleEndian(data, p + 1, 2));
            p += 3;
            break;
          case 0xf2: {
            check(data, p, 4);
            long value = littleEndian(data, p + 1, 3);
            element = number((value << 40) >> 40);
            p += 4;
            break;
          }
          case 0xf3:
            check(data, p, 5);
            element = number((int) littleEndian(data, p + 1, 4));
            p += 5;
            break;
          case 0xf4:
            check(data, p, 9);
            element = number(littleEndian(data, p + 1, 8));
            p += 9;
            break;
          default:
            throw new IllegalArgumentException("bad listpack entry encoding " + first + " at " + p);
        }
      }
      p += backLengthBytes(p - start);
      result.add(element);
    }
    return result;
  }

  public static byte[] encode(List<byte[]> elements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < HEADER_BYTES; i++) {
      out.write(0);
    }
    for (byte[] element : elements) {
      int length = element.length;
      int entryBytes;
      if (length < 64) {
        out.write(0x80 | length);
        entryBytes = 1 + length;
      } else if (length < 4096) {
        out.write(0xe0 | (length >>> 8));
        out.write(length);
        entryBytes = 2 + length;
      } else {
        out.write(0xf0);
        for (int i = 0; i < 4; i++) {
          out.write(length >>> (8 * i));
        }
        entryBytes = 5 + length;
      }
      out.write(element, 0, length);
      writeBackLength(out, entryBytes);
    }
    out.write(END);
    byte[] result = out.toByteArray();
    int total = result.length;
    for (int i = 0; i < 4; i++) {
      result[i] = (byte) (total >>> (8 * i));
    }
    int count = elements.size() < 65535 ? elements.size() : 65535;
    result[4] = (byte) count;
    result[5] = (byte) (count >>> 8);
    return result;
  }

  private static void writeBackLength(ByteArrayOutputStream out, int length) {
    if (length <= 127) {
      out.write(length);
    } else if (length < 16383) {
      out.write(length >>> 7);
      out.write((length & 127) | 128);
    } else if (length < 2097151) {
      out.write(length >>> 14);
      out.write(((length >>> 7) & 127) | 128);
      out.write((length & 127) | 128);
    } else if (length < 268435455) {
      out.write(length >>> 21);
      out.write(((length >>> 14) & 127) | 128);
      out.write(((length >>> 7) & 127) | 128);
      out.write((length & 127) | 128);
    } else {
      out.write(length >>> 28);
      out.write(((length >>> 21) & 127) | 128);
      out.write(((length >>> 14) & 127) | 128);
      out.write(((length >>> 7) & 127) | 128);
      out.write((length & 127) | 128);
    }
  }

  private static int backLengthBytes(int length) {
    if (length <= 127) {
      return 1;
    } else if (length < 16383) {
      return 2;
    } else if (length < 2097151) {
      return 3;
    } else if (length < 268435455) {
      return 4;
    }
    return 5;
  }

  static long littleEndian(byte[] data, int offset, int bytes) {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value |= (data[offset + i] & 0xffL) << (8 * i);
    }
    return value;
  }

  static void check(byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || (long) offset + length > data.length) {
      throw new IllegalArgumentException("entry overruns the encoded blob at " + offset);
    }
  }

  static byte[] slice(byte[] data, int offset, int length) {
    byte[] result = new byte[length];
    System.arraycopy(data, offset, result, 0, length);
    return result;
  }

  static byte[] number(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }
}
