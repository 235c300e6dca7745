package io.shoal.server.command;

import io.shoal.server.client.ClientConnection;

/**
 * Told of every key a write command touched, while the key's slot lock is still held: WATCH
 * invalidation and blocked-client wake-ups hang off this, so no command needs to call them itself.
 */
@FunctionalInterface
public interface KeyWriteListener {
  void keyWritten(int db, byte[] key, ClientConnection writer);
}
