package io.shoal.server.command.string;

import io.shoal.server.resp.NumberFormat;

/**
 * The decimal texts of 0 to 9999, one array each, stored by every counter that holds one of
 * them (Redis shares its integer objects 0-9999 the same way, {@code OBJ_SHARED_INTEGERS}).
 *
 * <p>Most counters are small: redis-benchmark's INCR takes a million keys from 0 to 1 or 2, and
 * real ones count hits or retries. Sharing the text saves the array an INCR would otherwise
 * allocate and keep (it outlives a young collection, since the keyspace holds it, so the
 * collector copies it too) and the memory of every key holding it. Sharing is safe because a
 * stored string is never changed in place (see {@link StringCommands}): snapshots, COPY, DUMP,
 * replies and the AOF keep references to stored arrays, and every change stores a new one. The
 * cached arrays are never handed to anything that writes into its argument: SETBIT, SETRANGE,
 * APPEND and BITFIELD copy the stored value first, and PFADD/PFCOUNT store a changed copy of a
 * HyperLogLog.
 */
final class SharedIntegers {
  /** Numbers below this one are shared. */
  static final int LIMIT = 10_000;
  private static final byte[][] TEXTS = new byte[LIMIT][];

  static {
    for (int i = 0; i < LIMIT; i++) {
      TEXTS[i] = NumberFormat.toBytes(i);
    }
  }

  private SharedIntegers() {}

  /** The canonical text of a number: the shared array for 0-9999, a new one otherwise. */
  static byte[] of(long value) {
    return value >= 0 && value < LIMIT ? TEXTS[(int) value] : NumberFormat.toBytes(value);
  }
}
