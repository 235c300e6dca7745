package io.shoal.server.keyspace;

import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;

/**
 * One numbered database (SELECT n): 16384 slot tables, created on first use.
 *
 * <p>Partitioning by slot from the start makes counting, listing, migrating and locking by slot
 * cheap, in standalone mode as in cluster mode. Every method expects the caller to hold the lock
 * of the key's slot (see {@link SlotLocks}); whole-database operations expect every lock.
 *
 * <p>Reads expire keys lazily, as Redis's {@code expireIfNeeded} does: a key whose time has come is
 * deleted by the first access that sees it, and reported to {@link KeyEvents}.
 */
public final class Database {
  private final int index;
  private final Keyspace keyspace;
  private final SlotTable[] slots = new SlotTable[KeySlot.SLOT_COUNT];
  /**
   * False until a key of this database gets a TTL: lets {@link #volatileSize} (which active
   * expiry asks every cycle) answer without visiting 16384 slots while no key ever had one.
   */
  private volatile boolean ttlsEverSet;

  Database(int index, Keyspace keyspace) {
    this.index = index;
    this.keyspace = keyspace;
  }

  public int index() {
    return index;
  }

  public Keyspace keyspace() {
    return keyspace;
  }

  /** The slot table, or null if the slot never held a key in this database. */
  public SlotTable slot(int slot) {
    return slots[slot];
  }

  SlotTable slotForWrite(int slot) {
    SlotTable table = slots[slot];
    if (table == null) {
      table = new SlotTable();
      slots[slot] = table;
    }
    return table;
  }

  /** The live value of a key, or null; expires it if its time has come and touches its clock. */
  public Object get(byte[] key) {
    return get(key, KeySlot.of(key));
  }

  /** {@link #get(byte[])} for a key whose slot the caller already knows ({@link KeySlot#of}). */
  public Object get(byte[] key, int slot) {
    SlotTable table = slots[slot];
    int index = liveIndex(table, key);
    if (index < 0) {
      return null;
    }
    AccessClock clock = keyspace.eviction();
    // LRU's clock does not depend on the previous one: a store, no load of a cold cache line.
    table.accessAt(index, clock.lfu() ? clock.touch(table.accessAt(index)) : clock.touch(0));
    return ownValueAt(table, index);
  }

  /** Like {@link #get} but does not touch the access clock (TYPE, TTL, OBJECT, SCAN). */
  public Object peek(byte[] key) {
    SlotTable table = slots[KeySlot.of(key)];
    int index = liveIndex(table, key);
    if (index < 0) {
      return null;
    }
    return ownValueAt(table, index);
  }

  /**
   * The value at an entry, first replacing a collection a snapshot being written out shares (see
   * {@link Keyspace#share}) with a copy, which the caller gets: the snapshot's thread reads the
   * original, untouched from its instant on, and the clients have their own from here on. Every
   * way a command reaches a value passes here ({@link #get(byte[], int)} and {@link #peek}), so no
   * write ever touches a shared collection. A read-only command ({@link CopyOnWrite#readOnly})
   * gets the shared collection itself: reads write nothing in a collection, so it and the
   * snapshot's thread may read it at once, and the copy waits for the first write, as a forked
   * child's pages wait for the parent's first write.
   */
  private Object ownValueAt(SlotTable table, int index) {
    Object value = table.valueAt(index);
    if (!(value instanceof CollectionValue shared) || !keyspace.shared(shared)
        || CopyOnWrite.readingOnly()) {
      return value;
    }
    CollectionValue copy = shared.copy();
    copy.accountedBytes = shared.accountedBytes;
    table.valueAt(index, copy);
    keyspace.countCopy();
    return copy;
  }

  public boolean exists(byte[] key) {
    return liveIndex(slots[KeySlot.of(key)], key) >= 0;
  }

  /** The string value, null if absent, WRONGTYPE if the key holds another type. */
  public byte[] getString(byte[] key) {
    return getString(key, KeySlot.of(key));
  }

  /** {@link #getString(byte[])} for a key whose slot the caller already knows. */
  public byte[] getString(byte[] key, int slot) {
    Object value = get(key, slot);
    if (value == null || value instanceof byte[]) {
      return (byte[]) value;
    }
    throw ShoalError.wrongType();
  }

