package io.shoal.server.persistence.rdb;

import io.shoal.server.persistence.Crc64;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The DUMP / RESTORE payload, as Redis's {@code createDumpPayload} builds it: the value in RDB
 * encoding (type byte and body), the RDB version as two little-endian bytes, and the CRC-64 of all
 * of that, little-endian. A payload from Redis 7 restores in Shoal and back.
 */
public final class DumpPayload {
  private DumpPayload() {}

  public static byte[] create(Object value, CollectionCodecs codecs) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      RdbOutput out = new RdbOutput(bytes, true);
      RdbValues.write(out, value, codecs);
      out.writeByte(RdbFormat.WRITE_VERSION & 0xff);
      out.writeByte((RdbFormat.WRITE_VERSION >>> 8) & 0xff);
      out.writeChecksum();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when the footer's version is one Shoal reads and the checksum matches ({@code verifyDumpPayload}). */
  public static boolean verify(byte[] payload) {
    if (payload.length < 10) {
      return false;
    }
    int footer = payload.length - 10;
    int version = (payload[footer] & 0xff) | (payload[footer + 1] & 0xff) << 8;
    if (version > RdbFormat.MAX_READ_VERSION) {
      return false;
    }
    long stored = Listpack.littleEndian(payload, payload.length - 8, 8);
    return Crc64.update(0, payload, 0, payload.length - 8) == stored;
  }

  /** The value of a verified payload; damaged contents throw RdbFormatException. */
  public static Object read(byte[] payload, CollectionCodecs codecs) throws IOException {
    ByteArrayInputStream bytes = new ByteArrayInputStream(payload, 0, payload.length - 10);
    RdbInput in = new RdbInput(bytes);
    int type = in.readByte();
    if (!RdbValues.isValueType(type)) {
      throw new RdbFormatException("bad value type " + type, 0);
    }
    Object value = RdbValues.read(in, type, codecs);
    if (in.offset() != payload.length - 10) {
      throw new RdbFormatException("trailing bytes after the value", in.offset());
    }
    return value;
  }
}
