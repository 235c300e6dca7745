package io.shoal.server.pubsub;

import java.util.Arrays;

/** A channel or pattern name, hashable by content. */
public final class ChannelName {
  private final byte[] bytes;
  private final int hash;

  public ChannelName(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChannelName && ((ChannelName) other).hash == hash
        && Arrays.equals(((ChannelName) other).bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
