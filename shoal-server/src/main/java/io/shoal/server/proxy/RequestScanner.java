package io.shoal.server.proxy;

import io.shoal.server.resp.ProtocolException;
import io.shoal.server.resp.RequestParser;
import io.shoal.server.slot.KeySlot;
import java.util.Arrays;

/**
 * Finds where each argument of one RESP request ({@code *3\r\n$3\r\nSET\r\n...}) lies in the
 * proxy's read buffer, without copying any: the proxy needs only the command name and the keys to
 * route a request, and forwards the request as the bytes it received. Only a request the proxy
 * runs itself (its own node's slots, connection commands, split commands) is copied into
 * arguments, by {@link #args}.
 *
 * <p>Positions are kept relative to the start of the request, so the scan of a request that
 * arrives in many reads resumes where it stopped even if the buffer was compacted or grown in
 * between. The limits and error texts are those of the server's {@link RequestParser} (Redis's
 * {@code processMultibulkBuffer}), which the proxy still uses for inline requests.
 */
final class RequestScanner {
  private final long maxBulkBytes;
  private int[] starts = new int[8];
  private int[] lengths = new int[8];
  private int count;
  private int expected = -1;
  // Where the scan goes on, relative to the request's start.
  private int position;

  RequestScanner(long maxBulkBytes) {
    this.maxBulkBytes = maxBulkBytes;
  }

  /** True when a request has been started but not finished. */
  boolean inProgress() {
    return expected >= 0;
  }

  /**
   * Scans the request starting at {@code array[from]} (its first byte is '*') with the bytes up to
   * {@code to} received so far. Returns the request's length once all of it is there (its
   * arguments are then {@link #count()}, {@link #start} and {@link #length}; none for an empty
   * request such as {@code *0}), or -1 if more bytes are needed.
   *
   * @throws ProtocolException for input Redis would refuse; the connection is then closed
   */
  int scan(byte[] array, int from, int to) {
    if (expected < 0) {
      int lineEnd = indexOfLf(array, from + 1, to);
      if (lineEnd < 0) {
        if (to - from > RequestParser.INLINE_MAX_BYTES) {
          throw new ProtocolException("too big mbulk count string");
        }
        return -1;
      }
      long total = RequestParser.parseCount(array, from + 1, lineEnd, "invalid multibulk length");
      if (total > Integer.MAX_VALUE) {
        throw new ProtocolException("invalid multibulk length");
      }
      count = 0;
      position = lineEnd + 1 - from;
      if (total <= 0) {
        return position;
      }
      expected = (int) total;
    }
    while (count < expected) {
      int header = from + position;
      if (header >= to) {
        return -1;
      }
      if (array[header] != '$') {
        throw new ProtocolException("expected '$', got '" + (char) (array[header] & 0xff) + "'");
      }
      int lineEnd = indexOfLf(array, header + 1, to);
      if (lineEnd < 0) {
        if (to - header > RequestParser.INLINE_MAX_BYTES) {
          throw new ProtocolException("too big bulk count string");
        }
        return -1;
      }
      long length = RequestParser.parseCount(array, header + 1, lineEnd, "invalid bulk length");
      if (length < 0 || length > maxBulkBytes || length > Integer.MAX_VALUE - 2) {
        throw new ProtocolException("invalid bulk length");
      }
      int start = lineEnd + 1;
      if ((long) to - start < length + 2) {
        return -1; // the header is read again with the rest: a few bytes, not the bulk
      }
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        lengths = Arrays.copyOf(lengths, count * 2);
      }
      starts[count] = start - from;
      lengths[count] = (int) length;
      count++;
      position = start + (int) length + 2 - from;
    }
    expected = -1;
    return position;
  }

  /** The number of arguments of the request just scanned. */
  int count() {
    return count;
  }

  /** Where argument {@code index} starts, relative to the request's first byte. */
  int start(int index) {
    return starts[index];
  }

  int length(int index) {
    return lengths[index];
  }

  /** The arguments of the request just scanned, copied, for the commands the proxy runs itself. */
  byte[][] args(byte[] array, int from) {
    byte[][] args = new byte[count][];
    for (int i = 0; i < count; i++) {
      args[i] = Arrays.copyOfRange(array, from + starts[i], from + starts[i] + lengths[i]);
    }
    return args;
  }

  /** The hash slot of argument {@code index}, as {@link KeySlot#of} computes it. */
  int slot(byte[] array, int from, int index) {
    int start = from + starts[index];
    int end = start + lengths[index];
    for (int open = start; open < end; open++) {
      if (array[open] == '{') {
        for (int close = open + 1; close < end; close++) {
          if (array[close] == '}') {
            if (close > open + 1) {
              return KeySlot.crc16(array, open + 1, close) & (KeySlot.SLOT_COUNT - 1);
            }
            break;
          }
        }
        break;
      }
    }
    return KeySlot.crc16(array, start, end) & (KeySlot.SLOT_COUNT - 1);
  }

  private static int indexOfLf(byte[] array, int from, int to) {
    for (int i = from; i < to; i++) {
      if (array[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
