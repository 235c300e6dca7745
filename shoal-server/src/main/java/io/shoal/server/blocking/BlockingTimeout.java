package io.shoal.server.blocking;

import io.shoal.server.resp.ShoalError;
import java.nio.charset.StandardCharsets;

/**
 * The timeout argument of blocking commands, in seconds with decimals, parsed as Redis's
 * {@code getTimeoutFromObjectOrReply} does: milliseconds rounded up, 0 for "forever", and Redis's
 * error texts for what is not a number, negative or too large.
 */
public final class BlockingTimeout {
  private BlockingTimeout() {}

  /** The timeout in milliseconds (0 = no timeout) from a seconds argument. */
  public static long parseSecondsToMillis(byte[] argument) {
    String text = new String(argument, StandardCharsets.US_ASCII).trim();
    double seconds;
    try {
      if (text.isEmpty() || text.length() != argument.length || text.contains("_")) {
        throw new NumberFormatException();
      }
      seconds = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw notFloat();
    }
    if (Double.isNaN(seconds) || text.endsWith("d") || text.endsWith("D") || text.endsWith("f") || text.endsWith("F")) {
      throw notFloat();
    }
    double millis = seconds * 1000.0;
    if (millis > Long.MAX_VALUE) {
      throw ShoalError.err("timeout is out of range");
    }
    // Rounded up first, as Redis does: "-0.0001" becomes 0 (forever), not an error.
    double rounded = Math.ceil(millis);
    if (rounded < 0) {
      throw ShoalError.err("timeout is negative");
    }
    return (long) rounded;
  }

  private static ShoalError notFloat() {
    return ShoalError.err("timeout is not a float or out of range");
  }
}
