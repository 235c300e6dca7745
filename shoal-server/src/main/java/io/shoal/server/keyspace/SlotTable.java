package io.shoal.server.keyspace;

import java.util.Arrays;

/**
 * The keys of one hash slot of one database: an open-addressing hash table with linear probing
 * and backward-shift deletion. Keys and values alternate in one array, so the lookup that finds a
 * key has usually brought its value into the cache too (one memory miss fewer per command on a
 * keyspace larger than the cache); expiry times and access clocks are parallel arrays.
 *
 * <p>Why not a HashMap: a HashMap.Node and a key wrapper cost about 48 bytes per key before any
 * data; parallel arrays cost about 20 at the load factor used here, which is what lets Shoal stay
 * near Redis's memory per key. Strings are stored as the bare {@code byte[]}; other types as their
 * value objects. Expiry times live in a second array allocated only once a key of the slot gets a
 * TTL, as Redis keeps a separate {@code expires} dictionary. All access happens under the slot's
 * lock (see {@link SlotLocks}), so nothing here is thread-safe by itself.
 *
 * <p>The access clock uses 24 bits (as Redis's {@code lru} field); the top 8 bits of each
 * {@code access} int hold a tag of the key's hash, never 0, and 0 marks a free place. A probe
 * walks the int array and loads a candidate key only when its tag matches: on a keyspace larger
 * than the cache, every key compared is a memory miss, and the keys of one slot tend to have the
 * same length (key:000000123456), so without the tag each step of a probe run cost one.
 */
public final class SlotTable {
  private static final int MIN_CAPACITY = 4;
  /** The bits of an access int that hold the clock; the tag is above them. */
  public static final int CLOCK_MASK = 0xffffff;

  /** Key of entry i at 2i (a byte[]), its value at 2i + 1. */
  private Object[] entries;
  private long[] expires;
  private int[] access;
  private int size;
  private int volatileCount;

  public int size() {
    return size;
  }

  public int volatileCount() {
    return volatileCount;
  }

  public int capacity() {
    return entries == null ? 0 : entries.length >> 1;
  }

