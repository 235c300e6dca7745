package io.shoal.server.keyspace;

/**
 * Inserts loaded keys into one database slot by slot (an RDB load), doing per key only what a
 * fresh key needs: no lookup that reads stored keys, no per-key memory accounting, one access
 * clock reading for the whole load. A slot that already held keys when its turn came goes through
 * {@link Database#set} as any write would.
 *
 * <p>Use: {@link #entryBytes} and {@link SlotTable#hash} for each key while it is still in the
 * cache, then per slot {@link #beginSlot} and {@link #add} for each of its keys, and {@link #finish}
 * with the sum of the keys' entry bytes once at the end. The caller holds every slot lock or runs
 * before clients are accepted.
 */
public final class BulkInsert {
  private final Database db;
  private final int clock;
  /** Hash of the key at each index of the current slot's table, valid where the table is occupied. */
  private int[] hashes = new int[256];
  private SlotTable table;
  private int slot;
  private boolean fresh;
  private long accounted;
  private boolean ttls;

  BulkInsert(Database db) {
    this.db = db;
    this.clock = db.keyspace().eviction().touch(0);
  }

  /**
   * The used memory a key and its value add, as {@link Database#set} would count them; marks a
   * collection as counted. Computed by the loader while both are in the cache, and summed for
   * {@link #finish}.
   */
  public static long entryBytes(byte[] key, Object value) {
    long bytes = MemorySize.ofEntry(key, value);
    if (value instanceof CollectionValue) {
      CollectionValue collection = (CollectionValue) value;
      collection.accountedBytes = collection.memoryBytes();
    }
    return bytes;
  }

  /** Starts the keys of one slot; {@code count} of them will follow. */
  public void beginSlot(int slot, int count) {
    this.slot = slot;
    table = db.slotForWrite(slot);
    fresh = table.size() == 0;
    table.reserve(count);
    if (fresh && hashes.length < table.capacity()) {
      hashes = new int[table.capacity()];
    }
  }

  /**
   * Adds a key of the current slot: {@code hash} is {@link SlotTable#hash} of it, {@code expireAt}
   * its expiry time in unix ms or 0. A key already present gets the new value and loses its TTL,
   * as SET does.
   */
  public void add(byte[] key, int hash, Object value, long expireAt) {
    int index;
    if (fresh) {
      index = table.insertLoaded(key, hash, value, clock, hashes);
      if (index < 0) {
        // The same key twice in one load: the later value wins, counted instead of the earlier.
        index = -1 - index;
        Object previous = table.valueAt(index);
        accounted -= MemorySize.ofEntry(key, previous);
        table.valueAt(index, value);
        table.expireAt(index, 0);
      }
    } else {
      // Counted by set itself, so left out of the loader's sum.
      accounted -= MemorySize.ofEntry(key, value);
      db.set(key, slot, value);
      index = table.find(key);
    }
    if (expireAt != 0) {
      table.expireAt(index, expireAt);
      ttls = true;
    }
  }

  /**
   * Brings used memory and the database's TTL flag up to date with what was added;
   * {@code loadedBytes} is the sum of {@link #entryBytes} of every key passed to {@link #add}.
   */
  public void finish(long loadedBytes) {
    db.keyspace().account(loadedBytes + accounted);
    accounted = 0;
    if (ttls) {
      db.ttlsSet();
    }
  }
}
