package io.shoal.server.command.list;

import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.blocking.BlockingRegistry;
import io.shoal.server.blocking.ClientUnblock;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.types.list.ListValue;
import java.util.List;

/**
 * Test-only stand-ins for commands other branches own (CLIENT ID/UNBLOCK, MULTI/EXEC, a
 * RESTORE-like whole-value write), registered only when the server lacks them, so these tests keep
 * running unchanged once the real commands are merged in.
 *
 * <p>The EXEC stand-in runs its queue as the real one must: every lock taken, each command through
 * {@code Dispatcher.execute(..., locked = true)}, so blocking commands inside it may not block and
 * clients blocked on keys it writes are served after it released its locks.
 */
final class StandIns {
  private StandIns() {}

  static void installIfMissing(ShoalServer server) {
    if (server.commands().lookup("client") == null) {
      server.register(CommandSpec.builder("client", -2).group("connection")
          .subcommand(CommandSpec.builder("id", 2).handler(c -> c.reply().integer(c.client().id())).build())
          .subcommand(ClientUnblock.spec(server.module(BlockingRegistry.class)))
          .build());
    }
    if (server.commands().lookup("multi") == null) {
      server.register(CommandSpec.builder("multi", 1).handler(c -> {
        c.client().beginMulti();
        c.reply().ok();
      }).build());
      server.register(CommandSpec.builder("exec", 1).handler(StandIns::exec).build());
    }
    if (server.commands().lookup("test.replace") == null) {
      // Like RESTORE: replaces the whole value of a key with a fresh list.
      server.register(CommandSpec.builder("test.replace", -3).flags(WRITE).keys(1, 1, 1).handler(c -> {
        ListValue list = new ListValue();
        for (int i = 2; i < c.argc(); i++) {
          list.pushLast(c.arg(i));
        }
        c.db().set(c.arg(1), list);
        c.reply().ok();
      }).build());
    }
  }

  private static void exec(CommandContext c) {
    List<byte[][]> queue = c.client().multiQueue();
    c.client().endMulti();
    SlotLocks locks = c.server().keyspace().locks();
    locks.lockAll();
    try {
      c.reply().array(queue.size());
      for (byte[][] args : queue) {
        CommandSpec spec = c.server().commands().lookup(args[0]);
        c.server().dispatcher().execute(c, spec, args, true);
      }
    } finally {
      locks.unlockAll();
    }
  }
}
