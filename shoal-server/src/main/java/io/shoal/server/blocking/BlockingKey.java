package io.shoal.server.blocking;

import java.util.Arrays;

/** A key in a numbered database, with value equality on the key bytes, for the waiter index. */
record BlockingKey(int db, byte[] key) {
  @Override
  public boolean equals(Object other) {
    return other instanceof BlockingKey that && that.db == db && Arrays.equals(that.key, key);
  }

  @Override
  public int hashCode() {
    return 31 * db + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return db + ":" + new String(key, java.nio.charset.StandardCharsets.UTF_8);
  }
}
