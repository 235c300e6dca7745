package io.shoal.server.command;

import io.shoal.server.client.ClientConnection;

/**
 * Told of every write command that completed without an error, while its slot locks are still
 * held, so a log of these calls is in the order the data changed: the append-only file, and later
 * replication, hang off this.
 */
@FunctionalInterface
public interface CommandLog {
  void written(ClientConnection client, CommandSpec spec, byte[][] args);
}
