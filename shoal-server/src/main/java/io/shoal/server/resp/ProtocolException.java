package io.shoal.server.resp;

/** Input that is not RESP. The connection gets this message as an error reply and is closed, as in Redis. */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super("ERR Protocol error: " + message, null, false, false);
  }
}