  /** The value as the given collection class, null if absent, WRONGTYPE otherwise. */
  public <T extends CollectionValue> T get(byte[] key, Class<T> type) {
    Object value = get(key);
    if (value == null) {
      return null;
    }
    if (type.isInstance(value)) {
      return type.cast(value);
    }
    throw ShoalError.wrongType();
  }

  /** Checks that the key is absent or holds the given type without touching it. */
  public void checkType(byte[] key, ValueType type) {
    Object value = peek(key);
    if (value != null && ValueType.of(value) != type) {
      throw ShoalError.wrongType();
    }
  }

  /**
   * A new string computed from the current one (null when the key is absent) and a number the
   * command gives (INCRBY's increment): passed as an argument rather than captured, so the update
   * is one constant object and a request allocates none for it.
   */
  @FunctionalInterface
  public interface StringUpdate {
    byte[] apply(byte[] current, long argument);
  }

  /**
   * Reads a string and stores what {@code update} makes of it, keeping the key's TTL, with one
   * lookup (INCR and its kin): the same as {@link #getString(byte[], int)} then
   * {@link #setKeepTtl(byte[], int, Object)}, whose second lookup found the entry (or the free
   * place) the first had just found. WRONGTYPE if the key holds another type; an exception from
   * {@code update} leaves the key as it was. Returns the stored string.
   */
  public byte[] updateString(byte[] key, int slot, StringUpdate update, long argument) {
    SlotTable table = slots[slot];
    int hash = SlotTable.hash(key);
    int index = liveIndex(table, key, hash);
    if (index < 0) {
      byte[] created = update.apply(null, argument);
      // Absent (or just expired and removed): the key goes in without looking for it again.
      insert(slotForWrite(slot), key, hash, created, keyspace.eviction().touch(0));
      return created;
    }
    Object value = table.valueAt(index);
    if (!(value instanceof byte[])) {
      throw ShoalError.wrongType();
    }
    byte[] next = update.apply((byte[]) value, argument);
    keyspace.account(MemorySize.ofBytes(next) - MemorySize.ofBytes((byte[]) value));
    table.valueAt(index, next);
    // As the write after a read did: a write stores a fresh clock.
    table.accessAt(index, keyspace.eviction().touch(0));
    return next;
  }

  /**
   * Brings into the cache what a write or read of each of these keys will load, stage by stage
   * over all keys at once (slot tables, then the home places, then the keys and values), so the
   * memory misses of different keys overlap instead of following one another: a command of many
   * keys (MSET) otherwise waits for about five misses per key in turn. Fills {@code hashes} with
   * the keys' {@link SlotTable#hash}es, for {@link #set(byte[], int, int, Object)}. Changes
   * nothing else; the returned value only keeps the loads from being optimised away.
   */
  public int prefetch(byte[][] args, int first, int step, int[] keySlots, int[] hashes, int count) {
    SlotTable[] tables = slots;
    int sink = 0;
    for (int j = 0, i = first; j < count; j++, i += step) {
      SlotTable table = tables[keySlots[j]];
      sink += table == null ? 0 : table.size();
      // Computed while the tables load; the caller's writes take them too (see SlotTable.find).
      hashes[j] = SlotTable.hash(args[i]);
    }
    for (int j = 0; j < count; j++) {
      SlotTable table = tables[keySlots[j]];
      if (table != null) {
        sink += table.touchHome(hashes[j]);
      }
    }
    for (int j = 0, i = first; j < count; j++, i += step) {
      SlotTable table = tables[keySlots[j]];
      if (table != null) {
        sink += table.touchValue(args[i], hashes[j]);
      }
    }
    return sink;
  }

  /** Makes room in a slot's table for {@code additional} keys about to be stored (RDB load). */
  public void reserve(int slot, int additional) {
    slotForWrite(slot).reserve(additional);
  }

  /** A bulk insert of loaded keys into this database (see {@link BulkInsert}). */
  public BulkInsert bulkInsert() {
    return new BulkInsert(this);
  }

  /** Records that some key got a TTL without going through {@link #expireTime(byte[], long)}. */
  void ttlsSet() {
    ttlsEverSet = true;
  }

  /** Stores a value and removes any TTL, as SET does. */
  public void set(byte[] key, Object value) {
    put(key, KeySlot.of(key), value, false);
  }

  /** {@link #set(byte[], Object)} for a key whose slot the caller already knows. */
  public void set(byte[] key, int slot, Object value) {
    put(key, slot, value, false);
  }

