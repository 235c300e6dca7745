package io.shoal.server.command;

import io.shoal.server.client.ClientConnection;
import java.util.List;

/**
 * Told of every write command that completed without an error, while its slot locks are still
 * held, so a log of these calls is in the order the data changed: the append-only file, and later
 * replication, hang off this.
 */
@FunctionalInterface
public interface CommandLog {
  /**
   * @param propagation what the command asked to propagate instead of itself (see {@link
   *     CommandContext#propagateAs}), or null to propagate {@code args} verbatim
   */
  void written(ClientConnection client, CommandSpec spec, byte[][] args, List<byte[][]> propagation);
}
