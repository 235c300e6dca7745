package io.shoal.server.replication;

/**
 * The last {@code repl-backlog-size} bytes of the replication stream, as Redis's backlog: a ring
 * buffer that lets a replica which lost its link resume from its offset ({@code +CONTINUE})
 * instead of loading a whole snapshot again.
 *
 * <p>Offsets are Redis's: the stream's first byte has offset 1, {@link #firstOffset} is the offset
 * of the oldest byte still held and {@code firstOffset + length - 1} is the master offset. Callers
 * serialise access (the replication module's stream lock).
 */
final class ReplicationBacklog {
  private byte[] ring;
  private int head;
  private long length;
  private long firstOffset;

  /** A backlog whose next byte appended has offset {@code nextOffset}. */
  ReplicationBacklog(int size, long nextOffset) {
    this.ring = new byte[Math.max(16, size)];
    this.firstOffset = nextOffset;
  }

  void append(byte[] bytes, int from, int count) {
    int capacity = ring.length;
    if (count >= capacity) {
      from += count - capacity;
      firstOffset += length + count - capacity;
      count = capacity;
      System.arraycopy(bytes, from, ring, 0, capacity);
      head = 0;
      length = capacity;
      return;
    }
    int tail = (int) ((head + length) % capacity);
    int first = Math.min(count, capacity - tail);
    System.arraycopy(bytes, from, ring, tail, first);
    System.arraycopy(bytes, from + first, ring, 0, count - first);
    length += count;
    if (length > capacity) {
      long dropped = length - capacity;
      head = (int) ((head + dropped) % capacity);
      firstOffset += dropped;
      length = capacity;
    }
  }

  /** True when the stream from {@code offset} on is still held (offset one past the end is too). */
  boolean holds(long offset) {
    return offset >= firstOffset && offset <= firstOffset + length;
  }

  /** The bytes from {@code offset} to the end; {@link #holds} must be true. */
  byte[] from(long offset) {
    int count = (int) (firstOffset + length - offset);
    byte[] out = new byte[count];
    int capacity = ring.length;
    int start = (int) ((head + (offset - firstOffset)) % capacity);
    int first = Math.min(count, capacity - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, count - first);
    return out;
  }

  /** Resizes (CONFIG SET repl-backlog-size), keeping the newest bytes that fit. */
  void resize(int size) {
    size = Math.max(16, size);
    if (size == ring.length) {
      return;
    }
    long end = firstOffset + length;
    long keep = Math.min(length, size);
    byte[] tailBytes = from(end - keep);
    ring = new byte[size];
    head = 0;
    length = 0;
    firstOffset = end - keep;
    append(tailBytes, 0, tailBytes.length);
  }

  long firstOffset() {
    return firstOffset;
  }

  long length() {
    return length;
  }

  int size() {
    return ring.length;
  }
}
