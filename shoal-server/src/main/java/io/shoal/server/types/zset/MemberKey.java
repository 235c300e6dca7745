package io.shoal.server.types.zset;

import java.util.Arrays;

/** A member as a hash-map key: byte content equality, hash computed once. */
public final class MemberKey {
  private final byte[] bytes;
  private final int hash;

  public MemberKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public byte[] bytes() {
    return bytes;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MemberKey && Arrays.equals(bytes, ((MemberKey) other).bytes);
  }
}
