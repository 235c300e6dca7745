package io.shoal.server.command.list;

import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.types.list.ListValue;

/**
 * A test-only command that replaces the whole value of a key with a fresh list, as RESTORE does,
 * to check that any whole-value write wakes clients blocked on the key.
 */
final class StandIns {
  private StandIns() {}

  static void installIfMissing(ShoalServer server) {
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
}
