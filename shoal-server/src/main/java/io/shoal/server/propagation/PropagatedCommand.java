package io.shoal.server.propagation;

import io.shoal.server.client.ClientConnection;

/** One effect in the write stream: a command of database {@code db}, caused by {@code origin}. */
public record PropagatedCommand(ClientConnection origin, int db, byte[][] args) {}
