package io.shoal.server.blocking;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.ShoalError;

/**
 * CLIENT UNBLOCK client-id [TIMEOUT|ERROR], as a subcommand for whoever owns CLIENT: add
 * {@code .subcommand(ClientUnblock.spec(server.module(BlockingRegistry.class)))} to the CLIENT
 * container, or call {@link #execute} from an existing CLIENT handler. Replies 1 if the client was
 * blocked and is now unblocked, 0 otherwise, as Redis does.
 */
public final class ClientUnblock {
  private ClientUnblock() {}

  public static CommandSpec spec(BlockingRegistry registry) {
    return CommandSpec.builder("unblock", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE)
        .acl("@admin", "@slow", "@dangerous", "@connection").group("connection")
        .doc("Unblocks a client blocked by a blocking command from a different connection.", "5.0.0",
            "O(log N) where N is the number of client connections")
        .handler(c -> execute(c, registry)).build();
  }

  /** Runs CLIENT UNBLOCK with the client id at argument 2 and the optional reason at 3. */
  public static void execute(CommandContext c, BlockingRegistry registry) {
    if (c.argc() > 4) {
      throw ShoalError.syntax();
    }
    long clientId = c.argLong(2);
    boolean error = false;
    if (c.argc() == 4) {
      if (c.argIs(3, "ERROR")) {
        error = true;
      } else if (!c.argIs(3, "TIMEOUT")) {
        throw ShoalError.err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      }
    }
    c.reply().integer(registry.unblock(clientId, error) ? 1 : 0);
  }
}