  /** {@link #set(byte[], int, Object)} for a key whose {@link SlotTable#hash} is known too. */
  public void set(byte[] key, int slot, int hash, Object value) {
    put(key, slot, hash, value, false);
  }

  /** Stores a value, keeping the TTL the key had (SET KEEPTTL, SETRANGE, APPEND...). */
  public void setKeepTtl(byte[] key, Object value) {
    put(key, KeySlot.of(key), value, true);
  }

  /** {@link #setKeepTtl(byte[], Object)} for a key whose slot the caller already knows. */
  public void setKeepTtl(byte[] key, int slot, Object value) {
    put(key, slot, value, true);
  }

  private void put(byte[] key, int slot, Object value, boolean keepTtl) {
    put(key, slot, SlotTable.hash(key), value, keepTtl);
  }

  private void put(byte[] key, int slot, int hash, Object value, boolean keepTtl) {
    SlotTable table = slotForWrite(slot);
    // One hash for the lookup and, for a new key, the insert.
    int index = table.find(key, hash);
    int clock = keyspace.eviction().touch(0);
    if (index >= 0) {
      Object previous = table.valueAt(index);
      if (table.expireAt(index) != 0 && table.expireAt(index) <= keyspace.nowMillis()) {
        // An expired key is a fresh key: it keeps no TTL even with KEEPTTL.
        keepTtl = false;
      }
      keyspace.account(MemorySize.ofValue(value) - accounted(previous));
      markAccounted(value);
      table.valueAt(index, value);
      table.accessAt(index, clock);
      if (!keepTtl) {
        table.expireAt(index, 0);
      }
      return;
    }
    insert(table, key, hash, value, clock);
  }

  /** Adds a key the caller has found absent from {@code table}, with its memory. */
  private void insert(SlotTable table, byte[] key, int hash, Object value, int clock) {
    // Request arguments are freshly allocated per request, so the table can own the key array.
    table.insert(key, hash, value, clock);
    keyspace.account(MemorySize.ENTRY_OVERHEAD + MemorySize.ofBytes(key) + MemorySize.ofValue(value));
    markAccounted(value);
  }

  private static long accounted(Object value) {
    if (value instanceof CollectionValue) {
      return ((CollectionValue) value).accountedBytes;
    }
    return MemorySize.ofValue(value);
  }

  private static void markAccounted(Object value) {
    if (value instanceof CollectionValue) {
      CollectionValue collection = (CollectionValue) value;
      collection.accountedBytes = collection.memoryBytes();
    }
  }

  /**
   * Brings used-memory accounting up to date after a collection changed in place, and removes the
   * key if the collection became empty (Redis never keeps empty collections).
   */
  public void changed(byte[] key) {
    changed(key, KeySlot.of(key));
  }

  /** {@link #changed(byte[])} for a key whose slot the caller already knows. */
  public void changed(byte[] key, int slot) {
    SlotTable table = slots[slot];
    if (table == null) {
      return;
    }
    int index = table.find(key);
    if (index < 0) {
      return;
    }
    Object value = table.valueAt(index);
    if (value instanceof CollectionValue) {
      CollectionValue collection = (CollectionValue) value;
      if (collection.length() == 0) {
        removeAt(table, index);
        return;
      }
      long now = collection.memoryBytes();
      keyspace.account(now - collection.accountedBytes);
      collection.accountedBytes = now;
    }
  }

  /**
   * {@link #changed(byte[], int)} for a non-empty collection its writer holds, which is the value
   * stored at its key: its memory accounting only, without looking the key up again.
   */
  public void changedInPlace(CollectionValue collection) {
    long now = collection.memoryBytes();
    keyspace.account(now - collection.accountedBytes);
    collection.accountedBytes = now;
  }

  /** Deletes a key; true if it existed (and had not expired). */
  public boolean remove(byte[] key) {
    SlotTable table = slots[KeySlot.of(key)];
    int index = liveIndex(table, key);
    if (index < 0) {
      return false;
    }
    removeAt(table, index);
    return true;
  }

  void removeAt(SlotTable table, int index) {
    byte[] key = table.keyAt(index);
    Object value = table.valueAt(index);
    keyspace.account(-(MemorySize.ENTRY_OVERHEAD + MemorySize.ofBytes(key) + accounted(value)));
    table.removeAt(index);
  }

