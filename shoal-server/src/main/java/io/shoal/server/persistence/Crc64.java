package io.shoal.server.persistence;

/**
 * CRC-64 with the Jones polynomial (0xad93d23594c935a9), reflected input and output, initial value
 * 0 and no final xor: the checksum Redis's {@code crc64.c} puts at the end of RDB files and DUMP
 * payloads. "123456789" gives 0xe9c6d914c4b8d9ca.
 *
 * <p>Table-driven, eight bytes at a time (slicing-by-8, as Redis's own crc64 speeds it up): loading
 * an RDB checks every byte of the file, and one table lookup per byte was a visible share of it.
 * The value is a plain long so callers can carry a running checksum across buffers with {@link
 * #update}.
 */
public final class Crc64 {
  private static final long REFLECTED_POLYNOMIAL = 0x95ac9329ac4bc9b5L;
  private static final long[] TABLE = new long[256];
  // SLICES[k][n]: the CRC of byte n followed by k zero bytes.
  private static final long[][] SLICES = new long[8][256];
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  static {
    for (int n = 0; n < 256; n++) {
      long crc = n;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLYNOMIAL : crc >>> 1;
      }
      TABLE[n] = crc;
    }
    SLICES[0] = TABLE;
    for (int k = 1; k < 8; k++) {
      for (int n = 0; n < 256; n++) {
        long previous = SLICES[k - 1][n];
        SLICES[k][n] = TABLE[(int) (previous & 0xff)] ^ (previous >>> 8);
      }
    }
  }

  private Crc64() {}

  public static long update(long crc, byte[] data, int offset, int length) {
    int end = offset + length;
    int i = offset;
    long[] t0 = SLICES[0], t1 = SLICES[1], t2 = SLICES[2], t3 = SLICES[3];
    long[] t4 = SLICES[4], t5 = SLICES[5], t6 = SLICES[6], t7 = SLICES[7];
    for (; i + 8 <= end; i += 8) {
      long x = crc ^ (long) LONGS.get(data, i);
      crc = t7[(int) (x & 0xff)] ^ t6[(int) ((x >>> 8) & 0xff)] ^ t5[(int) ((x >>> 16) & 0xff)]
          ^ t4[(int) ((x >>> 24) & 0xff)] ^ t3[(int) ((x >>> 32) & 0xff)] ^ t2[(int) ((x >>> 40) & 0xff)]
          ^ t1[(int) ((x >>> 48) & 0xff)] ^ t0[(int) (x >>> 56)];
    }
    for (; i < end; i++) {
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
