package io.shoal.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads client requests: RESP multi-bulk arrays ({@code *3\r\n$3\r\nSET\r\n...}) and inline
 * commands ({@code SET k v\r\n}, what telnet sends), one command at a time.
 *
 * <p>The parser keeps its position between calls, so a 512 MB argument arriving in many TCP
 * segments is scanned once rather than from the start on every segment. The limits and error texts
 * follow Redis's {@code processMultibulkBuffer} and {@code processInlineBuffer}: a line longer than
 * 64 KB, a bulk longer than {@code proto-max-bulk-len}, or a count that is not a number is a
 * protocol error after which the connection is closed.
 */
public final class RequestParser {
  public static final int INLINE_MAX_BYTES = 64 * 1024;
  private static final int UNAUTHENTICATED_MULTIBULK_MAX = 10;
  private static final int UNAUTHENTICATED_BULK_MAX = 16384;
  private static final byte[][] NO_ARGS = new byte[0][];

  /** Command names up to this length are kept for the next request to share. */
  private static final int NAME_KEPT_MAX = 32;

  private long maxBulkBytes;
  private byte[] lastName;
  private boolean authenticated = true;

  // Multi-bulk state carried between calls.
  private byte[][] args;
  private int argsRead;
  private int bulkLength = -1;

  public RequestParser(long maxBulkBytes) {
    this.maxBulkBytes = maxBulkBytes;
  }

  public void maxBulkBytes(long bytes) {
    this.maxBulkBytes = bytes;
  }

  /** Before AUTH succeeds, Redis allows only tiny requests, so an attacker cannot make it allocate. */
  public void authenticated(boolean value) {
    this.authenticated = value;
  }

  /**
   * Forgets a command started but not finished, for a caller that moves the buffer's reader
   * index back to where a request begins (requests parsed ahead and put back).
   */
  public void reset() {
    args = null;
    argsRead = 0;
    bulkLength = -1;
  }

  /** True when a command has been started but not finished. */
  public boolean inProgress() {
    return args != null;
  }

  /**
   * Returns the next complete command, an empty array for an empty request (which callers skip),
   * or null when more bytes are needed.
   *
   * <p>A heap buffer is read through its backing array: the connection copies each read into one,
   * because going through {@code ByteBuf.getByte} costs a bounds check and, on JDKs where Netty
   * does without {@code sun.misc.Unsafe}, a memory-session check per byte of a direct buffer.
   */
  public byte[][] next(ByteBuf in) {
    byte[] array = in.hasArray() ? in.array() : null;
    int base = array == null ? 0 : in.arrayOffset();
    if (args == null) {
      if (!in.isReadable()) {
        return null;
      }
      if (byteAt(in, array, base, in.readerIndex()) != '*') {
        return inline(in);
      }
      int lineEnd = indexOfLf(in, array, base, in.readerIndex(), in.writerIndex());
      if (lineEnd < 0) {
        if (in.readableBytes() > INLINE_MAX_BYTES) {
          throw new ProtocolException("too big mbulk count string");
        }
        return null;
      }
      long count = parseCount(in, array, base, in.readerIndex() + 1, lineEnd, "invalid multibulk length");
      if (count > Integer.MAX_VALUE || (!authenticated && count > UNAUTHENTICATED_MULTIBULK_MAX)) {
        throw new ProtocolException("invalid multibulk length");
      }
      in.readerIndex(lineEnd + 1);
      if (count <= 0) {
        return NO_ARGS;
      }
      // A huge count arrives before its arguments: grow the array as they come, not up front.
      args = new byte[(int) Math.min(count, 1024)][];
      expected = (int) count;
      argsRead = 0;
      bulkLength = -1;
    }
    while (argsRead < expected) {
      if (bulkLength < 0) {
        if (!in.isReadable()) {
          return null;
        }
        byte first = byteAt(in, array, base, in.readerIndex());
        if (first != '$') {
          throw new ProtocolException("expected '$', got '" + (char) (first & 0xff) + "'");
        }
        int lineEnd = indexOfLf(in, array, base, in.readerIndex(), in.writerIndex());
        if (lineEnd < 0) {
          if (in.readableBytes() > INLINE_MAX_BYTES) {
            throw new ProtocolException("too big bulk count string");
          }
          return null;
        }
        long length = parseCount(in, array, base, in.readerIndex() + 1, lineEnd, "invalid bulk length");
        long limit = authenticated ? maxBulkBytes : UNAUTHENTICATED_BULK_MAX;
        if (length < 0 || length > limit || length > Integer.MAX_VALUE - 2) {
          throw new ProtocolException("invalid bulk length");
        }
        in.readerIndex(lineEnd + 1);
        bulkLength = (int) length;
      }
      if (in.readableBytes() < bulkLength + 2) {
        return null;
      }
      int from = in.readerIndex();
      byte[] value;
      if (argsRead == 0 && array != null && lastName != null && lastName.length == bulkLength
          && java.util.Arrays.equals(array, base + from, base + from + bulkLength, lastName, 0, bulkLength)) {
        // A pipeline repeats its command name: the previous request's copy serves (names are
        // never written to), one allocation fewer per request.
        value = lastName;
      } else {
        value = new byte[bulkLength];
        if (array != null) {
          System.arraycopy(array, base + from, value, 0, bulkLength);
        } else {
          in.getBytes(from, value);
        }
        if (argsRead == 0 && bulkLength <= NAME_KEPT_MAX) {
          lastName = value;
        }
      }
      in.readerIndex(from + bulkLength + 2);
      if (argsRead == args.length) {
        args = java.util.Arrays.copyOf(args, Math.min(expected, args.length * 2));
      }
      args[argsRead++] = value;
      bulkLength = -1;
    }
    byte[][] complete = args;
    args = null;
    return complete;
  }

