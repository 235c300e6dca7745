package io.shoal.server.server;

import io.shoal.server.client.ClientConnection;

/** Told when a client connection closes, so per-client state elsewhere can be dropped. */
@FunctionalInterface
public interface ConnectionListener {
  void closed(ClientConnection client);

  /** RESET: the connection stays but its state goes; by default the same as a close. */
  default void reset(ClientConnection client) {
    closed(client);
  }
}
