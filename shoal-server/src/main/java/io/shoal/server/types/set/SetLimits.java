package io.shoal.server.types.set;

/**
 * When a set leaves its compact encodings, as in Redis 7.2: "intset" while every member is a
 * canonical 64-bit integer and there are at most {@code maxIntsetEntries}
 * ({@code set-max-intset-entries}, 512); "listpack" while there are at most
 * {@code maxListpackEntries} ({@code set-max-listpack-entries}, 128) members of at most
 * {@code maxListpackValueBytes} ({@code set-max-listpack-value}, 64) bytes; "hashtable" after.
 */
public record SetLimits(long maxIntsetEntries, long maxListpackEntries, long maxListpackValueBytes) {
  public static final SetLimits DEFAULT = new SetLimits(512, 128, 64);
}
