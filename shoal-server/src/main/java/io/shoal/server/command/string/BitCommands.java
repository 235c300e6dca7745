package io.shoal.server.command.string;

import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;
import java.util.Arrays;

/**
 * Bitmaps over string values (Redis's bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP.
 * Bit 0 is the most significant bit of byte 0, as in Redis. Strings grow with zero bytes when a
 * write reaches past their end, bounded by proto-max-bulk-len.
 */
final class BitCommands {
  private BitCommands() {}

  static void install(ShoalServer server) {
    server.register(CommandSpec.builder("setbit", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).group("bitmap")
        .acl("@write", "@bitmap", "@slow").doc("Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", "2.2.0", "O(1)")
        .handler(BitCommands::setbit).build());
    server.register(CommandSpec.builder("getbit", 3).flags(READONLY, FAST).keys(1, 1, 1).group("bitmap")
        .acl("@read", "@bitmap", "@fast").doc("Returns a bit value by offset.", "2.2.0", "O(1)").handler(BitCommands::getbit).build());
    server.register(CommandSpec.builder("bitcount", -2).flags(READONLY).keys(1, 1, 1).group("bitmap")
        .acl("@read", "@bitmap", "@slow").doc("Counts the number of set bits (population counting) in a string.", "2.6.0", "O(N)").handler(BitCommands::bitcount).build());
    server.register(CommandSpec.builder("bitpos", -3).flags(READONLY).keys(1, 1, 1).group("bitmap")
        .acl("@read", "@bitmap", "@slow").doc("Finds the first set (1) or clear (0) bit in a string.", "2.8.7", "O(N)").handler(BitCommands::bitpos).build());
    server.register(CommandSpec.builder("bitop", -4).flags(WRITE, DENYOOM).keys(2, -1, 1).group("bitmap")
        .acl("@write", "@bitmap", "@slow").doc("Performs bitwise operations on multiple strings, and stores the result.", "2.6.0", "O(N)").handler(BitCommands::bitop).build());
    server.register(CommandSpec.builder("bitfield", -2).flags(WRITE, DENYOOM).keys(1, 1, 1).group("bitmap")
        .acl("@write", "@bitmap", "@slow").doc("Performs arbitrary bitfield integer operations on strings.", "3.2.0", "O(1)").handler(c -> BitField.run(c, false)).build());
    server.register(CommandSpec.builder("bitfield_ro", -2).flags(READONLY, FAST).keys(1, 1, 1).group("bitmap")
        .acl("@read", "@bitmap", "@fast").doc("Performs arbitrary read-only bitfield integer operations on strings.", "6.0.0", "O(1)").handler(c -> BitField.run(c, true)).build());
  }

  /** Redis's getBitOffsetFromArgument; with {@code hashAllowed}, "#n" means n times the field width. */
  static long bitOffset(CommandContext c, byte[] text, boolean hashAllowed, int bits) {
    boolean hash = hashAllowed && text.length > 0 && text[0] == '#';
    byte[] digits = hash ? Arrays.copyOfRange(text, 1, text.length) : text;
    String error = "ERR bit offset is not an integer or out of range";
    long value = NumberFormat.parseLong(digits, error);
    if (hash) {
      value = value > Long.MAX_VALUE / bits ? -1 : value * bits;
    }
    long limit = Math.min(c.server().core().protoMaxBulkLen.asLong(), Integer.MAX_VALUE - 8) * 8;
    if (value < 0 || value >= limit) {
      throw new ShoalError(error);
    }
    return value;
  }

  /** The string for a bit write, grown with zero bytes to hold {@code bitOffset}; never null. */
  static byte[] growFor(byte[] value, long bitOffset) {
    int needed = (int) (bitOffset >>> 3) + 1;
    if (value == null) {
      return new byte[needed];
    }
    return value.length >= needed ? value.clone() : Arrays.copyOf(value, needed);
  }

  private static void setbit(CommandContext c) {
    long offset = bitOffset(c, c.arg(2), false, 1);
    byte[] bitText = c.arg(3);
    if (bitText.length != 1 || (bitText[0] != '0' && bitText[0] != '1')) {
      throw ShoalError.err("bit is not an integer or out of range");
    }
    byte[] key = c.arg(1);
    Database db = c.db();
    byte[] value = growFor(db.getString(key), offset);
    int index = (int) (offset >>> 3);
    int mask = 1 << (7 - (int) (offset & 7));
    int previous = (value[index] & mask) != 0 ? 1 : 0;
    if (bitText[0] == '1') {
      value[index] |= (byte) mask;
    } else {
      value[index] &= (byte) ~mask;
    }
    db.setKeepTtl(key, value);
    c.notify('$', "setbit", key);
    c.reply().integer(previous);
  }

  private static void getbit(CommandContext c) {
    long offset = bitOffset(c, c.arg(2), false, 1);
    byte[] value = c.db().getString(c.arg(1));
    c.reply().integer(bit(value, offset));
  }

  static int bit(byte[] value, long offset) {
    int index = (int) (offset >>> 3);
    if (value == null || index >= value.length) {
      return 0;
    }
    return (value[index] >> (7 - (int) (offset & 7))) & 1;
  }

