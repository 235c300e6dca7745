package io.shoal.server.types;

import java.util.Arrays;

/**
 * A byte string usable as a hash key: Java arrays compare by identity, so collections that key by
 * content (a hashtable-encoded hash or set) wrap their members in this. The array is owned, never
 * copied and never changed after wrapping; the hash code is computed once.
 */
public final class Bytes implements Comparable<Bytes> {
  private final byte[] value;
  private final int hash;

  public Bytes(byte[] value) {
    this.value = value;
    this.hash = Arrays.hashCode(value);
  }

  public byte[] value() {
    return value;
  }

  public int length() {
    return value.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes && ((Bytes) other).hash == hash && Arrays.equals(((Bytes) other).value, value);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Unsigned lexicographic order, as Redis's memcmp. */
  @Override
  public int compareTo(Bytes other) {
    return Arrays.compareUnsigned(value, other.value);
  }

  @Override
  public String toString() {
    return new String(value, java.nio.charset.StandardCharsets.UTF_8);
  }
}
