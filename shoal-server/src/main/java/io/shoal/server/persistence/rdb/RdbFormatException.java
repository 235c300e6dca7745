package io.shoal.server.persistence.rdb;

import java.io.IOException;

/** Damaged or unsupported RDB data, with the byte offset where reading stopped. */
public final class RdbFormatException extends IOException {
  private final long offset;

  public RdbFormatException(String message, long offset) {
    super(message + " at offset " + offset);
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }
}
