package io.shoal.server.persistence.aof;

import java.nio.ByteBuffer;

/**
 * A growable byte array of AOF records in RESP, encoded in place: no per-record allocation, so
 * logging a write costs a copy of its arguments and nothing else.
 */
final class RecordBuffer {
  private static final byte[] SELECT = {'S', 'E', 'L', 'E', 'C', 'T'};
  private static final int INITIAL = 64 * 1024;
  // A buffer grown by a burst shrinks back when emptied, so one big pipeline does not pin memory.
  private static final int KEEP = 1 << 20;

  private byte[] bytes;
  private int length;

  RecordBuffer() {
    this(INITIAL);
  }

  RecordBuffer(int capacity) {
    bytes = new byte[capacity];
  }

  int length() {
    return length;
  }

  byte[] bytes() {
    return bytes;
  }

  void clear() {
    length = 0;
    if (bytes.length > KEEP) {
      bytes = new byte[INITIAL];
    }
  }

  ByteBuffer asByteBuffer() {
    return ByteBuffer.wrap(bytes, 0, length);
  }

  /** Appends SELECT db. */
  void select(int db) {
    ensure(64);
    put((byte) '*');
    putInt(2);
    crlf();
    put((byte) '$');
    putInt(6);
    crlf();
    System.arraycopy(SELECT, 0, bytes, length, SELECT.length);
    length += SELECT.length;
    crlf();
    int digits = digits(db);
    put((byte) '$');
    putInt(digits);
    crlf();
    putInt(db);
    crlf();
  }

  /** Appends a command as an array of bulk strings. */
  void command(byte[][] args) {
    long needed = 16;
    for (byte[] arg : args) {
      needed += arg.length + 16L;
    }
    if (needed > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("record too large for the AOF buffer");
    }
    ensure((int) needed);
    put((byte) '*');
    putInt(args.length);
    crlf();
    for (byte[] arg : args) {
      put((byte) '$');
      putInt(arg.length);
      crlf();
      System.arraycopy(arg, 0, bytes, length, arg.length);
      length += arg.length;
      crlf();
    }
  }

  private void ensure(int needed) {
    if (bytes.length - length < needed) {
      long wanted = Math.max((long) bytes.length * 2, (long) length + needed);
      byte[] bigger = new byte[(int) Math.min(wanted, Integer.MAX_VALUE - 8)];
      System.arraycopy(bytes, 0, bigger, 0, length);
      bytes = bigger;
    }
  }

  private void put(byte b) {
    bytes[length++] = b;
  }

  private void crlf() {
    bytes[length++] = '\r';
    bytes[length++] = '\n';
  }

  private void putInt(int value) {
    if (value < 0) {
      put((byte) '-');
      value = -value;
    }
    int end = length + digits(value);
    int at = end;
    do {
      bytes[--at] = (byte) ('0' + value % 10);
      value /= 10;
    } while (value != 0);
    length = end;
  }

  private static int digits(int value) {
    int n = value < 0 ? 2 : 1;
    value = Math.abs(value);
    while (value >= 10) {
      value /= 10;
      n++;
    }
    return n;
  }
}
