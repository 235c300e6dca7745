package io.shoal.server.command.server;

/**
 * Runs before SHUTDOWN stops the node; persistence saves here. Throwing a ShoalError refuses the
 * shutdown with that error (Redis's "Errors trying to SHUTDOWN. Check logs."), unless FORCE.
 */
@FunctionalInterface
public interface ShutdownHook {
  void beforeShutdown(boolean save, boolean noSave, boolean force);
}
