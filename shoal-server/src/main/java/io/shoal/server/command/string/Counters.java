package io.shoal.server.command.string;

import io.shoal.server.command.CommandContext;
import io.shoal.server.keyspace.Database;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.propagation.ReplayCommands;
import java.nio.charset.StandardCharsets;

/**
 * INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT. The stored value must read as a canonical 64-bit
 * integer (or a double for INCRBYFLOAT); the result keeps the key's TTL, as Redis overwrites the
 * value in place.
 */
final class Counters {
  private Counters() {}

  static void decrBy(CommandContext c) {
    long decrement = c.argLong(2);
    if (decrement == Long.MIN_VALUE) {
      throw ShoalError.err("decrement would overflow");
    }
    incrBy(c, -decrement);
  }

  static void incrBy(CommandContext c, long increment) {
    byte[] key = c.arg(1);
    // One lookup for the read and the write; the reply is the stored text itself.
    byte[] stored = c.db().updateString(key, c.slotOf(key), Counters::add, increment);
    c.notify('$', "incrby", key);
    c.reply().integer(stored);
  }

  /** The text of the stored number plus the increment (0 when absent): Redis's incrDecrCommand. */
  private static byte[] add(byte[] value, long increment) {
    long current = value == null ? 0 : NumberFormat.parseLong(value);
    if ((increment < 0 && current < 0 && increment < Long.MIN_VALUE - current)
        || (increment > 0 && current > 0 && increment > Long.MAX_VALUE - current)) {
      throw ShoalError.err("increment or decrement would overflow");
    }
    return SharedIntegers.of(current + increment);
  }

  static void incrByFloat(CommandContext c) {
    byte[] key = c.arg(1);
    Database db = c.db();
    byte[] value = db.getString(key);
    double current = 0;
    if (value != null) {
      Double parsed = NumberFormat.tryParseDouble(value);
      if (parsed == null) {
        throw ShoalError.notFloat();
      }
      current = parsed;
    }
    double increment = c.argDouble(2);
    double result = current + increment;
    if (Double.isNaN(result) || Double.isInfinite(result)) {
      throw ShoalError.err("increment would produce NaN or Infinity");
    }
    byte[] text = NumberFormat.formatHumanFriendly(result).getBytes(StandardCharsets.US_ASCII);
    db.setKeepTtl(key, text);
    // Replaying the addition could round differently elsewhere: the result is what propagates.
    c.propagateAs(ReplayCommands.SET, key, text, ReplayCommands.KEEPTTL);
    c.notify('$', "incrbyfloat", key);
    c.reply().bulk(text);
  }
}
