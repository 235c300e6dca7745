package io.shoal.server.proxy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where one RESP2/RESP3 reply ends, without decoding it: the proxy forwards replies as the
 * bytes the owner sent, and only looks inside the arrays it has to merge.
 */
final class RespScanner {
  private RespScanner() {}

  /** The index just after the reply starting at {@code from}, or -1 if it is not complete yet. */
  static int end(ByteBuf in, int from) {
    int limit = in.writerIndex();
    if (from >= limit) {
      return -1;
    }
    byte type = in.getByte(from);
    int lineEnd = lineEnd(in, from + 1, limit);
    if (lineEnd < 0) {
      return -1;
    }
    int next = lineEnd + 2;
    switch (type) {
      case '+', '-', ':', '_', ',', '#', '(':
        return next;
      case '$', '=', '!': {
        long length = number(in, from + 1, lineEnd);
        if (length < 0) {
          return next;
        }
        long end = next + length + 2;
        return end <= limit ? (int) end : -1;
      }
      case '*', '~', '>', '%', '|': {
        long count = number(in, from + 1, lineEnd);
        if (type == '%' || type == '|') {
          count *= 2;
        }
        int position = next;
        for (long i = 0; i < count; i++) {
          position = end(in, position);
          if (position < 0) {
            return -1;
          }
        }
        return position;
      }
      default:
        throw new IllegalStateException("unexpected reply type byte " + type);
    }
  }

  private static int lineEnd(ByteBuf in, int from, int limit) {
    for (int i = from; i + 1 < limit; i++) {
      if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The decimal number in {@code [from, to)}, read in place (it is on every bulk reply's header line). */
  private static long number(ByteBuf in, int from, int to) {
    boolean negative = from < to && in.getByte(from) == '-';
    int i = negative ? from + 1 : from;
    if (i >= to || to - i > 18) {
      return Long.parseLong(in.toString(from, to - from, StandardCharsets.US_ASCII)); // throws as before
    }
    long value = 0;
    for (; i < to; i++) {
      int digit = in.getByte(i) - '0';
      if (digit < 0 || digit > 9) {
        throw new NumberFormatException("For input string: \"" + in.toString(from, to - from, StandardCharsets.US_ASCII) + "\"");
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  /** The elements of a complete array reply, each as its own bytes; null if it is not an array. */
  static List<byte[]> elements(byte[] reply) {
    if (reply.length == 0 || reply[0] != '*') {
      return null;
    }
    ByteBuf in = io.netty.buffer.Unpooled.wrappedBuffer(reply);
    int lineEnd = lineEnd(in, 1, reply.length);
    long count = number(in, 1, lineEnd);
    List<byte[]> elements = new ArrayList<>();
    int position = lineEnd + 2;
    for (long i = 0; i < count; i++) {
      int end = end(in, position);
      byte[] element = new byte[end - position];
      in.getBytes(position, element);
      elements.add(element);
      position = end;
    }
    return elements;
  }

  /** The integer of a {@code :n} reply, or null. */
  static Long integer(byte[] reply) {
    if (reply.length < 4 || reply[0] != ':') {
      return null;
    }
    return Long.parseLong(new String(reply, 1, reply.length - 3, StandardCharsets.US_ASCII));
  }

  static byte[] encode(byte[][] args) {
    ByteBuf out = io.netty.buffer.Unpooled.buffer();
    out.writeByte('*').writeCharSequence(Integer.toString(args.length), StandardCharsets.US_ASCII);
    out.writeByte('\r').writeByte('\n');
    for (byte[] arg : args) {
      out.writeByte('$').writeCharSequence(Integer.toString(arg.length), StandardCharsets.US_ASCII);
      out.writeByte('\r').writeByte('\n');
      out.writeBytes(arg).writeByte('\r').writeByte('\n');
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    return bytes;
  }
}