  /** Expiry time in unix ms, 0 for none, -1 for a missing key. */
  public long expireTime(byte[] key) {
    SlotTable table = slots[KeySlot.of(key)];
    int index = liveIndex(table, key);
    if (index < 0) {
      return -1;
    }
    return table.expireAt(index);
  }

  /** Sets (or with 0, removes) the expiry of an existing key; false if the key is missing. */
  public boolean expireTime(byte[] key, long unixMillis) {
    SlotTable table = slots[KeySlot.of(key)];
    int index = liveIndex(table, key);
    if (index < 0) {
      return false;
    }
    if (unixMillis != 0 && !ttlsEverSet) {
      ttlsEverSet = true;
    }
    table.expireAt(index, unixMillis);
    return true;
  }

  /** The raw access clock (LRU seconds or LFU counter and minutes), -1 for a missing key. */
  public int accessClock(byte[] key) {
    SlotTable table = slots[KeySlot.of(key)];
    int index = liveIndex(table, key);
    if (index < 0) {
      return -1;
    }
    return table.accessAt(index);
  }

  public void accessClock(byte[] key, int clock) {
    SlotTable table = slots[KeySlot.of(key)];
    if (table != null) {
      int index = table.find(key);
      if (index >= 0) {
        table.accessAt(index, clock);
      }
    }
  }

  /** The index of the key in the table if it is there and has not expired (expiring it if due), else -1. */
  private int liveIndex(SlotTable table, byte[] key) {
    if (table == null) {
      return -1;
    }
    return live(table, table.find(key));
  }

  /** {@link #liveIndex(SlotTable, byte[])} for a key whose {@link SlotTable#hash} is known. */
  private int liveIndex(SlotTable table, byte[] key, int hash) {
    if (table == null) {
      return -1;
    }
    return live(table, table.find(key, hash));
  }

  private int live(SlotTable table, int index) {
    if (index < 0 || expireIfNeeded(table, index)) {
      return -1;
    }
    return index;
  }

  /** Deletes the entry if it has expired; true if it did. */
  boolean expireIfNeeded(SlotTable table, int index) {
    long expireAt = table.expireAt(index);
    if (expireAt == 0 || expireAt > keyspace.nowMillis() || !keyspace.expiryEnabled()) {
      return false;
    }
    byte[] key = table.keyAt(index);
    removeAt(table, index);
    keyspace.events().expired(this.index, key);
    return true;
  }

  /** Keys in all slots, counted without locks: exact when no writes run, approximate otherwise. */
  public long size() {
    long total = 0;
    for (SlotTable table : slots) {
      if (table != null) {
        total += table.size();
      }
    }
    return total;
  }

  public long volatileSize() {
    if (!ttlsEverSet) {
      return 0;
    }
    long total = 0;
    for (SlotTable table : slots) {
      if (table != null) {
        total += table.volatileCount();
      }
    }
    return total;
  }

  public int countInSlot(int slot) {
    SlotTable table = slots[slot];
    return table == null ? 0 : table.size();
  }

  /** Drops every key of one slot (cluster FLUSHSLOTS-like uses and DELSLOTS cleanups). */
  public void clearSlot(int slot) {
    SlotTable table = slots[slot];
    if (table == null) {
      return;
    }
    long freed = 0;
    for (int i = 0; i < table.capacity(); i++) {
      byte[] key = table.keyAt(i);
      if (key != null) {
        freed += MemorySize.ENTRY_OVERHEAD + MemorySize.ofBytes(key) + accounted(table.valueAt(i));
      }
    }
    keyspace.account(-freed);
    slots[slot] = null;
  }

  /** Drops everything; the caller holds every lock. */
  void clear() {
    for (int slot = 0; slot < slots.length; slot++) {
      if (slots[slot] != null) {
        clearSlot(slot);
      }
    }
  }

  /** Exchanges contents with another database (SWAPDB); the caller holds every lock. */
  void swapWith(Database other) {
    for (int slot = 0; slot < slots.length; slot++) {
      SlotTable mine = slots[slot];
      slots[slot] = other.slots[slot];
      other.slots[slot] = mine;
    }
    boolean mineSet = ttlsEverSet;
    ttlsEverSet = other.ttlsEverSet;
    other.ttlsEverSet = mineSet;
  }
}