  private int expected;

  private static byte byteAt(ByteBuf in, byte[] array, int base, int index) {
    return array != null ? array[base + index] : in.getByte(index);
  }

  /** The index of the first '\n' in [from, to), or -1. */
  private static int indexOfLf(ByteBuf in, byte[] array, int base, int from, int to) {
    if (array == null) {
      return in.indexOf(from, to, (byte) '\n');
    }
    for (int i = base + from, end = base + to; i < end; i++) {
      if (array[i] == '\n') {
        return i - base;
      }
    }
    return -1;
  }

  private static long parseCount(ByteBuf in, byte[] array, int base, int from, int lineEnd, String error) {
    if (array != null) {
      return parseCount(array, base + from, base + lineEnd, error);
    }
    // A direct buffer (no backing array): a count's line is short, so read it through a copy.
    if (lineEnd - from > 21) {
      throw new ProtocolException(error);
    }
    byte[] line = new byte[lineEnd - from];
    in.getBytes(from, line);
    return parseCount(line, 0, line.length, error);
  }

  /**
   * A count of a request header (multi-bulk or bulk length) in {@code array[from, lineEnd)}, a
   * '\r' before the line's end dropped: optional '-', decimal digits, at most 2^40; anything else
   * is the protocol error {@code error}. The proxy's request scanner reads counts the same way.
   */
  public static long parseCount(byte[] array, int from, int lineEnd, String error) {
    int end = lineEnd;
    if (end > from && array[end - 1] == '\r') {
      end--;
    }
    if (end <= from || end - from > 20) {
      throw new ProtocolException(error);
    }
    int index = from;
    boolean negative = array[index] == '-';
    if (negative && ++index == end) {
      throw new ProtocolException(error);
    }
    long value = 0;
    for (; index < end; index++) {
      int digit = array[index] - '0';
      if (digit < 0 || digit > 9) {
        throw new ProtocolException(error);
      }
      value = value * 10 + digit;
      if (value > (1L << 40)) {
        throw new ProtocolException(error);
      }
    }
    return negative ? -value : value;
  }

  private static final ByteProcessor FIND_LF = new ByteProcessor.IndexOfProcessor((byte) '\n');

  private byte[][] inline(ByteBuf in) {
    int lineEnd = in.forEachByte(FIND_LF);
    if (lineEnd < 0) {
      if (in.readableBytes() > INLINE_MAX_BYTES) {
        throw new ProtocolException("too big inline request");
      }
      return null;
    }
    int start = in.readerIndex();
    int end = lineEnd;
    if (end > start && in.getByte(end - 1) == '\r') {
      end--;
    }
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    in.readerIndex(lineEnd + 1);
    List<byte[]> parts = splitArgs(line);
    if (parts == null) {
      throw new ProtocolException("unbalanced quotes in request");
    }
    return parts.toArray(new byte[0][]);
  }

  /**
   * Splits an inline line as Redis's sdssplitargs does: spaces separate arguments, double quotes
   * allow escapes (\n, \r, \t, \b, \a, \\, \", \xHH), single quotes allow only \'. Returns null
   * for unbalanced quotes or a closing quote not followed by a space.
   */
  public static List<byte[]> splitArgs(byte[] line) {
    List<byte[]> result = new ArrayList<>();
    int i = 0;
    int n = line.length;
    while (true) {
      while (i < n && isSpace(line[i])) {
        i++;
      }
      if (i >= n) {
        return result;
      }
      java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
      boolean inDouble = false;
      boolean inSingle = false;
      boolean done = false;
      while (!done) {
        if (inDouble) {
          if (i >= n) {
            return null;
          }
          byte c = line[i];
          if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
            current.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
            i += 3;
          } else if (c == '\\' && i + 1 < n) {
            i++;
            byte e = line[i];
            switch (e) {
              case 'n': current.write('\n'); break;
              case 'r': current.write('\r'); break;
              case 't': current.write('\t'); break;
              case 'b': current.write('\b'); break;
              case 'a': current.write(7); break;
              default: current.write(e); break;
            }
          } else if (c == '"') {
            if (i + 1 < n && !isSpace(line[i + 1])) {
              return null;
            }
            done = true;
          } else {
            current.write(c);
          }
        } else if (inSingle) {
          if (i >= n) {
            return null;
          }
          byte c = line[i];
          if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
            i++;
            current.write('\'');
          } else if (c == '\'') {
            if (i + 1 < n && !isSpace(line[i + 1])) {
              return null;
            }
            done = true;
          } else {
            current.write(c);
          }
        } else {
          if (i >= n) {
            done = true;
            break;
          }
          byte c = line[i];
          if (isSpace(c)) {
            done = true;
          } else if (c == '"') {
            inDouble = true;
          } else if (c == '\'') {
            inSingle = true;
          } else {
            current.write(c);
          }
        }
        if (i < n) {
          i++;
        }
      }
      result.add(current.toByteArray());
    }
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
