package io.shoal.server.resp;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies in RESP2 or RESP3 straight into the connection's output buffer.
 *
 * <p>Commands never build reply objects: they call these methods in the order the reply is read,
 * so a pipelined batch ends up as one buffer and one flush, and the hot path allocates nothing
 * beyond the bytes themselves. The RESP3 types (maps, sets, doubles, booleans, nulls, pushes) are
 * downgraded here, in one place, to what a RESP2 client expects, the way Redis's
 * {@code addReplyMapLen}, {@code addReplyDouble} and {@code addReplyNull} do.
 */
public final class Reply {
  private static final byte[] CRLF = {'\r', '\n'};
  /** CRLF for {@link ByteBuf#setShort}, which writes big-endian: '\r' then '\n'. */
  private static final int CRLF_SHORT = ('\r' << 8) | '\n';
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] QUEUED = "+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] SMALL_INTS = new byte[1024][];
  private static final byte[][] BULK_HEADERS = new byte[512][];
  private static final byte[][] ARRAY_HEADERS = new byte[256][];
  /** Size of the per-thread staging array of {@link #bulks}: Redis's reply chunk size. */
  private static final int STAGING_BYTES = 16 * 1024;
  /** At most the framing of one bulk string: '$', 10 digits, CRLF, and the closing CRLF. */
  private static final int MAX_FRAMING = 15;
  /** Bulk strings up to this length are assembled in {@link #scratch}. */
  private static final int SHORT_BULK = 48;
  /** Elements up to this length are copied byte by byte (cheaper than a call to the array copy). */
  private static final int SMALL_COPY = 16;
  private static final ThreadLocal<byte[]> STAGING = ThreadLocal.withInitial(() -> new byte[STAGING_BYTES]);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    for (int i = 0; i < SMALL_INTS.length; i++) {
      SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
    for (int i = 0; i < BULK_HEADERS.length; i++) {
      BULK_HEADERS[i] = ("$" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
    for (int i = 0; i < ARRAY_HEADERS.length; i++) {
      ARRAY_HEADERS[i] = ("*" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
  }

  private ByteBuf out;
  /** Where a short bulk string or an integer reply is assembled before its one write. */
  private final byte[] scratch = new byte[SHORT_BULK + MAX_FRAMING];
  private int protocol = 2;
  private long repliesWritten;

  public Reply(ByteBuf out) {
    this.out = out;
  }

  public ByteBuf buffer() {
    return out;
  }

  /** Points the writer at another buffer, returning the previous one (used to capture replies). */
  public ByteBuf redirect(ByteBuf next) {
    ByteBuf previous = out;
    out = next;
    return previous;
  }

  public int protocol() {
    return protocol;
  }

  public void protocol(int version) {
    this.protocol = version;
  }

  public boolean resp3() {
    return protocol == 3;
  }

  /** How many top-level or nested reply items have been written; lets callers see that a command replied. */
  public long repliesWritten() {
    return repliesWritten;
  }

  public void ok() {
    repliesWritten++;
    out.writeBytes(OK);
  }

  public void queued() {
    repliesWritten++;
    out.writeBytes(QUEUED);
  }

  public void simple(String text) {
    repliesWritten++;
    out.writeByte('+');
    out.writeCharSequence(text, StandardCharsets.UTF_8);
    out.writeBytes(CRLF);
  }

  /**
   * An error reply. Redis prefixes errors with an upper-case code (ERR, WRONGTYPE, MOVED...); a
   * message given without one gets "ERR ". Line breaks would break the protocol, so they become
   * spaces, as Redis's addReplyErrorLength does.
   */
  public void error(String message) {
    repliesWritten++;
    out.writeByte('-');
    String text = message.indexOf('\r') >= 0 || message.indexOf('\n') >= 0
        ? message.replace('\r', ' ').replace('\n', ' ') : message;
    out.writeCharSequence(text, StandardCharsets.UTF_8);
    out.writeBytes(CRLF);
  }

  public void error(ShoalError error) {
    error(error.getMessage());
  }

  public void integer(long value) {
    repliesWritten++;
    if (value >= 0 && value < SMALL_INTS.length) {
      out.writeBytes(SMALL_INTS[(int) value]);
      return;
    }
    if (value == Long.MIN_VALUE) {
      out.writeByte(':');
      writeDecimal(value);
      out.writeBytes(CRLF);
      return;
    }
    // ':', the digits and CRLF in the scratch array, one write (LPUSH's list length).
    byte[] staging = scratch;
    staging[0] = ':';
    int at = 1;
    if (value < 0) {
      staging[at++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long t = value; t >= 10; t /= 10) {
      digits++;
    }
    at += digits;
    for (int i = at - 1; digits > 0; i--, digits--) {
      staging[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    staging[at] = '\r';
    staging[at + 1] = '\n';
    out.writeBytes(staging, 0, at + 2);
  }

  /** An integer reply from the canonical decimal text of the number (what INCR just stored). */
  public void integer(byte[] decimal) {
    repliesWritten++;
    out.writeByte(':');
    out.writeBytes(decimal);
    out.writeBytes(CRLF);
  }

  public void bulk(byte[] value) {
    if (value == null) {
      nullBulk();
      return;
    }
    bulk(value, 0, value.length);
  }

  public void bulk(byte[] value, int offset, int length) {
    repliesWritten++;
    if (length <= SHORT_BULK) {
      // Assembled in the scratch array and written in one piece: one checked write to the
      // direct output instead of three (header, value, CRLF); LPOP's and GET's usual reply.
      byte[] staging = scratch;
      int at = stageHeader(staging, 0, length);
      for (int j = 0; j < length; j++) {
        staging[at + j] = value[offset + j];
      }
      at += length;
      staging[at] = '\r';
      staging[at + 1] = '\n';
      out.writeBytes(staging, 0, at + 2);
      return;
    }
    if (length < BULK_HEADERS.length) {
      out.writeBytes(BULK_HEADERS[length]);
    } else {
      out.writeByte('$');
      writeDecimal(length);
      out.writeBytes(CRLF);
    }
    out.writeBytes(value, offset, length);
    out.writeBytes(CRLF);
  }

  /**
   * Writes {@code count} bulk strings from {@code values[offset..]} (no array header; non-null
   * elements), as bulk-by-bulk writing would. The framing and the elements are assembled in a
   * heap array of the calling thread ({@link #STAGING_BYTES}) with plain array stores and copied
   * into the output in one piece per staging array: the output is a direct buffer, and each of
   * its checked writes (bounds, reference count, an Unsafe copy) cost more than the few bytes of
   * a typical element (LRANGE_600's 600 elements of 3 bytes were half of the node's CPU time).
   * The capacity is ensured once, from the summed size.
   */
  public void bulks(byte[][] values, int offset, int count) {
    int end = offset + count;
    long total = 0;
    for (int i = offset; i < end; i++) {
      int length = values[i].length;
      total += headerSize(length) + length + 2;
    }
    if (total > Integer.MAX_VALUE - out.writerIndex()) {
      for (int i = offset; i < end; i++) {
        bulk(values[i], 0, values[i].length);
      }
      return;
    }
    repliesWritten += count;
    ByteBuf buf = out;
    buf.ensureWritable((int) total);
    byte[] staging = STAGING.get();
    int at = 0;
    for (int i = offset; i < end; i++) {
      byte[] value = values[i];
      int length = value.length;
      if (length > staging.length - at - MAX_FRAMING) {
        buf.writeBytes(staging, 0, at);
        at = 0;
        if (length > staging.length - MAX_FRAMING) {
          // Larger than the staging array: framing and value go to the output as they are.
          at = stageHeader(staging, 0, length);
          buf.writeBytes(staging, 0, at);
          buf.writeBytes(value);
          buf.writeShort(CRLF_SHORT);
          at = 0;
          continue;
        }
      }
      at = stageHeader(staging, at, length);
      if (length <= SMALL_COPY) {
        for (int j = 0; j < length; j++) {
          staging[at + j] = value[j];
        }
      } else {
        System.arraycopy(value, 0, staging, at, length);
      }
      at += length;
      staging[at] = '\r';
      staging[at + 1] = '\n';
      at += 2;
    }
    buf.writeBytes(staging, 0, at);
  }

  /** Writes "$<length>\r\n" at {@code at} of a staging array, returning the index after it. */
  private static int stageHeader(byte[] staging, int at, int length) {
    if (length < 10) {
      // '$', the digit, CR, LF as one little-endian int store.
      INT_LE.set(staging, at, '$' | ('0' + length) << 8 | '\r' << 16 | '\n' << 24);
      return at + 4;
    }
    staging[at] = '$';
    int digits = decimalDigits(length);
    int last = at + digits;
    for (int i = last; i > at; i--) {
      staging[i] = (byte) ('0' + length % 10);
      length /= 10;
    }
    staging[last + 1] = '\r';
    staging[last + 2] = '\n';
    return last + 3;
  }

  /** Bytes of "$<length>\r\n". */
  private static int headerSize(int length) {
    return length < 10 ? 4 : 3 + decimalDigits(length);
  }

  private static int decimalDigits(int value) {
    int digits = 1;
    while (value >= 10) {
      value /= 10;
      digits++;
    }
    return digits;
  }

  public void bulk(String value) {
    if (value == null) {
      nullBulk();
      return;
    }
    bulk(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A long written as a bulk string, as Redis does for INCRBYFLOAT-like and some list replies. */
  public void bulk(long value) {
    bulk(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  /** RESP3 verbatim string (=), plain bulk string for RESP2. Used by INFO and CLIENT LIST-like replies. */
  public void verbatim(String text) {
    if (!resp3()) {
      bulk(text);
      return;
    }
    repliesWritten++;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeByte('=');
    writeDecimal(bytes.length + 4);
    out.writeBytes(CRLF);
    out.writeCharSequence("txt:", StandardCharsets.US_ASCII);
    out.writeBytes(bytes);
    out.writeBytes(CRLF);
  }

  public void nullBulk() {
    repliesWritten++;
    out.writeBytes(resp3() ? NULL3 : NULL_BULK);
  }

  public void nullArray() {
    repliesWritten++;
    out.writeBytes(resp3() ? NULL3 : NULL_ARRAY);
  }

  public void emptyArray() {
    repliesWritten++;
    out.writeBytes(EMPTY_ARRAY);
  }

  public void array(int length) {
    repliesWritten++;
    if (length < ARRAY_HEADERS.length) {
      out.writeBytes(ARRAY_HEADERS[length]);
      return;
    }
    header('*', length);
  }

  /** A map of {@code pairs} entries; a flat array of 2 x pairs for RESP2. */
  public void map(int pairs) {
    if (resp3()) {
      repliesWritten++;
      header('%', pairs);
    } else {
      array(pairs * 2);
    }
  }

  /** A set reply; an array for RESP2. */
  public void set(int length) {
    if (resp3()) {
      repliesWritten++;
      header('~', length);
    } else {
      array(length);
    }
  }

  /** An out-of-band push (pub/sub messages); an array for RESP2. */
  public void push(int length) {
    if (resp3()) {
      repliesWritten++;
      header('>', length);
    } else {
      array(length);
    }
  }

  /** RESP3 double; a bulk string for RESP2, formatted as Redis formats doubles. */
  public void doubleValue(double value) {
    if (resp3()) {
      repliesWritten++;
      out.writeByte(',');
      out.writeCharSequence(formatDouble3(value), StandardCharsets.US_ASCII);
      out.writeBytes(CRLF);
    } else if (value != 0 && value == Math.rint(value) && Math.abs(value) < 1e17) {
      // An integral score (ZPOPMIN's and ZSCORE's usual one): what formatDouble gives, a long's
      // digits, written in place without a String and its bytes.
      long whole = (long) value;
      int length = whole < 0 ? 2 : 1;
      for (long rest = Math.abs(whole); rest >= 10; rest /= 10) {
        length++;
      }
      repliesWritten++;
      if (length < BULK_HEADERS.length) {
        out.writeBytes(BULK_HEADERS[length]);
      } else {
        header('$', length);
      }
      writeDecimal(whole);
      out.writeBytes(CRLF);
    } else {
      bulk(NumberFormat.formatDouble(value));
    }
  }

  public void bool(boolean value) {
    if (resp3()) {
      repliesWritten++;
      out.writeBytes(value ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      integer(value ? 1 : 0);
    }
  }

  /** Bytes that are already a complete RESP reply. */
  public void raw(byte[] resp) {
    repliesWritten++;
    out.writeBytes(resp);
  }

  public void raw(ByteBuf resp) {
    repliesWritten++;
    out.writeBytes(resp);
  }

  private static String formatDouble3(double value) {
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (Double.isNaN(value)) {
      return "nan";
    }
    return NumberFormat.formatDouble(value);
  }

  private void header(char type, long length) {
    out.writeByte(type);
    writeDecimal(length);
    out.writeBytes(CRLF);
  }

  private void writeDecimal(long value) {
    if (value >= 0 && value < 10) {
      out.writeByte('0' + (int) value);
      return;
    }
    if (value == Long.MIN_VALUE) {
      out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
      return;
    }
    // Digits written in place, last first: no String and no charset lookup per reply (LPUSH's
    // length, INCR's value and most headers pass here).
    boolean negative = value < 0;
    long rest = negative ? -value : value;
    int length = negative ? 2 : 1;
    for (long t = rest; t >= 10; t /= 10) {
      length++;
    }
    out.ensureWritable(length);
    int start = out.writerIndex();
    if (negative) {
      out.setByte(start, '-');
    }
    int at = start + length;
    do {
      out.setByte(--at, (int) ('0' + rest % 10));
      rest /= 10;
    } while (rest != 0);
    out.writerIndex(start + length);
  }
}
