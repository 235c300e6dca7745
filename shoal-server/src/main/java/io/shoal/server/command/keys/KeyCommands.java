package io.shoal.server.command.keys;

import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.KeyWriteListener;
import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.keyspace.ValueType;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;

/**
 * The generic key commands (Redis's db.c): DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, COPY,
 * MOVE, SWAPDB, TOUCH. Expiry commands are in {@link ExpireCommands}, whole-keyspace iteration
 * (KEYS, SCAN, RANDOMKEY) in {@link KeyIteration} and OBJECT in {@link ObjectCommand}.
 *
 * <p>MOVE and COPY ... DB stay atomic under the dispatcher's slot locks because slot s of every
 * database shares one lock stripe; SWAPDB has no keys and is a write, so the dispatcher takes
 * every stripe for it.
 */
public final class KeyCommands implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    register(server, "del", -2, 1, -1, "Deletes one or more keys.", "1.0.0", KeyCommands::del, WRITE);
    register(server, "unlink", -2, 1, -1, "Asynchronously deletes one or more keys.", "4.0.0", KeyCommands::del, WRITE, FAST);
    register(server, "exists", -2, 1, -1, "Determines whether one or more keys exist.", "1.0.0", KeyCommands::exists, READONLY, FAST);
    register(server, "type", 2, 1, 1, "Determines the type of value stored at a key.", "1.0.0", KeyCommands::type, READONLY, FAST);
    register(server, "rename", 3, 1, 2, "Renames a key and overwrites the destination.", "1.0.0", c -> rename(c, false), WRITE);
    register(server, "renamenx", 3, 1, 2, "Renames a key only when the target key name doesn't exist.", "1.0.0", c -> rename(c, true), WRITE, FAST);
    register(server, "copy", -3, 1, 2, "Copies the value of a key to a new key.", "6.2.0", KeyCommands::copy, WRITE, CommandFlag.DENYOOM);
    register(server, "move", 3, 1, 1, "Moves a key to another database.", "1.0.0", KeyCommands::move, WRITE, FAST);
    register(server, "swapdb", 3, 0, 0, "Swaps two Redis databases.", "4.0.0", KeyCommands::swapdb, WRITE, FAST);
    register(server, "touch", -2, 1, -1, "Returns the number of existing keys out of those specified after updating the time they were last accessed.", "3.2.1", KeyCommands::touch, READONLY, FAST);
    ExpireCommands.install(server);
    KeyIteration.install(server);
    ObjectCommand.install(server);
  }

  static void register(ShoalServer server, String name, int arity, int first, int last, String summary,
      String since, CommandHandler handler, CommandFlag... flags) {
    boolean write = java.util.Arrays.asList(flags).contains(WRITE);
    boolean fast = java.util.Arrays.asList(flags).contains(FAST);
    server.register(CommandSpec.builder(name, arity).flags(flags).keys(first, last, 1).group("generic")
        .acl("@keyspace", write ? "@write" : "@read", fast ? "@fast" : "@slow")
        .doc(summary, since).handler(handler).build());
  }

  private static void del(CommandContext c) {
    Database db = c.db();
    long deleted = 0;
    for (int i = 1; i < c.argc(); i++) {
      if (db.remove(c.arg(i))) {
        deleted++;
        c.notify('g', "del", c.arg(i));
      }
    }
    if (deleted == 0) {
      c.propagateNothing();
    }
    c.reply().integer(deleted);
  }

  private static void exists(CommandContext c) {
    Database db = c.db();
    long found = 0;
    for (int i = 1; i < c.argc(); i++) {
      if (db.exists(c.arg(i))) {
        found++;
      }
    }
    c.reply().integer(found);
  }

  private static void touch(CommandContext c) {
    Database db = c.db();
    long found = 0;
    for (int i = 1; i < c.argc(); i++) {
      if (db.get(c.arg(i)) != null) {
        found++;
      }
    }
    c.reply().integer(found);
  }

  private static void type(CommandContext c) {
    Object value = c.db().peek(c.arg(1));
    c.reply().simple(value == null ? "none" : ValueType.of(value).typeName());
  }

  private static void rename(CommandContext c, boolean onlyIfAbsent) {
    byte[] source = c.arg(1);
    byte[] target = c.arg(2);
    Database db = c.db();
    Object value = db.peek(source);
    if (value == null) {
      throw ShoalError.noSuchKey();
    }
    if (java.util.Arrays.equals(source, target)) {
      if (onlyIfAbsent) {
        c.reply().integer(0);
      } else {
        c.reply().ok();
      }
      return;
    }
    if (db.exists(target)) {
      if (onlyIfAbsent) {
        c.reply().integer(0);
        return;
      }
      db.remove(target);
    }
    moveEntry(db, source, db, target, value);
    c.notify('g', "rename_from", source);
    c.notify('g', "rename_to", target);
    if (onlyIfAbsent) {
      c.reply().integer(1);
    } else {
      c.reply().ok();
    }
  }

  /** Moves a live entry with its TTL and access clock; the target must be absent. */
  private static void moveEntry(Database from, byte[] source, Database to, byte[] target, Object value) {
    long expireAt = from.expireTime(source);
    int clock = from.accessClock(source);
    from.remove(source);
    to.set(target, value);
    if (expireAt > 0) {
      to.expireTime(target, expireAt);
    }
    to.accessClock(target, clock);
  }

  private static int databaseIndex(CommandContext c, int index) {
    long value = c.argLong(index);
    if (value < 0 || value >= c.server().keyspace().databaseCount()) {
      throw ShoalError.err("DB index is out of range");
    }
    return (int) value;
  }

  private static void copy(CommandContext c) {
    byte[] source = c.arg(1);
    byte[] target = c.arg(2);
    Keyspace keyspace = c.server().keyspace();
    int targetDb = c.client().db();
    boolean replace = false;
    for (int i = 3; i < c.argc(); i++) {
      if (c.argIs(i, "REPLACE")) {
        replace = true;
      } else if (c.argIs(i, "DB") && i + 1 < c.argc()) {
        targetDb = databaseIndex(c, ++i);
        if (c.server().clusterEnabled() && targetDb != 0) {
          throw ShoalError.err("Copying to another database is not allowed in cluster mode");
        }
      } else {
        throw ShoalError.syntax();
      }
    }
    if (targetDb == c.client().db() && java.util.Arrays.equals(source, target)) {
      throw ShoalError.err("source and destination objects are the same");
    }
    Database db = c.db();
    Object value = db.peek(source);
    if (value == null) {
      c.reply().integer(0);
      return;
    }
    Database destination = keyspace.db(targetDb);
    if (destination.exists(target)) {
      if (!replace) {
        c.reply().integer(0);
        return;
      }
      destination.remove(target);
    }
    Object copy = value instanceof byte[] ? value : ((CollectionValue) value).copy();
    long expireAt = db.expireTime(source);
    destination.set(target, copy);
    if (expireAt > 0) {
      destination.expireTime(target, expireAt);
    }
    c.server().notifications().notify('g', "copy_to", target, targetDb);
    if (targetDb != c.client().db()) {
      written(c, targetDb, target);
    }
    c.reply().integer(1);
  }

  private static void move(CommandContext c) {
    long requested = c.argLong(2);
    if (c.server().clusterEnabled()) {
      throw ShoalError.err("MOVE is not allowed in cluster mode");
    }
    Keyspace keyspace = c.server().keyspace();
    if (requested < 0 || requested >= keyspace.databaseCount()) {
      throw ShoalError.err("DB index is out of range");
    }
    int targetDb = (int) requested;
    int sourceDb = c.client().db();
    if (targetDb == sourceDb) {
      throw ShoalError.err("source and destination objects are the same");
    }
    byte[] key = c.arg(1);
    Database db = c.db();
    Object value = db.peek(key);
    Database destination = keyspace.db(targetDb);
    if (value == null || destination.exists(key)) {
      c.reply().integer(0);
      return;
    }
    moveEntry(db, key, destination, key, value);
    c.notify('g', "move_from", key);
    c.server().notifications().notify('g', "move_to", key, targetDb);
    written(c, targetDb, key);
    c.reply().integer(1);
  }

  private static void swapdb(CommandContext c) {
    if (c.server().clusterEnabled()) {
      throw ShoalError.err("SWAPDB is not allowed in cluster mode");
    }
    long first = NumberFormat.parseLong(c.arg(1), "ERR invalid first DB index");
    long second = NumberFormat.parseLong(c.arg(2), "ERR invalid second DB index");
    Keyspace keyspace = c.server().keyspace();
    if (first < 0 || first >= keyspace.databaseCount() || second < 0 || second >= keyspace.databaseCount()) {
      throw ShoalError.err("DB index is out of range");
    }
    if (first != second) {
      keyspace.swap((int) first, (int) second);
      // Keys of both databases changed for WATCH and for clients blocked on them, as Redis's
      // touchAllWatchedKeysInDb and scanDatabaseForReadyKeys see it.
      writtenAll(c, keyspace.db((int) first), (int) first, (int) second);
      writtenAll(c, keyspace.db((int) second), (int) first, (int) second);
    }
    c.reply().ok();
  }

  /** Tells the key-write listeners (WATCH, blocked clients) of a write outside the client's database. */
  private static void written(CommandContext c, int db, byte[] key) {
    for (KeyWriteListener listener : c.server().keyWriteListeners()) {
      listener.keyWritten(db, key, c.client());
    }
  }

  private static void writtenAll(CommandContext c, Database db, int first, int second) {
    if (c.server().keyWriteListeners().isEmpty()) {
      return;
    }
    for (int slot = 0; slot < io.shoal.server.slot.KeySlot.SLOT_COUNT; slot++) {
      io.shoal.server.keyspace.SlotTable table = db.slot(slot);
      if (table == null) {
        continue;
      }
      for (int i = 0; i < table.capacity(); i++) {
        byte[] key = table.keyAt(i);
        if (key != null) {
          written(c, first, key);
          written(c, second, key);
        }
      }
    }
  }
}
