package io.shoal.server.replication;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames the replication stream into commands without consuming partial ones, so that the exact
 * bytes of each command can be counted in the offset and forwarded to sub-replicas unchanged.
 */
final class StreamParser {
  /** One command and the number of stream bytes it took. */
  record Frame(byte[][] args, int length) {}

  private StreamParser() {}

  /** The next complete command at the reader index (consumed), or null if more bytes are needed. */
  static Frame next(ByteBuf in) {
    int start = in.readerIndex();
    Frame frame = parse(in);
    if (frame == null) {
      in.readerIndex(start);
    }
    return frame;
  }

  private static Frame parse(ByteBuf in) {
    int start = in.readerIndex();
    int lineEnd = in.indexOf(start, in.writerIndex(), (byte) '\n');
    if (lineEnd < 0) {
      return null;
    }
    if (in.getByte(start) != '*') {
      // Inline form (a bare newline is a keepalive and counts as bytes only).
      String line = in.toString(start, lineEnd - start, StandardCharsets.UTF_8).trim();
      in.readerIndex(lineEnd + 1);
      List<byte[]> parts = new ArrayList<>();
      for (String part : line.split(" +")) {
        if (!part.isEmpty()) {
          parts.add(part.getBytes(StandardCharsets.UTF_8));
        }
      }
      return new Frame(parts.toArray(new byte[0][]), lineEnd + 1 - start);
    }
    int count = (int) number(in, start + 1, lineEnd);
    in.readerIndex(lineEnd + 1);
    byte[][] args = new byte[Math.max(0, count)][];
    for (int i = 0; i < count; i++) {
      int at = in.readerIndex();
      int end = in.indexOf(at, in.writerIndex(), (byte) '\n');
      if (end < 0) {
        return null;
      }
      if (in.getByte(at) != '$') {
        throw new IllegalStateException("protocol error in the replication stream: expected '$'");
      }
      int length = (int) number(in, at + 1, end);
      if (in.writerIndex() - (end + 1) < length + 2) {
        return null;
      }
      byte[] arg = new byte[length];
      in.getBytes(end + 1, arg);
      args[i] = arg;
      in.readerIndex(end + 1 + length + 2);
    }
    return new Frame(args, in.readerIndex() - start);
  }

  private static long number(ByteBuf in, int from, int lineEnd) {
    int end = lineEnd > from && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
    long value = 0;
    boolean negative = false;
    for (int i = from; i < end; i++) {
      byte b = in.getByte(i);
      if (b == '-' && i == from) {
        negative = true;
      } else if (b >= '0' && b <= '9') {
        value = value * 10 + (b - '0');
      } else {
        throw new IllegalStateException("protocol error in the replication stream: bad number");
      }
    }
    return negative ? -value : value;
  }

  /** A command as RESP, the form the stream carries. */
  static byte[] encode(byte[][] args) {
    int size = 16;
    for (byte[] arg : args) {
      size += arg.length + 16;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(size);
    writeAscii(out, "*" + args.length + "\r\n");
    for (byte[] arg : args) {
      writeAscii(out, "$" + arg.length + "\r\n");
      out.write(arg, 0, arg.length);
      out.write('\r');
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static void writeAscii(java.io.ByteArrayOutputStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    out.write(bytes, 0, bytes.length);
  }
}
