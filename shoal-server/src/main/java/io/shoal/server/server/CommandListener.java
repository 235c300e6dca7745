package io.shoal.server.server;

import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandSpec;

/** Told after every executed command with its duration (latency monitor, metrics). */
@FunctionalInterface
public interface CommandListener {
  void completed(ClientConnection client, CommandSpec spec, byte[][] args, long micros);
}
