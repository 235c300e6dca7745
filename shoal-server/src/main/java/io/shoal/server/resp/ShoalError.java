package io.shoal.server.resp;

/**
 * An error that becomes an error reply. The message is the reply text without the leading '-'
 * and must start with an error code (ERR, WRONGTYPE, ...), as Redis clients parse that code.
 * Commands throw it from deep inside argument parsing; the dispatcher turns it into a reply and the
 * command has no effect. It carries no stack trace: it is control flow, not a bug.
 */
public class ShoalError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShoalError(String message) {
    super(message, null, false, false);
  }

  public static ShoalError err(String message) {
    return new ShoalError("ERR " + message);
  }

  public static ShoalError syntax() {
    return new ShoalError("ERR syntax error");
  }

  public static ShoalError wrongType() {
    return new ShoalError("WRONGTYPE Operation against a key holding the wrong kind of value");
  }

  public static ShoalError notInteger() {
    return new ShoalError("ERR value is not an integer or out of range");
  }

  public static ShoalError notFloat() {
    return new ShoalError("ERR value is not a valid float");
  }

  public static ShoalError noSuchKey() {
    return new ShoalError("ERR no such key");
  }

  public static ShoalError outOfRange() {
    return new ShoalError("ERR index out of range");
  }

  public static ShoalError wrongArgs(String command) {
    return new ShoalError("ERR wrong number of arguments for '" + command + "' command");
  }
}
