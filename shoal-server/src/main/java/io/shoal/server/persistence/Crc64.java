package io.shoal.server.persistence;

/**
 * CRC-64 with the Jones polynomial (0xad93d23594c935a9), reflected input and output, initial value
 * 0 and no final xor: the checksum Redis's {@code crc64.c} puts at the end of RDB files and DUMP
 * payloads. "123456789" gives 0xe9c6d914c4b8d9ca.
 *
 * <p>Table-driven, one byte at a time. The value is a plain long so callers can carry a running
 * checksum across buffers with {@link #update}.
 */
public final class Crc64 {
  private static final long REFLECTED_POLYNOMIAL = 0x95ac9329ac4bc9b5L;
  private static final long[] TABLE = new long[256];

  static {
    for (int n = 0; n < 256; n++) {
      long crc = n;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLYNOMIAL : crc >>> 1;
      }
      TABLE[n] = crc;
    }
  }

  private Crc64() {}

  public static long update(long crc, byte[] data, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      crc = TABLE[(int) ((crc ^ data[i]) & 0xff)] ^ (crc >>> 8);
    }
    return crc;
  }

  public static long update(long crc, int value) {
    return TABLE[(int) ((crc ^ value) & 0xff)] ^ (crc >>> 8);
  }

  public static long of(byte[] data) {
    return update(0, data, 0, data.length);
  }
}
