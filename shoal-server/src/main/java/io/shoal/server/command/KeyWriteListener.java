package io.shoal.server.command;

import io.shoal.server.client.ClientConnection;

/**
 * Told of every key a write command touched, while the key's slot lock is still held: WATCH
 * invalidation and blocked-client wake-ups hang off this, so no command needs to call them itself.
 */
@FunctionalInterface
public interface KeyWriteListener {
  void keyWritten(int db, byte[] key, ClientConnection writer);

  /**
   * A keyless write command ran (FLUSHDB, FLUSHALL, SWAPDB...), still under every lock: any key
   * of any database may have changed. {@code db} is the writer's selected database.
   */
  default void keylessWrite(int db, ClientConnection writer) {}
}
