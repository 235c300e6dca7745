package io.shoal.server.keyspace;

import java.util.Arrays;

/**
 * The keys of one hash slot of one database: an open-addressing hash table with linear probing
 * and backward-shift deletion, keys, values, expiry times and access clocks in parallel arrays.
 *
 * <p>Why not a HashMap: a HashMap.Node and a key wrapper cost about 48 bytes per key before any
 * data; parallel arrays cost about 20 at the load factor used here, which is what lets Shoal stay
 * near Redis's memory per key. Strings are stored as the bare {@code byte[]}; other types as their
 * value objects. Expiry times live in a second array allocated only once a key of the slot gets a
 * TTL, as Redis keeps a separate {@code expires} dictionary. All access happens under the slot's
 * lock (see {@link SlotLocks}), so nothing here is thread-safe by itself.
 */
public final class SlotTable {
  private static final int MIN_CAPACITY = 4;

  private byte[][] keys;
  private Object[] values;
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
    return keys == null ? 0 : keys.length;
  }

  static int hash(byte[] key) {
    int h = 0x9747b28c;
    for (byte b : key) {
      h = 31 * h + b;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }

  /** The index of the key, or -1. */
  public int find(byte[] key) {
    if (size == 0) {
      return -1;
    }
    int mask = keys.length - 1;
    int index = hash(key) & mask;
    while (true) {
      byte[] candidate = keys[index];
      if (candidate == null) {
        return -1;
      }
      if (candidate.length == key.length && Arrays.equals(candidate, key)) {
        return index;
      }
      index = (index + 1) & mask;
    }
  }

  public byte[] keyAt(int index) {
    return keys[index];
  }

  public Object valueAt(int index) {
    return values[index];
  }

  public void valueAt(int index, Object value) {
    values[index] = value;
  }

  public long expireAt(int index) {
    return expires == null ? 0 : expires[index];
  }

  public int accessAt(int index) {
    return access[index];
  }

  public void accessAt(int index, int clock) {
    access[index] = clock;
  }

  /** Sets the expiry time in ms since the epoch; 0 removes the TTL. */
  public void expireAt(int index, long unixMillis) {
    if (expires == null) {
      if (unixMillis == 0) {
        return;
      }
      expires = new long[keys.length];
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
    if (keys == null) {
      allocate(capacity);
    } else if (capacity > keys.length) {
      resize(capacity);
    }
  }

  /** Inserts a new key (the caller has checked it is absent) and returns its index. */
  public int insert(byte[] key, Object value, int clock) {
    if (keys == null) {
      allocate(MIN_CAPACITY);
    } else if ((size + 1) * 4 > keys.length * 3) {
      resize(keys.length * 2);
    }
    int mask = keys.length - 1;
    int index = hash(key) & mask;
    while (keys[index] != null) {
      index = (index + 1) & mask;
    }
    keys[index] = key;
    values[index] = value;
    access[index] = clock;
    size++;
    return index;
  }

  /** Removes the entry at index, shifting later entries of the same probe run back into place. */
  public void removeAt(int index) {
    if (expires != null && expires[index] != 0) {
      volatileCount--;
    }
    int mask = keys.length - 1;
    int hole = index;
    int next = (index + 1) & mask;
    while (keys[next] != null) {
      int home = hash(keys[next]) & mask;
      // Move the entry back if the hole lies cyclically between its home and its current place.
      boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
      if (movable) {
        keys[hole] = keys[next];
        values[hole] = values[next];
        access[hole] = access[next];
        if (expires != null) {
          expires[hole] = expires[next];
        }
        hole = next;
      }
      next = (next + 1) & mask;
    }
    keys[hole] = null;
    values[hole] = null;
    access[hole] = 0;
    if (expires != null) {
      expires[hole] = 0;
    }
    size--;
    if (size == 0) {
      keys = null;
      values = null;
      access = null;
      expires = null;
      volatileCount = 0;
    } else if (keys.length > 64 && size * 8 < keys.length) {
      resize(keys.length / 2);
    }
  }

  public void clear() {
    keys = null;
    values = null;
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
    int mask = keys.length - 1;
    int index = from & mask;
    while (keys[index] == null) {
      index = (index + 1) & mask;
    }
    return index;
  }

  private void allocate(int capacity) {
    keys = new byte[capacity][];
    values = new Object[capacity];
    access = new int[capacity];
  }

  private void resize(int capacity) {
    byte[][] oldKeys = keys;
    Object[] oldValues = values;
    int[] oldAccess = access;
    long[] oldExpires = expires;
    allocate(capacity);
    expires = oldExpires == null ? null : new long[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      byte[] key = oldKeys[i];
      if (key == null) {
        continue;
      }
      int index = hash(key) & mask;
      while (keys[index] != null) {
        index = (index + 1) & mask;
      }
      keys[index] = key;
      values[index] = oldValues[i];
      access[index] = oldAccess[i];
      if (oldExpires != null) {
        expires[index] = oldExpires[i];
      }
    }
  }
}
