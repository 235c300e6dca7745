package io.shoal.server.keyspace;

/** Estimates of heap bytes, for maxmemory accounting and MEMORY USAGE (compressed oops assumed). */
public final class MemorySize {
  /** Key ref, value ref and access clock in the slot table's arrays at its average load. */
  public static final int ENTRY_OVERHEAD = 20;

  private MemorySize() {}

  public static long ofBytes(byte[] bytes) {
    return align(16 + bytes.length);
  }

  public static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  public static long ofValue(Object value) {
    if (value instanceof byte[]) {
      return ofBytes((byte[]) value);
    }
    return ((CollectionValue) value).memoryBytes();
  }

  public static long ofEntry(byte[] key, Object value) {
    return ENTRY_OVERHEAD + ofBytes(key) + ofValue(value);
  }
}
