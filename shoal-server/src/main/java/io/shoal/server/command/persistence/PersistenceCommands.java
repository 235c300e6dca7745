package io.shoal.server.command.persistence;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.NO_ASYNC_LOADING;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.AccessClock;
import io.shoal.server.keyspace.Database;
import io.shoal.server.propagation.ReplayCommands;
import io.shoal.server.persistence.Persistence;
import io.shoal.server.persistence.rdb.DumpPayload;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import java.io.IOException;

/**
 * SAVE, BGSAVE, BGREWRITEAOF, DUMP and RESTORE, over the {@link Persistence} module. LASTSAVE and
 * SHUTDOWN belong to the server commands; Persistence plugs into them.
 */
public final class PersistenceCommands implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.register(CommandSpec.builder("save", 1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING).acl("@admin", "@slow", "@dangerous")
        .group("server").doc("Synchronously saves the database(s) to disk.", "1.0.0", "O(N) where N is the total number of keys in all databases")
        .handler(PersistenceCommands::save).build());
    server.register(CommandSpec.builder("bgsave", -1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING).acl("@admin", "@slow", "@dangerous")
        .group("server").doc("Asynchronously saves the database(s) to disk.", "1.0.0", "O(1)")
        .handler(PersistenceCommands::bgsave).build());
    server.register(CommandSpec.builder("bgrewriteaof", 1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING).acl("@admin", "@slow", "@dangerous")
        .group("server").doc("Asynchronously rewrites the append-only file to disk.", "1.0.0", "O(1)")
        .handler(PersistenceCommands::bgrewriteaof).build());
    server.register(CommandSpec.builder("dump", 2).flags(READONLY).keys(1, 1, 1).acl("@keyspace", "@read", "@slow")
        .group("generic").doc("Returns a serialized representation of the value stored at a key.", "2.6.0",
            "O(1) to access the key and additional O(N*M) to serialize it")
        .handler(PersistenceCommands::dump).build());
    server.register(CommandSpec.builder("restore", -4).flags(WRITE, DENYOOM).keys(1, 1, 1).acl("@keyspace", "@write", "@slow", "@dangerous")
        .group("generic").doc("Creates a key from the serialized representation of a value.", "2.6.0",
            "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value")
        .handler(PersistenceCommands::restore).build());
  }

  private static Persistence persistence(CommandContext c) {
    return c.server().module(Persistence.class);
  }

  private static void save(CommandContext c) {
    Persistence persistence = persistence(c);
    if (persistence.bgsaveInProgress()) {
      throw ShoalError.err("Background save already in progress");
    }
    try {
      persistence.save();
      c.reply().ok();
    } catch (IOException e) {
      throw ShoalError.err(e.getMessage() == null ? "Error saving the DB" : e.getMessage());
    }
  }

  private static void bgsave(CommandContext c) {
    boolean schedule = false;
    if (c.argc() == 2 && c.argIs(1, "SCHEDULE")) {
      schedule = true;
    } else if (c.argc() > 1) {
      throw ShoalError.syntax();
    }
    Persistence persistence = persistence(c);
    if (persistence.bgsaveInProgress()) {
      throw ShoalError.err("Background save already in progress");
    }
    if (persistence.rewriteInProgress()) {
      if (!schedule) {
        throw ShoalError.err("An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
      }
      c.reply().simple("Background saving scheduled");
      return;
    }
    if (!persistence.startBgsave()) {
      throw ShoalError.err("Background save already in progress");
    }
    c.reply().simple("Background saving started");
  }

  private static void bgrewriteaof(CommandContext c) {
    Persistence persistence = persistence(c);
    if (persistence.rewriteInProgress()) {
      throw ShoalError.err("Background append only file rewriting already in progress");
    }
    if (persistence.startRewrite()) {
      c.reply().simple("Background append only file rewriting started");
    } else {
      c.reply().simple("Background append only file rewriting scheduled");
    }
  }

  private static void dump(CommandContext c) {
    Object value = c.db().peek(c.arg(1));
    if (value == null) {
      c.reply().nullBulk();
      return;
    }
    c.reply().bulk(DumpPayload.create(value, persistence(c).codecs()));
  }

  /** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], in Redis's order of checks. */
  private static void restore(CommandContext c) {
    boolean replace = false;
    boolean absoluteTtl = false;
    long idle = -1;
    long frequency = -1;
    for (int i = 4; i < c.argc(); i++) {
      boolean more = i + 1 < c.argc();
      if (c.argIs(i, "REPLACE")) {
        replace = true;
      } else if (c.argIs(i, "ABSTTL")) {
        absoluteTtl = true;
      } else if (c.argIs(i, "IDLETIME") && more && frequency == -1) {
        idle = c.argLong(++i);
        if (idle < 0) {
          throw ShoalError.err("Invalid IDLETIME value, must be >= 0");
        }
      } else if (c.argIs(i, "FREQ") && more && idle == -1) {
        frequency = c.argLong(++i);
        if (frequency < 0 || frequency > 255) {
          throw ShoalError.err("Invalid FREQ value, must be >= 0 and <= 255");
        }
      } else {
        throw ShoalError.syntax();
      }
    }
    byte[] key = c.arg(1);
    Database db = c.db();
    if (!replace && db.exists(key)) {
      throw new ShoalError("BUSYKEY Target key name already exists.");
    }
    long ttl = c.argLong(2);
    if (ttl < 0) {
      throw ShoalError.err("Invalid TTL value, must be >= 0");
    }
    byte[] payload = c.arg(3);
    if (!DumpPayload.verify(payload)) {
      throw ShoalError.err("DUMP payload version or checksum are wrong");
    }
    Object value;
    try {
      value = DumpPayload.read(payload, persistence(c).codecs());
    } catch (IOException e) {
      throw ShoalError.err("Bad data format");
    }
    boolean deleted = replace && db.remove(key);
    if (ttl != 0 && !absoluteTtl) {
      ttl += c.nowMillis();
    }
    if (ttl != 0 && ttl <= c.nowMillis()) {
      // Nothing is created: the only effect is the deletion of what REPLACE removed.
      if (deleted) {
        c.notify('g', "del", key);
        c.propagateAs(ReplayCommands.DEL, key);
      } else {
        c.propagateNothing();
      }
      c.reply().ok();
      return;
    }
    if (ttl != 0 && !absoluteTtl) {
      // The TTL counted from now would count from the replay: the absolute time propagates.
      byte[][] absolute = java.util.Arrays.copyOf(c.args(), c.argc() + 1);
      absolute[2] = ReplayCommands.number(ttl);
      absolute[c.argc()] = ReplayCommands.ABSTTL;
      c.propagateAs(absolute);
    }
    db.set(key, value);
    if (ttl != 0) {
      db.expireTime(key, ttl);
    }
    AccessClock clock = db.keyspace().eviction();
    if (clock.lfu() && frequency >= 0) {
      db.accessClock(key, (int) (((c.nowMillis() / 60000) & 0xffff) << 8 | frequency));
    } else if (!clock.lfu() && idle >= 0) {
      db.accessClock(key, (int) (c.nowMillis() / 1000 - idle));
    }
    c.notify('g', "restore", key);
    c.reply().ok();
  }
}
