package io.shoal.server.persistence.aof;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.server.ServerModule;

/**
 * A test-only write command that is not idempotent, "TESTAPPEND key value", so that tests can see
 * a write replayed twice as well as a write lost (the string families are built elsewhere).
 */
final class AppendCommand implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.register(CommandSpec.builder("testappend", 3).flags(CommandFlag.WRITE, CommandFlag.DENYOOM).keys(1, 1, 1)
        .acl("@write", "@string").group("string").doc("Appends (tests only).", "7.0.0", "O(1)")
        .handler(c -> {
          byte[] previous = c.db().getString(c.arg(1));
          byte[] value = c.arg(2);
          byte[] next = previous == null ? value : new byte[previous.length + value.length];
          if (previous != null) {
            System.arraycopy(previous, 0, next, 0, previous.length);
            System.arraycopy(value, 0, next, previous.length, value.length);
          }
          c.db().setKeepTtl(c.arg(1), next);
          c.reply().integer(next.length);
        }).build());
  }
}
