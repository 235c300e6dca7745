package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.keys.ObjectCommand;
import io.shoal.server.keyspace.AccessClock;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.MemorySize;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG SLEEP, DEBUG OBJECT and DEBUG POPULATE, the parts of Redis's DEBUG that tests and
 * benchmarks use. Redis's DEBUG is one command; here its parts are subcommands so that OBJECT
 * declares its key (and runs under that key's lock) and POPULATE is a keyless write (and runs
 * under every lock).
 */
public final class DebugCommand implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.register(CommandSpec.builder("debug", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
        .acl("@admin", "@slow", "@dangerous").group("server")
        .doc("A container for debugging commands.", "1.0.0", "Depends on subcommand.")
        .subcommand(sub("sleep", 3, DebugCommand::sleep).build())
        .subcommand(sub("object", 3, DebugCommand::object).flags(CommandFlag.READONLY).keys(2, 2, 1).build())
        .subcommand(sub("populate", -3, DebugCommand::populate).flags(WRITE).build())
        .subcommand(sub("help", 2, c -> Help.reply(c.reply(), "DEBUG",
            "OBJECT <key>", "    Show low level info about the <key> and associated value.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cluster slots are not respected so keys not belonging to the",
            "    current node can be created in cluster mode.",
            "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.")).build())
        .build());
  }

  private static CommandSpec.Builder sub(String name, int arity, CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl("@admin", "@slow", "@dangerous")
        .group("server").doc("A container for debugging commands.", "1.0.0", "Depends on subcommand.").handler(handler);
  }

  /** Stops this connection's event loop for the given seconds, as Redis stops its only thread. */
  private static void sleep(CommandContext c) {
    double seconds = c.argDouble(2);
    long micros = (long) (seconds * 1_000_000);
    if (micros > 0) {
      try {
        Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    c.reply().ok();
  }

  private static void object(CommandContext c) {
    Database db = c.db();
    byte[] key = c.arg(2);
    Object value = db.peek(key);
    if (value == null) {
      throw ShoalError.noSuchKey();
    }
    int clock = db.accessClock(key);
    AccessClock access = c.server().keyspace().eviction();
    long idle = access.lfu() ? 0 : access.idleSeconds(clock);
    c.reply().simple("Value at:0x" + Integer.toHexString(System.identityHashCode(value))
        + " refcount:" + ObjectCommand.refcount(c.server(), value) + " encoding:" + ObjectCommand.encoding(value)
        + " serializedlength:" + serializedLength(value)
        + " lru:" + (clock & 0xffffff)
        + " lru_seconds_idle:" + idle);
  }

  /** Roughly what RDB would write: the bytes of a string, the estimate of a collection. */
  private static long serializedLength(Object value) {
    if (value instanceof byte[] bytes) {
      return NumberFormat.isLong(bytes) && bytes.length <= 11 ? Math.min(5, bytes.length) : bytes.length + 1;
    }
    return Math.max(1, MemorySize.ofValue(value) / 2);
  }

  /** DEBUG POPULATE count [prefix] [size]: keys prefix:N with values "value:N", skipping keys that exist. */
  private static void populate(CommandContext c) {
    long count;
    try {
      count = NumberFormat.parseLong(c.arg(2));
    } catch (ShoalError e) {
      throw ShoalError.err("value is out of range, must be positive");
    }
    if (count < 0) {
      throw ShoalError.err("value is out of range, must be positive");
    }
    if (c.argc() > 5) {
      throw ShoalError.syntax();
    }
    String prefix = c.argc() >= 4 ? c.argString(3) : "key";
    long size = 0;
    if (c.argc() == 5) {
      try {
        size = NumberFormat.parseLong(c.arg(4));
      } catch (ShoalError e) {
        throw ShoalError.err("value is out of range, must be positive");
      }
      if (size < 0 || size > c.server().core().protoMaxBulkLen.asLong()) {
        throw ShoalError.err("value is out of range, must be positive");
      }
    }
    Database db = c.db();
    for (long i = 0; i < count; i++) {
      byte[] key = (prefix + ":" + i).getBytes(StandardCharsets.UTF_8);
      if (db.peek(key) != null) {
        continue;
      }
      byte[] text = ("value:" + i).getBytes(StandardCharsets.US_ASCII);
      byte[] value = text;
      if (size > 0) {
        value = new byte[(int) size];
        System.arraycopy(text, 0, value, 0, Math.min(text.length, value.length));
      }
      db.set(key, value);
    }
    c.reply().ok();
  }
}
