package io.shoal.server.command.keys;

import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.keyspace.Database;
import io.shoal.server.propagation.ReplayCommands;
import io.shoal.server.resp.ShoalError;

/**
 * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX, XX, GT, LT), TTL, PTTL, EXPIRETIME,
 * PEXPIRETIME and PERSIST, following Redis's {@code expireGenericCommand} and
 * {@code ttlGenericCommand}: a time already in the past deletes the key at once (reported as
 * "del"), and a key without TTL counts as an infinite TTL for GT and LT.
 */
final class ExpireCommands {
  private ExpireCommands() {}

  static void install(ShoalServer server) {
    KeyCommands.register(server, "expire", -3, 1, 1, "Sets the expiration time of a key in seconds.", "1.0.0", c -> expire(c, true, true), WRITE, FAST);
    KeyCommands.register(server, "pexpire", -3, 1, 1, "Sets the expiration time of a key in milliseconds.", "2.6.0", c -> expire(c, false, true), WRITE, FAST);
    KeyCommands.register(server, "expireat", -3, 1, 1, "Sets the expiration time of a key to a Unix timestamp.", "1.2.0", c -> expire(c, true, false), WRITE, FAST);
    KeyCommands.register(server, "pexpireat", -3, 1, 1, "Sets the expiration time of a key to a Unix milliseconds timestamp.", "2.6.0", c -> expire(c, false, false), WRITE, FAST);
    KeyCommands.register(server, "ttl", 2, 1, 1, "Returns the expiration time in seconds of a key.", "1.0.0", c -> ttl(c, false, false), READONLY, FAST);
    KeyCommands.register(server, "pttl", 2, 1, 1, "Returns the expiration time in milliseconds of a key.", "2.6.0", c -> ttl(c, true, false), READONLY, FAST);
    KeyCommands.register(server, "expiretime", 2, 1, 1, "Returns the expiration time of a key as a Unix timestamp.", "7.0.0", c -> ttl(c, false, true), READONLY, FAST);
    KeyCommands.register(server, "pexpiretime", 2, 1, 1, "Returns the expiration time of a key as a Unix milliseconds timestamp.", "7.0.0", c -> ttl(c, true, true), READONLY, FAST);
    KeyCommands.register(server, "persist", 2, 1, 1, "Removes the expiration time of a key.", "2.2.0", ExpireCommands::persist, WRITE, FAST);
  }

  private static final int NX = 1;
  private static final int XX = 2;
  private static final int GT = 4;
  private static final int LT = 8;

  private static void expire(CommandContext c, boolean seconds, boolean relative) {
    int flags = 0;
    for (int i = 3; i < c.argc(); i++) {
      if (c.argIs(i, "NX")) {
        flags |= NX;
      } else if (c.argIs(i, "XX")) {
        flags |= XX;
      } else if (c.argIs(i, "GT")) {
        flags |= GT;
      } else if (c.argIs(i, "LT")) {
        flags |= LT;
      } else {
        throw ShoalError.err("Unsupported option " + c.argString(i));
      }
    }
    if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
      throw ShoalError.err("NX and XX, GT or LT options at the same time are not compatible");
    }
    if ((flags & GT) != 0 && (flags & LT) != 0) {
      throw ShoalError.err("GT and LT options at the same time are not compatible");
    }
    long when = c.argLong(2);
    String invalid = "invalid expire time in '" + c.spec().fullName() + "' command";
    if (seconds) {
      if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
        throw ShoalError.err(invalid);
      }
      when *= 1000;
    }
    if (relative) {
      long now = c.nowMillis();
      if (when > Long.MAX_VALUE - now) {
        throw ShoalError.err(invalid);
      }
      when += now;
    }
    byte[] key = c.arg(1);
    Database db = c.db();
    long current = db.expireTime(key);
    if (current < 0) {
      c.propagateNothing();
      c.reply().integer(0);
      return;
    }
    boolean persistent = current == 0;
    if (((flags & NX) != 0 && !persistent)
        || ((flags & XX) != 0 && persistent)
        || ((flags & GT) != 0 && (persistent || when <= current))
        || ((flags & LT) != 0 && !persistent && when >= current)) {
      c.propagateNothing();
      c.reply().integer(0);
      return;
    }
    // What happened propagates, not the request: a relative time would land later on replay, and
    // a time in the past is a deletion (Redis's expireGenericCommand does the same).
    if (when <= c.nowMillis()) {
      db.remove(key);
      c.notify('g', "del", key);
      c.propagateAs(ReplayCommands.DEL, key);
    } else {
      db.expireTime(key, when);
      c.notify('g', "expire", key);
      if (relative || seconds || c.argc() > 3) {
        c.propagateAs(ReplayCommands.PEXPIREAT, key, ReplayCommands.number(when));
      }
    }
    c.reply().integer(1);
  }

  private static void ttl(CommandContext c, boolean millis, boolean absolute) {
    long expireAt = c.db().expireTime(c.arg(1));
    if (expireAt < 0) {
      c.reply().integer(-2);
      return;
    }
    if (expireAt == 0) {
      c.reply().integer(-1);
      return;
    }
    long value = absolute ? expireAt : Math.max(0, expireAt - c.nowMillis());
    c.reply().integer(millis ? value : (value + 500) / 1000);
  }

  private static void persist(CommandContext c) {
    byte[] key = c.arg(1);
    Database db = c.db();
    if (db.expireTime(key) > 0) {
      db.expireTime(key, 0);
      c.notify('g', "persist", key);
      c.reply().integer(1);
    } else {
      c.propagateNothing();
      c.reply().integer(0);
    }
  }
}
