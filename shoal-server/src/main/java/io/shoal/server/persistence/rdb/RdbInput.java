package io.shoal.server.persistence.rdb;

import io.shoal.server.persistence.Crc64;
import io.shoal.server.persistence.Lzf;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the RDB primitives from a stream, keeping the running CRC-64 and the offset of every byte
 * consumed (errors name it). The inverse of {@link RdbOutput}, plus the encodings Shoal never
 * writes but older Redis versions do (string-formatted doubles of the old ZSET type).
 */
public final class RdbInput {
  /** Longest string accepted, a guard against a damaged length asking for terabytes. */
  private static final long STRING_BYTES_MAX = 512L * 1024 * 1024;

  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private long consumedBefore;
  private long crc;
  private int crcFrom;

  public RdbInput(InputStream in) {
    this.in = in;
  }

  /** Offset of the next byte to be read. */
  public long offset() {
    return consumedBefore + position;
  }

  /** CRC-64 of every byte read so far. */
  public long crc() {
    crc = Crc64.update(crc, buffer, crcFrom, position - crcFrom);
    crcFrom = position;
    return crc;
  }

  private void fill() throws IOException {
    crc();
    consumedBefore += limit;
    position = 0;
    crcFrom = 0;
    limit = 0;
    int read = in.read(buffer, 0, buffer.length);
    if (read <= 0) {
      throw new EOFException("unexpected end of RDB data at offset " + consumedBefore);
    }
    limit = read;
  }

  public int readByte() throws IOException {
    if (position == limit) {
      fill();
    }
    return buffer[position++] & 0xff;
  }

  public byte[] readBytes(int length) throws IOException {
    byte[] result = new byte[length];
    int copied = 0;
    while (copied < length) {
      if (position == limit) {
        fill();
      }
      int chunk = Math.min(length - copied, limit - position);
      System.arraycopy(buffer, position, result, copied, chunk);
      position += chunk;
      copied += chunk;
    }
    return result;
  }

  public long readLongLittleEndian() throws IOException {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (long) readByte() << (8 * i);
    }
    return value;
  }

  public int readIntLittleEndian() throws IOException {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value |= readByte() << (8 * i);
    }
    return value;
  }

  public double readBinaryDouble() throws IOException {
    return Double.longBitsToDouble(readLongLittleEndian());
  }

  /** A length; an encoded-string marker here is a format error. */
  public long readLength() throws IOException {
    long offset = offset();
    long length = readLengthOrEncoding();
    if (length < 0) {
      throw new RdbFormatException("unexpected string encoding where a length was expected", offset);
    }
    return length;
  }

  public int readSmallLength(String what) throws IOException {
    long offset = offset();
    long length = readLength();
    if (length > Integer.MAX_VALUE - 16) {
      throw new RdbFormatException(what + " too long: " + length, offset);
    }
    return (int) length;
  }

  /** A length, or for an encoded string {@code -1 - encoding}. */
  private long readLengthOrEncoding() throws IOException {
    int first = readByte();
    switch (first >>> 6) {
      case 0:
        return first & 0x3f;
      case 1:
        return ((first & 0x3f) << 8) | readByte();
      case 2:
        if (first == RdbFormat.LENGTH_32BIT) {
          return ((long) readByte() << 24) | ((long) readByte() << 16) | ((long) readByte() << 8) | readByte();
        }
        if (first == RdbFormat.LENGTH_64BIT) {
          long value = 0;
          for (int i = 0; i < 8; i++) {
            value = (value << 8) | readByte();
          }
          return value;
        }
        throw new RdbFormatException("unknown length encoding " + first, offset() - 1);
      default:
        return -1 - (first & 0x3f);
    }
  }

  public byte[] readString() throws IOException {
    long offset = offset();
    long length = readLengthOrEncoding();
    if (length >= 0) {
      if (length > STRING_BYTES_MAX) {
        throw new RdbFormatException("string length " + length + " too large", offset);
      }
      return readBytes((int) length);
    }
    int encoding = (int) (-1 - length);
    switch (encoding) {
      case RdbFormat.ENCODING_INT8:
        return Long.toString((byte) readByte()).getBytes(StandardCharsets.US_ASCII);
      case RdbFormat.ENCODING_INT16:
        return Long.toString((short) (readByte() | (readByte() << 8))).getBytes(StandardCharsets.US_ASCII);
      case RdbFormat.ENCODING_INT32:
        return Long.toString(readIntLittleEndian()).getBytes(StandardCharsets.US_ASCII);
      case RdbFormat.ENCODING_LZF: {
        long compressed = readLength();
        long plain = readLength();
        if (compressed > STRING_BYTES_MAX || plain > STRING_BYTES_MAX) {
          throw new RdbFormatException("LZF string too large", offset);
        }
        byte[] data = readBytes((int) compressed);
        try {
          return Lzf.decompress(data, (int) plain);
        } catch (IllegalArgumentException e) {
          throw new RdbFormatException("damaged LZF string: " + e.getMessage(), offset);
        }
      }
      default:
        throw new RdbFormatException("unknown string encoding " + encoding, offset);
    }
  }

  public String readUtf8() throws IOException {
    return new String(readString(), StandardCharsets.UTF_8);
  }

  /** The string-formatted double of the old ZSET type: a length byte, 253 NaN, 254 +inf, 255 -inf. */
  public double readStringDouble() throws IOException {
    int length = readByte();
    switch (length) {
      case 253:
        return Double.NaN;
      case 254:
        return Double.POSITIVE_INFINITY;
      case 255:
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(new String(readBytes(length), StandardCharsets.US_ASCII));
    }
  }
}
