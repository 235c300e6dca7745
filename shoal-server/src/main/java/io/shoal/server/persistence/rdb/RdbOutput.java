package io.shoal.server.persistence.rdb;

import io.shoal.server.persistence.Crc64;
import io.shoal.server.persistence.Lzf;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The primitive encodings of the RDB format on top of an output stream, keeping the running
 * CRC-64 of everything written: lengths (6, 14, 32 or 64 bits, {@code rdbSaveLen}), strings with
 * Redis's integer encodings (a canonical decimal of at most 11 characters that fits 8, 16 or 32
 * bits is stored as that integer) and LZF compression for strings longer than 20 bytes that
 * compress, little-endian integers and binary doubles.
 */
public final class RdbOutput {
  private final OutputStream out;
  private final boolean compress;
  private final byte[] buffer = new byte[64 * 1024];
  private int buffered;
  private long crc;
  private long written;

  public RdbOutput(OutputStream out, boolean compress) {
    this.out = out;
    this.compress = compress;
  }

  public long crc() {
    return crc;
  }

  public long written() {
    return written + buffered;
  }

  public void writeByte(int value) throws IOException {
    if (buffered == buffer.length) {
      drain();
    }
    buffer[buffered++] = (byte) value;
  }

  public void writeBytes(byte[] data, int offset, int length) throws IOException {
    if (length > buffer.length - buffered) {
      drain();
      if (length > buffer.length) {
        crc = Crc64.update(crc, data, offset, length);
        out.write(data, offset, length);
        written += length;
        return;
      }
    }
    System.arraycopy(data, offset, buffer, buffered, length);
    buffered += length;
  }

  public void writeBytes(byte[] data) throws IOException {
    writeBytes(data, 0, data.length);
  }

  private void drain() throws IOException {
    if (buffered > 0) {
      crc = Crc64.update(crc, buffer, 0, buffered);
      out.write(buffer, 0, buffered);
      written += buffered;
      buffered = 0;
    }
  }

  /** Writes what is buffered to the stream (the checksum is up to date afterwards). */
  public void flush() throws IOException {
    drain();
    out.flush();
  }

  /** Writes the checksum of everything so far, little-endian, without adding it to the checksum. */
  public void writeChecksum() throws IOException {
    drain();
    long value = crc;
    for (int i = 0; i < 8; i++) {
      out.write((int) (value >>> (8 * i)));
    }
    written += 8;
  }

  public void writeLength(long length) throws IOException {
    if (length < (1 << 6)) {
      writeByte((int) length);
    } else if (length < (1 << 14)) {
      writeByte(0x40 | (int) (length >>> 8));
      writeByte((int) length);
    } else if (length <= 0xffffffffL) {
      writeByte(RdbFormat.LENGTH_32BIT);
      writeIntBigEndian((int) length);
    } else {
      writeByte(RdbFormat.LENGTH_64BIT);
      writeIntBigEndian((int) (length >>> 32));
      writeIntBigEndian((int) length);
    }
  }

  private void writeIntBigEndian(int value) throws IOException {
    writeByte(value >>> 24);
    writeByte(value >>> 16);
    writeByte(value >>> 8);
    writeByte(value);
  }

  public void writeLongLittleEndian(long value) throws IOException {
    for (int i = 0; i < 8; i++) {
      writeByte((int) (value >>> (8 * i)));
    }
  }

  public void writeIntLittleEndian(int value) throws IOException {
    for (int i = 0; i < 4; i++) {
      writeByte(value >>> (8 * i));
    }
  }

  public void writeBinaryDouble(double value) throws IOException {
    writeLongLittleEndian(Double.doubleToRawLongBits(value));
  }

  public void writeString(String value) throws IOException {
    writeString(value.getBytes(StandardCharsets.UTF_8));
  }

  public void writeString(byte[] value) throws IOException {
    if (value.length <= 11 && value.length > 0 && writeIntegerEncodingIfPossible(value)) {
      return;
    }
    if (compress && value.length > 20) {
      byte[] compressed = Lzf.compress(value);
      if (compressed != null && compressed.length + 4 < value.length) {
        writeByte(RdbFormat.ENCODED | RdbFormat.ENCODING_LZF);
        writeLength(compressed.length);
        writeLength(value.length);
        writeBytes(compressed);
        return;
      }
    }
    writeLength(value.length);
    writeBytes(value);
  }

  private boolean writeIntegerEncodingIfPossible(byte[] value) throws IOException {
    // Canonical decimal only (what string2ll and ll2string agree on): no '+', no leading zeros, no "-0".
    int start = value[0] == '-' ? 1 : 0;
    if (start == value.length || (value[start] == '0' && value.length > start + 1) || (start == 1 && value[1] == '0')) {
      return false;
    }
    long number = 0;
    for (int i = start; i < value.length; i++) {
      int digit = value[i] - '0';
      if (digit < 0 || digit > 9) {
        return false;
      }
      number = number * 10 + digit;
    }
    if (start == 1) {
      number = -number;
    }
    if (number >= Byte.MIN_VALUE && number <= Byte.MAX_VALUE) {
      writeByte(RdbFormat.ENCODED | RdbFormat.ENCODING_INT8);
      writeByte((int) number);
    } else if (number >= Short.MIN_VALUE && number <= Short.MAX_VALUE) {
      writeByte(RdbFormat.ENCODED | RdbFormat.ENCODING_INT16);
      writeByte((int) number);
      writeByte((int) (number >>> 8));
    } else if (number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
      writeByte(RdbFormat.ENCODED | RdbFormat.ENCODING_INT32);
      writeIntLittleEndian((int) number);
    } else {
      return false;
    }
    return true;
  }
}
