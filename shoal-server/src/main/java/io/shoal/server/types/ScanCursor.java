package io.shoal.server.types;

/**
 * Redis's dictScan cursor over a power-of-two bucket array: buckets are visited in reverse-binary
 * order of their index, so a scan whose table grows or shrinks between calls (or, during an
 * incremental resize, walks both arrays) still visits every bucket that held a key for the whole
 * scan. Shared by {@link BytesTable} and the sorted sets' member table.
 */
public final class ScanCursor {
  private ScanCursor() {}

  /** The cursor after {@code cursor} under {@code mask}: its reversed bits incremented. */
  public static long next(long cursor, long mask) {
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }
}
