package io.shoal.server.command.string;

import io.shoal.server.command.CommandContext;
import io.shoal.server.keyspace.Database;
import io.shoal.server.propagation.ReplayCommands;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;

/**
 * SET with its options, and the commands that are SET in disguise (SETNX, SETEX, PSETEX, GETSET)
 * or share its expiry options (GETEX). Parsing follows Redis's
 * {@code parseExtendedStringArgumentsOrReply}, so conflicting options give the same syntax error
 * and bad times give "invalid expire time in '...' command".
 */
final class SetCommand {
  private static final int NX = 1;
  private static final int XX = 2;
  private static final int GET = 4;
  private static final int KEEPTTL = 8;
  private static final int PERSIST = 16;
  private static final int EXPIRE = 32;

  private SetCommand() {}

  /** The parsed options: flags and, if an expiry was given, its absolute unix milliseconds. */
  private static final class Options {
    int flags;
    long expireAtMillis;
  }

  private static Options parse(CommandContext c, int from, boolean forSet) {
    Options options = new Options();
    for (int i = from; i < c.argc(); i++) {
      boolean hasNext = i + 1 < c.argc();
      if (forSet && c.argIs(i, "NX") && (options.flags & XX) == 0) {
        options.flags |= NX;
      } else if (forSet && c.argIs(i, "XX") && (options.flags & NX) == 0) {
        options.flags |= XX;
      } else if (forSet && c.argIs(i, "GET")) {
        options.flags |= GET;
      } else if (forSet && c.argIs(i, "KEEPTTL") && (options.flags & (EXPIRE | PERSIST)) == 0) {
        options.flags |= KEEPTTL;
      } else if (!forSet && c.argIs(i, "PERSIST") && (options.flags & (EXPIRE | KEEPTTL)) == 0) {
        options.flags |= PERSIST;
      } else if (hasNext && (options.flags & (EXPIRE | KEEPTTL | PERSIST)) == 0 && isExpireOption(c, i)) {
        options.expireAtMillis = expireAt(c, c.option(i), c.arg(i + 1));
        options.flags |= EXPIRE;
        i++;
      } else {
        throw ShoalError.syntax();
      }
    }
    return options;
  }

  private static boolean isExpireOption(CommandContext c, int i) {
    return c.argIs(i, "EX") || c.argIs(i, "PX") || c.argIs(i, "EXAT") || c.argIs(i, "PXAT");
  }

  /** Redis's getExpireMillisecondsOrReply: positive, no overflow, relative times made absolute. */
  private static long expireAt(CommandContext c, String unit, byte[] text) {
    long value = NumberFormat.parseLong(text);
    boolean seconds = unit.equals("EX") || unit.equals("EXAT");
    boolean relative = unit.equals("EX") || unit.equals("PX");
    String invalid = "invalid expire time in '" + c.spec().fullName() + "' command";
    if (value <= 0 || (seconds && value > Long.MAX_VALUE / 1000)) {
      throw ShoalError.err(invalid);
    }
    if (seconds) {
      value *= 1000;
    }
    if (relative) {
      long now = c.nowMillis();
      if (value > Long.MAX_VALUE - now) {
        throw ShoalError.err(invalid);
      }
      value += now;
    }
    return value;
  }

  static void set(CommandContext c) {
    if (c.argc() == 3) {
      // The plain SET of benchmarks and caches: no option parsing, no allocation.
      byte[] key = c.arg(1);
      c.db().set(key, c.slotOf(key), c.arg(2));
      c.notify('$', "set", key);
      c.reply().ok();
      return;
    }
    Options options = parse(c, 3, true);
    byte[] key = c.arg(1);
    Database db = c.db();
    boolean get = (options.flags & GET) != 0;
    byte[] previous = null;
    boolean exists;
    if (get) {
      previous = db.getString(key);
      exists = previous != null;
    } else {
      exists = db.exists(key);
    }
    boolean refused = ((options.flags & NX) != 0 && exists) || ((options.flags & XX) != 0 && !exists);
    if (refused) {
      c.propagateNothing();
      if (get) {
        c.reply().bulk(previous);
      } else {
        c.reply().nullBulk();
      }
      return;
    }
    store(c, key, c.arg(2), options);
    if (get) {
      c.reply().bulk(previous);
    } else {
      c.reply().ok();
    }
  }

  private static void store(CommandContext c, byte[] key, byte[] value, Options options) {
    Database db = c.db();
    if ((options.flags & KEEPTTL) != 0) {
      db.setKeepTtl(key, value);
    } else {
      db.set(key, value);
    }
    c.notify('$', "set", key);
    if ((options.flags & EXPIRE) != 0) {
      db.expireTime(key, options.expireAtMillis);
      c.notify('g', "expire", key);
      // A relative time would expire later on replay: the absolute time propagates, as Redis 7's
      // setGenericCommand does (NX, XX and GET have done their work by now).
      c.propagateAs(ReplayCommands.SET, key, value, ReplayCommands.PXAT,
          ReplayCommands.number(options.expireAtMillis));
    }
  }

  static void setnx(CommandContext c) {
    Database db = c.db();
    if (db.exists(c.arg(1))) {
      c.reply().integer(0);
      return;
    }
    db.set(c.arg(1), c.arg(2));
    c.notify('$', "set", c.arg(1));
    c.reply().integer(1);
  }

  static void setex(CommandContext c, boolean millis) {
    Options options = new Options();
    options.flags = EXPIRE;
    options.expireAtMillis = expireAt(c, millis ? "PX" : "EX", c.arg(2));
    store(c, c.arg(1), c.arg(3), options);
    c.reply().ok();
  }

  static void getset(CommandContext c) {
    byte[] previous = c.db().getString(c.arg(1));
    c.db().set(c.arg(1), c.arg(2));
    c.notify('$', "set", c.arg(1));
    c.reply().bulk(previous);
  }

  static void getex(CommandContext c) {
    Options options = parse(c, 2, false);
    byte[] key = c.arg(1);
    Database db = c.db();
    byte[] value = db.getString(key);
    // GETEX propagates what it did, as Redis's getexCommand: PEXPIREAT, DEL or PERSIST.
    c.propagateNothing();
    if (value == null) {
      c.reply().nullBulk();
      return;
    }
    if ((options.flags & EXPIRE) != 0) {
      if (options.expireAtMillis <= c.nowMillis()) {
        db.remove(key);
        c.notify('g', "del", key);
        c.propagateAs(ReplayCommands.DEL, key);
      } else {
        db.expireTime(key, options.expireAtMillis);
        c.notify('g', "expire", key);
        c.propagateAs(ReplayCommands.PEXPIREAT, key, ReplayCommands.number(options.expireAtMillis));
      }
    } else if ((options.flags & PERSIST) != 0 && db.expireTime(key) > 0) {
      db.expireTime(key, 0);
      c.notify('g', "persist", key);
      c.propagateAs(ReplayCommands.PERSIST, key);
    }
    c.reply().bulk(value);
  }
}
