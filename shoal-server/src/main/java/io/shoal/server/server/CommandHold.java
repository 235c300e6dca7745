package io.shoal.server.server;

import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;

/**
 * May park a command instead of running it now (CLIENT PAUSE): returns true if it took the
 * command, marked the client blocked, and will run it later on the client's event loop.
 */
@FunctionalInterface
public interface CommandHold {
  boolean hold(CommandContext context, CommandSpec spec, byte[][] args);
}
