package io.shoal.server.command.hash;

import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.util.Glob;

/**
 * The arguments HSCAN, SSCAN (and ZSCAN) share, parsed as Redis's {@code scanGenericCommand}
 * does: an unsigned 64-bit cursor ("invalid cursor" otherwise), then MATCH pattern and COUNT n
 * (n at least 1) in any order. Redis reads the cursor before it looks at the key, so a bad cursor
 * wins over WRONGTYPE; callers parse first.
 */
public record ScanRequest(long cursor, byte[] pattern, long count, boolean noValues) {
  /** Parses from argument {@code cursorIndex}; {@code allowNoValues} enables HSCAN's NOVALUES. */
  public static ScanRequest parse(CommandContext c, int cursorIndex, boolean allowNoValues) {
    long cursor = parseCursor(c.arg(cursorIndex));
    byte[] pattern = null;
    long count = 10;
    boolean noValues = false;
    int i = cursorIndex + 1;
    while (i < c.argc()) {
      int remaining = c.argc() - i - 1;
      if (c.argIs(i, "COUNT") && remaining >= 1) {
        count = c.argLong(i + 1);
        if (count < 1) {
          throw ShoalError.syntax();
        }
        i += 2;
      } else if (c.argIs(i, "MATCH") && remaining >= 1) {
        pattern = c.arg(i + 1);
        // "*" matches everything; skipping the match keeps the common case cheap, as Redis does.
        if (pattern.length == 1 && pattern[0] == '*') {
          pattern = null;
        }
        i += 2;
      } else if (allowNoValues && c.argIs(i, "NOVALUES")) {
        noValues = true;
        i++;
      } else {
        throw ShoalError.syntax();
      }
    }
    return new ScanRequest(cursor, pattern, count, noValues);
  }

  static long parseCursor(byte[] text) {
    if (text.length == 0 || text.length > 20) {
      throw ShoalError.err("invalid cursor");
    }
    for (byte b : text) {
      if (b < '0' || b > '9') {
        throw ShoalError.err("invalid cursor");
      }
    }
    try {
      return Long.parseUnsignedLong(new String(text, java.nio.charset.StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw ShoalError.err("invalid cursor");
    }
  }

  public boolean matches(byte[] element) {
    return pattern == null || Glob.matches(pattern, element, false);
  }

  /** Redis bounds the buckets one call visits to ten times COUNT, so sparse tables stay fast. */
  public long maxBucketVisits() {
    return count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
  }
}
