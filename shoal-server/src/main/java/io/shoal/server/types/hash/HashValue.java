package io.shoal.server.types.hash;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.MemorySize;
import io.shoal.server.keyspace.ValueType;
import io.shoal.server.types.BytesTable;
import io.shoal.server.types.TableMemberPrefetch;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * A Redis hash: field/value byte strings in one of two encodings, as OBJECT ENCODING names them.
 *
 * <p>"listpack": a flat array {@code field0, value0, field1, value1, ...} searched linearly. For the
 * small hashes most applications keep (objects of a few dozen fields) this beats a hash table in
 * memory by a wide margin and in speed by staying within a cache line or two, which is why Redis
 * keeps small hashes in a listpack. "hashtable": a {@link BytesTable}. A hash converts once, for
 * good, when it passes {@link HashLimits}; like Redis it never converts back.
 *
 * <p>API for encoders (RDB, DUMP): {@link #encoding()}, {@link #size()} and
 * {@link #forEach(BiConsumer)} in storage order; for loaders: {@link #HashValue()} and
 * {@link #put(byte[], byte[], HashLimits)}. The hash owns the arrays it is given.
 */
public final class HashValue extends CollectionValue implements TableMemberPrefetch {
  private static final long BASE_BYTES = 40;

  private byte[][] pairs = new byte[8][];
  private int count;
  private BytesTable table;
  private long memoryBytes = BASE_BYTES + arrayBytes(8);

  public HashValue() {}

  @Override
  public ValueType type() {
    return ValueType.HASH;
  }

  @Override
  public String encoding() {
    return table == null ? "listpack" : "hashtable";
  }

  public boolean isListpack() {
    return table == null;
  }

  @Override
  public long memoryBytes() {
    return table == null ? memoryBytes : BASE_BYTES + table.memoryBytes();
  }

  @Override
  public long length() {
    return size();
  }

  /** Number of fields. */
  public int size() {
    return table == null ? count : table.size();
  }

  private static long arrayBytes(int slots) {
    return MemorySize.align(16 + 4L * slots);
  }

  private int indexOf(byte[] field) {
    for (int i = 0; i < count; i++) {
      if (Arrays.equals(pairs[2 * i], field)) {
        return i;
      }
    }
    return -1;
  }

  /** The value of a field, or null. */
  public byte[] get(byte[] field) {
    if (table != null) {
      return table.get(field);
    }
    int index = indexOf(field);
    return index < 0 ? null : pairs[2 * index + 1];
  }

  public boolean contains(byte[] field) {
    return get(field) != null;
  }

  /**
   * Sets a field, converting to "hashtable" first when the field or value is longer than the
   * limit, or afterwards when the hash has more fields than the limit. True if the field is new.
   */
  public boolean put(byte[] field, byte[] value, HashLimits limits) {
    if (table == null && (field.length > limits.maxListpackValueBytes() || value.length > limits.maxListpackValueBytes())) {
      convertToHashtable();
    }
    if (table != null) {
      return table.put(field, value);
    }
    int index = indexOf(field);
    if (index >= 0) {
      memoryBytes += MemorySize.ofBytes(value) - MemorySize.ofBytes(pairs[2 * index + 1]);
      pairs[2 * index + 1] = value;
      return false;
    }
    if (2 * count + 2 > pairs.length) {
      int grown = pairs.length * 2;
      memoryBytes += arrayBytes(grown) - arrayBytes(pairs.length);
      pairs = Arrays.copyOf(pairs, grown);
    }
    pairs[2 * count] = field;
    pairs[2 * count + 1] = value;
    count++;
    memoryBytes += MemorySize.ofBytes(field) + MemorySize.ofBytes(value);
    if (count > limits.maxListpackEntries()) {
      convertToHashtable();
    }
    return true;
  }

  /** Removes a field; true if it was there. */
  public boolean remove(byte[] field) {
    if (table != null) {
      return table.remove(field) != null;
    }
    int index = indexOf(field);
    if (index < 0) {
      return false;
    }
    memoryBytes -= MemorySize.ofBytes(pairs[2 * index]) + MemorySize.ofBytes(pairs[2 * index + 1]);
    // Keep insertion order, as a listpack does: HGETALL on a small hash lists fields as added.
    System.arraycopy(pairs, 2 * index + 2, pairs, 2 * index, 2 * (count - index - 1));
    count--;
    pairs[2 * count] = null;
    pairs[2 * count + 1] = null;
    return true;
  }

  private void convertToHashtable() {
    BytesTable converted = new BytesTable(count);
    for (int i = 0; i < count; i++) {
      converted.put(pairs[2 * i], pairs[2 * i + 1]);
    }
    table = converted;
    pairs = null;
    count = 0;
  }

  /** Calls the action with every field and value, in storage order. */
  public void forEach(BiConsumer<byte[], byte[]> action) {
    if (table != null) {
      table.forEach(action);
      return;
    }
    for (int i = 0; i < count; i++) {
      action.accept(pairs[2 * i], pairs[2 * i + 1]);
    }
  }

  /**
   * One HSCAN step: a listpack is returned whole with cursor 0, as Redis does for compact
   * encodings; a hashtable visits one bucket per call (see {@link BytesTable#scan}).
   */
  public long scan(long cursor, BiConsumer<byte[], byte[]> action) {
    if (table == null) {
      forEach(action);
      return 0;
    }
    return table.scan(cursor, action);
  }

  /** A random field (index 0) and value (index 1); null if empty. */
  public byte[][] randomEntry(Random random) {
    if (table != null) {
      BytesTable.Node node = table.randomNode(random);
      return node == null ? null : new byte[][] {node.key(), node.value()};
    }
    if (count == 0) {
      return null;
    }
    int index = random.nextInt(count);
    return new byte[][] {pairs[2 * index], pairs[2 * index + 1]};
  }

  @Override
  public BytesTable prefetchTable() {
    return table;
  }

  @Override
  public HashValue copy() {
    HashValue copy = new HashValue();
    if (table != null) {
      copy.table = table.copy();
      copy.pairs = null;
      return copy;
    }
    copy.pairs = pairs.clone(); // the field and value arrays are shared: never changed in place
    copy.count = count;
    copy.memoryBytes = memoryBytes;
    return copy;
  }
}
