package io.shoal.server.replication;

/**
 * Encodes write commands as RESP arrays into one reusable byte array, so that feeding the backlog
 * and the replicas costs no allocation per command. Not thread-safe: the replication module uses it
 * under its stream lock, and the bytes are valid until the next {@link #encode}.
 */
final class StreamEncoder {
  private byte[] bytes = new byte[512];
  private int length;

  /** Encodes {@code args}; the result is {@link #bytes()} from 0 to {@link #length()}. */
  void encode(byte[][] args) {
    int size = 16;
    for (byte[] arg : args) {
      size += arg.length + 16;
    }
    if (size > bytes.length) {
      bytes = new byte[Math.max(size, bytes.length * 2)];
    }
    int at = 0;
    bytes[at++] = '*';
    at = digits(args.length, at);
    for (byte[] arg : args) {
      bytes[at++] = '$';
      at = digits(arg.length, at);
      System.arraycopy(arg, 0, bytes, at, arg.length);
      at += arg.length;
      bytes[at++] = '\r';
      bytes[at++] = '\n';
    }
    length = at;
  }

  /** Writes {@code value} (not negative) and CRLF at {@code at}; returns the index after them. */
  private int digits(int value, int at) {
    int end = at + 1;
    for (int rest = value / 10; rest > 0; rest /= 10) {
      end++;
    }
    int index = end;
    do {
      bytes[--index] = (byte) ('0' + value % 10);
      value /= 10;
    } while (value > 0);
    bytes[end] = '\r';
    bytes[end + 1] = '\n';
    return end + 2;
  }

  byte[] bytes() {
    return bytes;
  }

  int length() {
    return length;
  }

  /** Shrinks back after a huge command, so one big value does not stay allocated. */
  void trim() {
    if (bytes.length > 1 << 20) {
      bytes = new byte[512];
    }
  }
}
