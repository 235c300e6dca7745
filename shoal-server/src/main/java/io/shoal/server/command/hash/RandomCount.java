package io.shoal.server.command.hash;

import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.ShoalError;

/**
 * The count of HRANDFIELD, SRANDMEMBER (and ZRANDMEMBER): a positive count asks for that many
 * distinct elements (at most all of them), a negative one for exactly |count| elements that may
 * repeat. Redis accepts -LONG_MAX..LONG_MAX, and with WITHVALUES refuses a negative count whose
 * doubled reply length would overflow.
 */
public final class RandomCount {
  private RandomCount() {}

  public static long parse(CommandContext c, int index, boolean withValues) {
    long count = c.argLong(index);
    if (count == Long.MIN_VALUE) {
      throw ShoalError.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    }
    if (withValues && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
      throw ShoalError.err("value is out of range");
    }
    return count;
  }
}
