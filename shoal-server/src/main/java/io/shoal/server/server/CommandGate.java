package io.shoal.server.server;

import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandSpec;

/**
 * A check that may refuse a command before it runs: maxmemory (OOM), a failed disk (MISCONF),
 * a read-only replica (READONLY), cluster routing (MOVED, ASK, CROSSSLOT, CLUSTERDOWN). Returns
 * the error reply text, or null to let the command through. Gates run under no lock.
 */
@FunctionalInterface
public interface CommandGate {
  String refuse(ClientConnection client, CommandSpec spec, byte[][] args);
}
