package io.shoal.server.transaction;

import java.util.Arrays;

/** A key in one database, hashable by content: what WATCH registers and a write looks up. */
public final class WatchedKey {
  private final int db;
  private final byte[] key;
  private final int hash;

  public WatchedKey(int db, byte[] key) {
    this.db = db;
    this.key = key;
    this.hash = 31 * db + Arrays.hashCode(key);
  }

  public int db() {
    return db;
  }

  public byte[] key() {
    return key;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof WatchedKey)) {
      return false;
    }
    WatchedKey that = (WatchedKey) other;
    return db == that.db && hash == that.hash && Arrays.equals(key, that.key);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
