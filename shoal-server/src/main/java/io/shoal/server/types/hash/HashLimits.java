package io.shoal.server.types.hash;

/**
 * When a hash leaves the compact "listpack" encoding: more than {@code maxListpackEntries} fields
 * ({@code hash-max-listpack-entries}, 128) or any field or value longer than
 * {@code maxListpackValueBytes} ({@code hash-max-listpack-value}, 64), as in Redis.
 */
public record HashLimits(long maxListpackEntries, long maxListpackValueBytes) {
  public static final HashLimits DEFAULT = new HashLimits(128, 64);
}