  /** A resolved inclusive bit range, or null when empty. */
  private static long[] range(long start, long end, long lengthBytes, boolean bitUnit) {
    long total = bitUnit ? lengthBytes * 8 : lengthBytes;
    if (start < 0) {
      start = total + start;
    }
    if (end < 0) {
      end = total + end;
    }
    if (start < 0) {
      start = 0;
    }
    if (end < 0) {
      end = 0;
    }
    if (end >= total) {
      end = total - 1;
    }
    if (start > end) {
      return null;
    }
    return bitUnit ? new long[] {start, end} : new long[] {start * 8, end * 8 + 7};
  }

  private static boolean unit(CommandContext c, int index) {
    if (c.argIs(index, "BIT")) {
      return true;
    }
    if (c.argIs(index, "BYTE")) {
      return false;
    }
    throw ShoalError.syntax();
  }

  private static void bitcount(CommandContext c) {
    long start = 0;
    long end = -1;
    boolean bitUnit = false;
    if (c.argc() == 4 || c.argc() == 5) {
      start = c.argLong(2);
      end = c.argLong(3);
      if (c.argc() == 5) {
        bitUnit = unit(c, 4);
      }
    } else if (c.argc() != 2) {
      throw ShoalError.syntax();
    }
    byte[] value = c.db().getString(c.arg(1));
    if (value == null) {
      c.reply().integer(0);
      return;
    }
    long[] bits = range(start, end, value.length, bitUnit);
    if (bits == null) {
      c.reply().integer(0);
      return;
    }
    c.reply().integer(count(value, bits[0], bits[1]));
  }

  private static long count(byte[] value, long fromBit, long toBit) {
    long total = 0;
    long bit = fromBit;
    while (bit <= toBit && (bit & 7) != 0) {
      total += bit(value, bit++);
    }
    while (bit + 7 <= toBit) {
      total += Integer.bitCount(value[(int) (bit >>> 3)] & 0xff);
      bit += 8;
    }
    while (bit <= toBit) {
      total += bit(value, bit++);
    }
    return total;
  }

  private static void bitpos(CommandContext c) {
    byte[] bitText = c.arg(2);
    long wanted = NumberFormat.parseLong(bitText);
    if (wanted != 0 && wanted != 1) {
      throw ShoalError.err("The bit argument must be 1 or 0.");
    }
    long start = 0;
    long end = -1;
    boolean endGiven = false;
    boolean bitUnit = false;
    if (c.argc() >= 4) {
      start = c.argLong(3);
    }
    if (c.argc() >= 5) {
      end = c.argLong(4);
      endGiven = true;
    }
    if (c.argc() == 6) {
      bitUnit = unit(c, 5);
    } else if (c.argc() > 6) {
      throw ShoalError.syntax();
    }
    byte[] value = c.db().getString(c.arg(1));
    if (value == null) {
      c.reply().integer(wanted == 1 ? -1 : 0);
      return;
    }
    long[] bits = range(start, end, value.length, bitUnit);
    if (bits == null) {
      c.reply().integer(-1);
      return;
    }
    for (long bit = bits[0]; bit <= bits[1]; bit++) {
      if ((bit & 7) == 0 && bit + 7 <= bits[1]) {
        int whole = value[(int) (bit >>> 3)] & 0xff;
        if ((wanted == 1 && whole == 0) || (wanted == 0 && whole == 0xff)) {
          bit += 7;
          continue;
        }
      }
      if (bit(value, bit) == wanted) {
        c.reply().integer(bit);
        return;
      }
    }
    // Looking for a clear bit without an explicit end: the string is as if padded with zeros.
    c.reply().integer(wanted == 0 && !endGiven ? bits[1] + 1 : -1);
  }

  private static void bitop(CommandContext c) {
    String op = c.option(1);
    if (!op.equals("AND") && !op.equals("OR") && !op.equals("XOR") && !op.equals("NOT")) {
      throw ShoalError.syntax();
    }
    if (op.equals("NOT") && c.argc() != 4) {
      throw ShoalError.err("BITOP NOT must be called with a single source key.");
    }
    Database db = c.db();
    int sources = c.argc() - 3;
    byte[][] values = new byte[sources][];
    int length = 0;
    for (int i = 0; i < sources; i++) {
      Object value = db.get(c.arg(3 + i));
      if (value != null && !(value instanceof byte[])) {
        throw ShoalError.wrongType();
      }
      values[i] = value == null ? new byte[0] : (byte[]) value;
      length = Math.max(length, values[i].length);
    }
    byte[] result = new byte[length];
    for (int b = 0; b < length; b++) {
      int acc = byteAt(values[0], b);
      switch (op) {
        case "NOT":
          acc = ~acc;
          break;
        case "AND":
          for (int i = 1; i < sources; i++) {
            acc &= byteAt(values[i], b);
          }
          break;
        case "OR":
          for (int i = 1; i < sources; i++) {
            acc |= byteAt(values[i], b);
          }
          break;
        default:
          for (int i = 1; i < sources; i++) {
            acc ^= byteAt(values[i], b);
          }
          break;
      }
      result[b] = (byte) acc;
    }
    byte[] destination = c.arg(2);
    if (length == 0) {
      if (db.remove(destination)) {
        c.notify('g', "del", destination);
      }
    } else {
      db.set(destination, result);
      c.notify('$', "set", destination);
    }
    c.reply().integer(length);
  }

  private static int byteAt(byte[] value, int index) {
    return index < value.length ? value[index] & 0xff : 0;
  }
}
