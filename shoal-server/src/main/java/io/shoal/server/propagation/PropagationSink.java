package io.shoal.server.propagation;

import io.shoal.server.client.ClientConnection;
import java.util.List;

/**
 * A consumer of the write stream: the append-only file, the replication backlog. Called in the
 * order the data changed (under the slot locks of the write), so a sink must not block for long.
 */
@FunctionalInterface
public interface PropagationSink {
  /**
   * One effect on database {@code db}, as a command that replays to the same result.
   *
   * @param origin the client whose command caused it, or null for expiry and eviction; a sink uses
   *     it to skip what it fed itself (the AOF loader, the master link of a replica)
   */
  void propagate(ClientConnection origin, int db, byte[][] args);

  /**
   * Whether this sink would do anything with an effect now (an AOF is open, a replica or a backlog
   * exists). While no sink is, the propagator skips delivery entirely: a standalone node without
   * an AOF pays no shared lock per write. It changes only under all slot locks (or is read again
   * by the sink when it delivers), so a write that saw it false misses nothing it should see.
   */
  default boolean active() {
    return true;
  }

  /**
   * Several effects that must stay together (a MULTI ... EXEC): no other effect is delivered
   * between them. A sink that can write them in one go (one fsync, one network write) overrides
   * this.
   */
  default void propagateAll(List<PropagatedCommand> commands) {
    for (PropagatedCommand command : commands) {
      propagate(command.origin(), command.db(), command.args());
    }
  }
}
