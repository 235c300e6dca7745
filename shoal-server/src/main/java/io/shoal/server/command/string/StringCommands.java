package io.shoal.server.command.string;

import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import io.shoal.server.propagation.ReplayCommands;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;

/**
 * The string family (Redis's t_string.c): GET, SET and its variants, MGET/MSET, ranges and
 * counters here; bitmaps in {@link BitCommands} and {@link BitField}, LCS in {@link Lcs}.
 * Strings are stored as bare {@code byte[]} values, which are never mutated in place: every
 * change stores a new array, so a value handed to a reply writer can never change under it.
 */
public final class StringCommands implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    read(server, "get", 2, 1, 1, "Returns the string value of a key.", "1.0.0", StringCommands::get);
    write(server, "set", -3, 1, 1, "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0", SetCommand::set);
    write(server, "setnx", 3, 1, 1, "Set the string value of a key only when the key doesn't exist.", "1.0.0", SetCommand::setnx, FAST);
    write(server, "setex", 4, 1, 1, "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "2.0.0", c -> SetCommand.setex(c, false));
    write(server, "psetex", 4, 1, 1, "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "2.6.0", c -> SetCommand.setex(c, true));
    write(server, "getset", 3, 1, 1, "Returns the previous string value of a key after setting it to a new value.", "1.0.0", SetCommand::getset, FAST);
    writeNoOom(server, "getdel", 2, 1, 1, "Returns the string value of a key after deleting the key.", "6.2.0", StringCommands::getdel);
    writeNoOom(server, "getex", -2, 1, 1, "Returns the string value of a key after setting its expiration time.", "6.2.0", SetCommand::getex);
    read(server, "mget", -2, 1, -1, "Atomically returns the string values of one or more keys.", "1.0.0", StringCommands::mget);
    server.register(CommandSpec.builder("mset", -3).flags(WRITE, DENYOOM).keys(1, -1, 2)
        .acl("@write", "@string", "@slow").group("string").doc("Atomically creates or modifies the string values of one or more keys.", "1.0.1", "O(N)")
        .handler(c -> mset(c, false)).build());
    server.register(CommandSpec.builder("msetnx", -3).flags(WRITE, DENYOOM).keys(1, -1, 2)
        .acl("@write", "@string", "@slow").group("string").doc("Atomically modifies the string values of one or more keys only when all keys don't exist.", "1.0.1", "O(N)")
        .handler(c -> mset(c, true)).build());
    write(server, "append", 3, 1, 1, "Appends a string to the value of a key. Creates the key if it doesn't exist.", "2.0.0", StringCommands::append, FAST);
    read(server, "strlen", 2, 1, 1, "Returns the length of a string value.", "2.2.0", StringCommands::strlen);
    read(server, "getrange", 4, 1, 1, "Returns a substring of the string stored at a key.", "2.4.0", StringCommands::getrange);
    read(server, "substr", 4, 1, 1, "Returns a substring from a string value.", "1.0.0", StringCommands::getrange);
    write(server, "setrange", 4, 1, 1, "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "2.2.0", StringCommands::setrange);
    write(server, "incr", 2, 1, 1, "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0", c -> Counters.incrBy(c, 1), FAST);
    write(server, "decr", 2, 1, 1, "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0", c -> Counters.incrBy(c, -1), FAST);
    write(server, "incrby", 3, 1, 1, "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "1.0.0", c -> Counters.incrBy(c, c.argLong(2)), FAST);
    write(server, "decrby", 3, 1, 1, "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", "1.0.0", Counters::decrBy, FAST);
    write(server, "incrbyfloat", 3, 1, 1, "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "2.6.0", Counters::incrByFloat, FAST);
    read(server, "lcs", -3, 1, 2, "Finds the longest common substring.", "7.0.0", Lcs::lcs);
    BitCommands.install(server);
  }

  static void read(ShoalServer server, String name, int arity, int first, int last, String summary, String since,
      CommandHandler handler) {
    boolean fast = !name.equals("getrange") && !name.equals("substr") && !name.equals("lcs");
    CommandSpec.Builder b = CommandSpec.builder(name, arity).keys(first, last, 1).group("string")
        .doc(summary, since).handler(handler);
    b.flags(READONLY);
    if (fast) {
      b.flags(FAST).acl("@read", "@string", "@fast");
    } else {
      b.acl("@read", "@string", "@slow");
    }
    server.register(b.build());
  }

  static void write(ShoalServer server, String name, int arity, int first, int last, String summary, String since,
      CommandHandler handler, CommandFlag... extra) {
    CommandSpec.Builder b = CommandSpec.builder(name, arity).flags(WRITE, DENYOOM).flags(extra).keys(first, last, 1)
        .group("string").doc(summary, since).handler(handler);
    b.acl("@write", "@string", extra.length > 0 ? "@fast" : "@slow");
    server.register(b.build());
  }

  private static void writeNoOom(ShoalServer server, String name, int arity, int first, int last, String summary,
      String since, CommandHandler handler) {
    server.register(CommandSpec.builder(name, arity).flags(WRITE, FAST).keys(first, last, 1).group("string")
        .acl("@write", "@string", "@fast").doc(summary, since).handler(handler).build());
  }

  private static void get(CommandContext c) {
    byte[] key = c.arg(1);
    byte[] value = c.db().getString(key, c.slotOf(key));
    countHit(c, value != null);
    c.reply().bulk(value);
  }

  static void countHit(CommandContext c, boolean hit) {
    if (hit) {
      c.server().stats().keyspaceHits.increment();
    } else {
      c.server().stats().keyspaceMisses.increment();
    }
  }

  private static void getdel(CommandContext c) {
    byte[] key = c.arg(1);
    Database db = c.db();
    byte[] value = db.getString(key);
    if (value != null) {
      db.remove(key);
      c.notify('g', "del", key);
      c.propagateAs(ReplayCommands.DEL, key);
    } else {
      c.propagateNothing();
    }
    c.reply().bulk(value);
  }

  private static void mget(CommandContext c) {
    Database db = c.db();
    int keys = c.argc() - 1;
    int[] slots = c.slotsOfKeys(1, 1, keys);
    if (keys > 1) {
      c.prefetch(db, 1, 1, keys, slots);
    }
    c.reply().array(keys);
    for (int j = 0; j < keys; j++) {
      Object value = db.get(c.arg(j + 1), slots[j]);
      c.reply().bulk(value instanceof byte[] ? (byte[]) value : null);
    }
  }

  private static void mset(CommandContext c, boolean onlyIfNoneExist) {
    if (c.argc() % 2 == 0) {
      throw c.wrongArgs();
    }
    Database db = c.db();
    int keys = (c.argc() - 1) / 2;
    int[] slots = c.slotsOfKeys(1, 2, keys);
    // The keys' memory misses overlap in the prefetch instead of following one another.
    int[] hashes = c.prefetch(db, 1, 2, keys, slots);
    if (onlyIfNoneExist) {
      for (int i = 1; i < c.argc(); i += 2) {
        if (db.exists(c.arg(i))) {
          c.reply().integer(0);
          return;
        }
      }
    }
    for (int j = 0, i = 1; j < keys; j++, i += 2) {
      db.set(c.arg(i), slots[j], hashes[j], c.arg(i + 1));
      c.notify('$', "set", c.arg(i));
    }
    if (onlyIfNoneExist) {
      c.reply().integer(1);
    } else {
      c.reply().ok();
    }
  }

  private static void append(CommandContext c) {
    byte[] key = c.arg(1);
    byte[] suffix = c.arg(2);
    Database db = c.db();
    byte[] value = db.getString(key);
    if (value == null) {
      db.set(key, suffix);
      c.notify('$', "append", key);
      c.reply().integer(suffix.length);
      return;
    }
    checkLength(c, (long) value.length + suffix.length);
    byte[] result = new byte[value.length + suffix.length];
    System.arraycopy(value, 0, result, 0, value.length);
    System.arraycopy(suffix, 0, result, value.length, suffix.length);
    db.setKeepTtl(key, result);
    c.notify('$', "append", key);
    c.reply().integer(result.length);
  }

  /** Redis's checkStringLength: no string may outgrow proto-max-bulk-len (and a Java array). */
  static void checkLength(CommandContext c, long length) {
    long limit = Math.min(c.server().core().protoMaxBulkLen.asLong(), Integer.MAX_VALUE - 8);
    if (length > limit) {
      throw ShoalError.err("string exceeds maximum allowed size (proto-max-bulk-len)");
    }
  }

  private static void strlen(CommandContext c) {
    byte[] value = c.db().getString(c.arg(1));
    c.reply().integer(value == null ? 0 : value.length);
  }

  private static void getrange(CommandContext c) {
    long start = c.argLong(2);
    long end = c.argLong(3);
    byte[] value = c.db().getString(c.arg(1));
    if (value == null) {
      c.reply().bulk(new byte[0]);
      return;
    }
    long length = value.length;
    if (start < 0 && end < 0 && start > end) {
      c.reply().bulk(new byte[0]);
      return;
    }
    if (start < 0) {
      start = length + start;
    }
    if (end < 0) {
      end = length + end;
    }
    if (start < 0) {
      start = 0;
    }
    if (end < 0) {
      end = 0;
    }
    if (end >= length) {
      end = length - 1;
    }
    if (start > end || length == 0) {
      c.reply().bulk(new byte[0]);
      return;
    }
    c.reply().bulk(value, (int) start, (int) (end - start + 1));
  }

  private static void setrange(CommandContext c) {
    byte[] key = c.arg(1);
    long offset = c.argLong(2);
    byte[] patch = c.arg(3);
    if (offset < 0) {
      throw ShoalError.err("offset is out of range");
    }
    Database db = c.db();
    byte[] value = db.getString(key);
    if (value == null) {
      if (patch.length == 0) {
        c.reply().integer(0);
        return;
      }
      checkLength(c, offset + patch.length);
      byte[] created = new byte[(int) (offset + patch.length)];
      System.arraycopy(patch, 0, created, (int) offset, patch.length);
      db.set(key, created);
      c.notify('$', "setrange", key);
      c.reply().integer(created.length);
      return;
    }
    if (patch.length == 0) {
      c.reply().integer(value.length);
      return;
    }
    checkLength(c, offset + patch.length);
    int length = (int) Math.max(value.length, offset + patch.length);
    byte[] result = java.util.Arrays.copyOf(value, length);
    System.arraycopy(patch, 0, result, (int) offset, patch.length);
    db.setKeepTtl(key, result);
    c.notify('$', "setrange", key);
    c.reply().integer(result.length);
  }
}
