package io.shoal.server.command.transaction;

import static io.shoal.server.command.CommandFlag.ALLOW_BUSY;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.SKIP_SLOWLOG;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import io.shoal.server.transaction.TransactionExecutor;
import io.shoal.server.transaction.Watches;

/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing while in MULTI is the dispatcher's; this module
 * owns the watch registry ({@link Watches}) and EXEC ({@link TransactionExecutor}). FLUSHDB,
 * FLUSHALL and SWAPDB may reach the registry through {@code server.module(TransactionCommands.class)
 * .watches()}.
 */
public final class TransactionCommands implements ServerModule {
  private final Watches watches = new Watches();
  private TransactionExecutor executor;

  public Watches watches() {
    return watches;
  }

  @Override
  public void install(ShoalServer server) {
    executor = new TransactionExecutor(server, watches);
    watches.attach(server);
    server.register(CommandSpec.builder("multi", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
        .acl("@fast", "@transaction").group("transactions").doc("Starts a transaction.", "1.2.0", "O(1)")
        .handler(TransactionCommands::multi).build());
    server.register(CommandSpec.builder("exec", 1).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG)
        .acl("@slow", "@transaction").group("transactions")
        .doc("Executes all commands in a transaction.", "1.2.0", "Depends on commands in the transaction")
        .handler(executor::exec).build());
    server.register(CommandSpec.builder("discard", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
        .acl("@fast", "@transaction").group("transactions").doc("Discards a transaction.", "2.0.0",
            "O(N), when N is the number of queued commands")
        .handler(this::discard).build());
    server.register(CommandSpec.builder("watch", -2).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
        .keys(1, -1, 1).acl("@fast", "@transaction").group("transactions")
        .doc("Monitors changes to keys to determine the execution of a transaction.", "2.2.0", "O(1) for every key.")
        .handler(this::watch).build());
    server.register(CommandSpec.builder("unwatch", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
        .acl("@fast", "@transaction").group("transactions")
        .doc("Forgets about watched keys of a transaction.", "2.2.0", "O(1)")
        .handler(this::unwatch).build());
  }

  @Override
  public void start(ShoalServer server) {
    watches.chainKeyEvents(server);
  }

  private static void multi(CommandContext c) {
    ClientConnection client = c.client();
    if (client.inMulti()) {
      throw ShoalError.err("MULTI calls can not be nested");
    }
    client.beginMulti();
    c.reply().ok();
  }

  private void discard(CommandContext c) {
    ClientConnection client = c.client();
    if (!client.inMulti()) {
      throw ShoalError.err("DISCARD without MULTI");
    }
    client.endMulti();
    watches.unwatchAll(client);
    c.reply().ok();
  }

  private void watch(CommandContext c) {
    if (c.client().inMulti()) {
      throw ShoalError.err("WATCH inside MULTI is not allowed");
    }
    for (int i = 1; i < c.argc(); i++) {
      watches.watch(c.client(), c.db(), c.arg(i));
    }
    c.reply().ok();
  }

  private void unwatch(CommandContext c) {
    watches.unwatchAll(c.client());
    c.reply().ok();
  }
}