  /** The table's hash of a key; public for loaders that compute it while the key is still in cache. */
  public static int hash(byte[] key) {
    int h = 0x9747b28c;
    for (byte b : key) {
      h = 31 * h + b;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }

  /** The tag of a hash, kept above the clock in its access int: never 0, which marks a free place. */
  static int tag(int hash) {
    return (hash >>> 24 == 0 ? 1 : hash >>> 24) << 24;
  }

  /** The index of the key, or -1. */
  public int find(byte[] key) {
    return size == 0 ? -1 : find(key, hash(key));
  }

  /**
   * {@link #find(byte[])} for a key whose {@link #hash} the caller has computed already (a write
   * that may insert next, or MSET's keys after their prefetch): hashing a 20-byte key is a chain
   * of about 20 dependent multiplies, which a write paid two or three times.
   */
  public int find(byte[] key, int hash) {
    if (size == 0) {
      return -1;
    }
    int[] clocks = access;
    int mask = clocks.length - 1;
    int tag = tag(hash);
    int index = hash & mask;
    while (true) {
      int word = clocks[index];
      if (word == 0) {
        return -1;
      }
      if ((word & ~CLOCK_MASK) == tag && Arrays.equals((byte[]) entries[index << 1], key)) {
        return index;
      }
      index = (index + 1) & mask;
    }
  }

  /**
   * Loads the clock word and the entry at the home place of a hash (see {@link Database#prefetch}),
   * returning a value that depends on both so that the loads are kept.
   */
  int touchHome(int hash) {
    if (size == 0) {
      return 0;
    }
    int[] clocks = access;
    int index = hash & (clocks.length - 1);
    return clocks[index] + (entries[index << 1] == null ? 0 : 1);
  }

  /** Finds the key and loads the header of its value (see {@link Database#prefetch}). */
  int touchValue(byte[] key, int hash) {
    int index = find(key, hash);
    if (index < 0) {
      return 0;
    }
    Object value = entries[(index << 1) + 1];
    return value instanceof byte[] bytes ? bytes.length : 1;
  }

  /** The access array as it is now, read without the slot's lock by {@link KeyPrefetch}. */
  int[] accessArray() {
    return access;
  }

  /**
   * A copy of the entries array (key of entry i at 2i, value at 2i + 1, null where free): what a
   * sharing snapshot takes of the slot, one array copy under the lock.
   */
  public Object[] copyEntries() {
    return entries == null ? new Object[0] : entries.clone();
  }

  /** A copy of the expiry times by entry index, or null if no key of the slot ever had a TTL. */
  public long[] copyExpires() {
    return expires == null ? null : expires.clone();
  }

  /** The entries array as it is now, read without the slot's lock by {@link KeyPrefetch}. */
  Object[] entriesArray() {
    return entries;
  }

  public byte[] keyAt(int index) {
    return (byte[]) entries[index << 1];
  }

  public Object valueAt(int index) {
    return entries[(index << 1) + 1];
  }

  public void valueAt(int index, Object value) {
    entries[(index << 1) + 1] = value;
  }

  public long expireAt(int index) {
    return expires == null ? 0 : expires[index];
  }

  /** The access clock of the entry (24 bits). */
  public int accessAt(int index) {
    return access[index] & CLOCK_MASK;
  }

  /** Sets the access clock of an occupied entry; bits above the low 24 are dropped. */
  public void accessAt(int index, int clock) {
    access[index] = (access[index] & ~CLOCK_MASK) | (clock & CLOCK_MASK);
  }

  /** Sets the expiry time in ms since the epoch; 0 removes the TTL. */
  public void expireAt(int index, long unixMillis) {
    if (expires == null) {
      if (unixMillis == 0) {
        return;
      }
      expires = new long[capacity()];
    }
    long previous = expires[index];
    if (previous == 0 && unixMillis != 0) {
      volatileCount++;
    } else if (previous != 0 && unixMillis == 0) {
      volatileCount--;
    }
    expires[index] = unixMillis;
  }

  /**
   * Grows the table at once to hold {@code additional} more keys without a rehash on the way (a
   * loader that knows how many keys a slot gets).
   */
  public void reserve(int additional) {
    long wanted = (long) size + additional;
    int capacity = MIN_CAPACITY;
    while ((wanted + 1) * 4 > (long) capacity * 3 && capacity < (1 << 30)) {
      capacity <<= 1;
    }
    if (entries == null) {
      allocate(capacity);
    } else if (capacity > capacity()) {
      resize(capacity);
    }
  }

  /** Inserts a new key (the caller has checked it is absent) and returns its index. */
  public int insert(byte[] key, Object value, int clock) {
    return insert(key, hash(key), value, clock);
  }

  /** {@link #insert(byte[], Object, int)} for a key whose {@link #hash} the caller has computed. */
  public int insert(byte[] key, int hash, Object value, int clock) {
    if (entries == null) {
      allocate(MIN_CAPACITY);
    } else if ((size + 1) * 4 > capacity() * 3) {
      resize(capacity() * 2);
    }
    Object[] table = entries;
    int[] clocks = access;
    int mask = clocks.length - 1;
    int index = hash & mask;
    while (clocks[index] != 0) {
      index = (index + 1) & mask;
    }
    table[index << 1] = key;
    table[(index << 1) + 1] = value;
    clocks[index] = tag(hash) | (clock & CLOCK_MASK);
    size++;
    return index;
  }

  /**
   * Inserts a key of a bulk load into a table that was empty when the load began, without reading
   * any stored key: {@code hashes[i]} holds the hash of the key the load placed at index i, so only
   * an equal hash leads to comparing bytes. That keeps the insert within the table's own arrays
   * (the keys themselves lie scattered in the heap, one cache miss each). Capacity must already be
   * reserved. Returns the index, or {@code -1 - index} when the key was already there (its value
   * is left for the caller to replace).
   */
  int insertLoaded(byte[] key, int hash, Object value, int clock, int[] hashes) {
    Object[] table = entries;
    int[] clocks = access;
    int mask = clocks.length - 1;
    int index = hash & mask;
    while (clocks[index] != 0) {
      if (hashes[index] == hash && Arrays.equals((byte[]) table[index << 1], key)) {
        return -1 - index;
      }
      index = (index + 1) & mask;
    }
    table[index << 1] = key;
    table[(index << 1) + 1] = value;
    clocks[index] = tag(hash) | (clock & CLOCK_MASK);
    hashes[index] = hash;
    size++;
    return index;
  }

  /** Removes the entry at index, shifting later entries of the same probe run back into place. */
  public void removeAt(int index) {
    if (expires != null && expires[index] != 0) {
      volatileCount--;
    }
    Object[] table = entries;
    int mask = (table.length >> 1) - 1;
    int hole = index;
    int next = (index + 1) & mask;
    while (access[next] != 0) {
      int home = hash((byte[]) table[next << 1]) & mask;
      // Move the entry back if the hole lies cyclically between its home and its current place.
      boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
      if (movable) {
        table[hole << 1] = table[next << 1];
        table[(hole << 1) + 1] = table[(next << 1) + 1];
        access[hole] = access[next];
        if (expires != null) {
          expires[hole] = expires[next];
        }
        hole = next;
      }
      next = (next + 1) & mask;
    }
    table[hole << 1] = null;
    table[(hole << 1) + 1] = null;
    access[hole] = 0;
    if (expires != null) {
      expires[hole] = 0;
    }
    size--;
    if (size == 0) {
      entries = null;
      access = null;
      expires = null;
      volatileCount = 0;
    } else if (capacity() > 64 && size * 8 < capacity()) {
      resize(capacity() / 2);
    }
  }

  public void clear() {
    entries = null;
    access = null;
    expires = null;
    size = 0;
    volatileCount = 0;
  }

  /** The next occupied index at or after {@code from} (wrapping), or -1 when empty. */
  public int occupiedFrom(int from) {
    if (size == 0) {
      return -1;
    }
    int mask = capacity() - 1;
    int index = from & mask;
    while (entries[index << 1] == null) {
      index = (index + 1) & mask;
    }
    return index;
  }

  private void allocate(int capacity) {
    entries = new Object[capacity * 2];
    access = new int[capacity];
  }

  private void resize(int capacity) {
    Object[] old = entries;
    int[] oldAccess = access;
    long[] oldExpires = expires;
    allocate(capacity);
    expires = oldExpires == null ? null : new long[capacity];
    Object[] table = entries;
    int mask = capacity - 1;
    for (int i = 0; i < oldAccess.length; i++) {
      byte[] key = (byte[]) old[i << 1];
      if (key == null) {
        continue;
      }
      int index = hash(key) & mask;
      while (access[index] != 0) {
        index = (index + 1) & mask;
      }
      table[index << 1] = key;
      table[(index << 1) + 1] = old[(i << 1) + 1];
      access[index] = oldAccess[i];
      if (oldExpires != null) {
        expires[index] = oldExpires[i];
      }
    }
  }
}
