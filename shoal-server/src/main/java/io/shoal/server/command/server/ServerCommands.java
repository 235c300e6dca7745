package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.ALLOW_BUSY;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.NO_MULTI;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.STALE;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import io.shoal.server.server.SlowLog;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Whole-server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, LASTSAVE, SLOWLOG, LATENCY, MEMORY and
 * SHUTDOWN. FLUSHDB and FLUSHALL are keyless writes, so the dispatcher holds every slot lock while
 * they run and no command sees half a flush.
 *
 * <p>Persistence plugs in through {@link #lastSave(LongSupplier)} and {@link #addShutdownHook}.
 */
public final class ServerCommands implements ServerModule {
  private volatile LongSupplier lastSaveSeconds;
  private final List<ShutdownHook> shutdownHooks = new CopyOnWriteArrayList<>();

  @Override
  public void install(ShoalServer server) {
    lastSaveSeconds = () -> server.startedMillis() / 1000;
    server.register(CommandSpec.builder("dbsize", 1).flags(READONLY, FAST).acl("@keyspace", "@read", "@fast")
        .group("server").doc("Returns the number of keys in the database.", "1.0.0", "O(1)")
        .handler(c -> c.reply().integer(c.db().size())).build());
    server.register(CommandSpec.builder("flushdb", -1).flags(WRITE).acl("@keyspace", "@write", "@slow", "@dangerous")
        .group("server").doc("Removes all keys from the current database.", "1.0.0", "O(N) where N is the number of keys in the selected database")
        .handler(c -> {
          flushMode(c);
          c.server().keyspace().flush(c.client().db());
          c.reply().ok();
        }).build());
    server.register(CommandSpec.builder("flushall", -1).flags(WRITE).acl("@keyspace", "@write", "@slow", "@dangerous")
        .group("server").doc("Removes all keys from all databases.", "1.0.0", "O(N) where N is the total number of keys in all databases")
        .handler(c -> {
          flushMode(c);
          c.server().keyspace().flushAll();
          c.reply().ok();
        }).build());
    server.register(CommandSpec.builder("time", 1).flags(LOADING, STALE, FAST).acl("@fast")
        .group("server").doc("Returns the server time.", "2.6.0", "O(1)")
        .handler(ServerCommands::time).build());
    server.register(CommandSpec.builder("lastsave", 1).flags(LOADING, STALE, FAST).acl("@fast", "@admin", "@dangerous")
        .group("server").doc("Returns the Unix timestamp of the last successful save to disk.", "1.0.0", "O(1)")
        .handler(c -> c.reply().integer(lastSaveSeconds.getAsLong())).build());
    server.register(CommandSpec.builder("shutdown", -1).flags(ADMIN, NOSCRIPT, LOADING, STALE, NO_MULTI, ALLOW_BUSY)
        .acl("@admin", "@slow", "@dangerous").group("server")
        .doc("Synchronously saves the database(s) to disk and shuts down the Redis server.", "1.0.0",
            "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)")
        .handler(this::shutdown).build());
    server.register(SlowLogCommand.spec());
    LatencyMonitor latency = new LatencyMonitor(server.core().latencyMonitorThreshold, server::nowMillis);
    server.addCommandListener(latency);
    server.register(LatencyCommand.spec(latency));
    server.register(MemoryCommand.spec());
  }

  /** Persistence reports the time of its last successful save here. */
  public void lastSave(LongSupplier unixSeconds) {
    this.lastSaveSeconds = unixSeconds;
  }

  public void addShutdownHook(ShutdownHook hook) {
    shutdownHooks.add(hook);
  }

  static long lastSaveOf(ShoalServer server) {
    try {
      return server.module(ServerCommands.class).lastSaveSeconds.getAsLong();
    } catch (IllegalStateException e) {
      return server.startedMillis() / 1000;
    }
  }

  private static void flushMode(CommandContext c) {
    if (c.argc() > 2 || (c.argc() == 2 && !c.argIs(1, "SYNC") && !c.argIs(1, "ASYNC"))) {
      throw ShoalError.syntax();
    }
  }

  private static void time(CommandContext c) {
    Instant now = Instant.now();
    Reply reply = c.reply();
    reply.array(2);
    reply.bulk(now.getEpochSecond());
    reply.bulk(now.getNano() / 1000);
  }

  /**
   * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success the client gets no reply: its
   * connection closes and the node stops on a thread of its own, since the event loop that runs
   * this command is one of those being stopped.
   */
  private void shutdown(CommandContext c) {
    boolean save = false;
    boolean noSave = false;
    boolean force = false;
    boolean abort = false;
    for (int i = 1; i < c.argc(); i++) {
      if (c.argIs(i, "NOSAVE")) {
        noSave = true;
      } else if (c.argIs(i, "SAVE")) {
        save = true;
      } else if (c.argIs(i, "NOW")) {
        continue;
      } else if (c.argIs(i, "FORCE")) {
        force = true;
      } else if (c.argIs(i, "ABORT")) {
        abort = true;
      } else {
        throw ShoalError.syntax();
      }
    }
    if ((save && noSave) || (abort && c.argc() > 2)) {
      throw ShoalError.syntax();
    }
    if (abort) {
      throw ShoalError.err("No shutdown in progress.");
    }
    for (ShutdownHook hook : shutdownHooks) {
      try {
        hook.beforeShutdown(save, noSave, force);
      } catch (ShoalError e) {
        if (!force) {
          throw ShoalError.err("Errors trying to SHUTDOWN. Check logs.");
        }
      }
    }
    c.client().closing(true);
    ShoalServer server = c.server();
    Thread stopper = new Thread(server::stop, "shoal-shutdown");
    stopper.setDaemon(false);
    stopper.start();
  }

  static void writeSlowLogEntry(Reply reply, SlowLog.Entry entry) {
    reply.array(6);
    reply.integer(entry.id());
    reply.integer(entry.unixSeconds());
    reply.integer(entry.micros());
    reply.array(entry.args().size());
    for (byte[] arg : entry.args()) {
      reply.bulk(arg);
    }
    reply.bulk(entry.peer());
    reply.bulk(entry.clientName());
  }
}
