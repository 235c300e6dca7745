package io.shoal.server.command.connection;

import io.shoal.server.resp.ShoalError;

/** Client names may not contain spaces, newlines or other special characters (CLIENT SETNAME). */
public final class ClientNames {
  private ClientNames() {}

  public static void check(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '!' || c > '~') {
        throw ShoalError.err("Client names cannot contain spaces, newlines or special characters.");
      }
    }
  }
}
