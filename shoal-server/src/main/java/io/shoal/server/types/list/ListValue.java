package io.shoal.server.types.list;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.MemorySize;
import io.shoal.server.keyspace.ValueType;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A Redis list: a growable ring buffer of elements with O(1) push and pop at both ends and O(1)
 * access by index (LINDEX, LSET), where Redis's quicklist needs O(n/node) for the latter.
 *
 * <p>Redis 7.2 keeps a small list in one listpack and converts it to a quicklist once it grows
 * past {@code list-max-listpack-size} (a positive value counts entries; -1..-5 cap the listpack's
 * bytes at 4, 8, 16, 32 or 64 KB), and back to a listpack when it shrinks below half of that limit
 * ({@code listTypeTryConversion}). Shoal has one representation for both, but follows the same
 * rules for the encoding it reports, so OBJECT ENCODING and an RDB encoder choosing between
 * listpack and quicklist see what Redis would. {@link #packedBytes()} is the estimated size the
 * elements would have in one listpack, kept as elements come and go.
 *
 * <p>Values are mutated only under the slot lock of their key; the class itself is not
 * thread-safe. Indexes are 0-based from the head; the accessors never interpret negative indexes
 * (the commands do, as Redis defines them).
 */
public final class ListValue extends CollectionValue {
  /** Object header, ring fields and array header. */
  private static final long BASE_BYTES = 48;
  /** Listpack header (total bytes, element count) and end byte. */
  private static final long LISTPACK_HEADER_BYTES = 7;
  private static final int MIN_CAPACITY = 4;

  private byte[][] elements;
  private int head;
  private int size;
  private long elementBytes;
  private long packedBytes = LISTPACK_HEADER_BYTES;
  private boolean quicklist;

  public ListValue() {
    elements = new byte[MIN_CAPACITY][];
  }

  /**
   * A copy of another list as it is: its ring cloned in one array copy, the element arrays shared
   * (stored byte strings are never changed in place, see {@link CollectionValue#copy}).
   */
  private ListValue(ListValue other) {
    elements = other.elements.clone();
    head = other.head;
    size = other.size;
    elementBytes = other.elementBytes;
    packedBytes = other.packedBytes;
    quicklist = other.quicklist;
  }

  @Override
  public ValueType type() {
    return ValueType.LIST;
  }

  @Override
  public String encoding() {
    return quicklist ? "quicklist" : "listpack";
  }

  /** True when OBJECT ENCODING reports "quicklist". */
  public boolean isQuicklist() {
    return quicklist;
  }

  @Override
  public long memoryBytes() {
    return BASE_BYTES + 4L * elements.length + elementBytes;
  }

  @Override
  public long length() {
    return size;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public ListValue copy() {
    return new ListValue(this);
  }

  /** Estimated bytes of the elements encoded as one listpack, as Redis sizes its listpacks. */
  public long packedBytes() {
    return packedBytes;
  }

  // ---- Access by index, 0 = head.

  public byte[] get(int index) {
    checkIndex(index);
    return elements[physical(index)];
  }

  /** Replaces the element at an index and returns the old one. */
  public byte[] set(int index, byte[] value) {
    checkIndex(index);
    int at = physical(index);
    byte[] old = elements[at];
    elements[at] = value;
    forget(old);
    remember(value);
    return old;
  }

  public byte[] first() {
    return get(0);
  }

  public byte[] last() {
    return get(size - 1);
  }

  // ---- Both ends.

  public void pushFirst(byte[] value) {
    growIfFull();
    head = (head - 1) & (elements.length - 1);
    elements[head] = value;
    size++;
    remember(value);
  }

  public void pushLast(byte[] value) {
    growIfFull();
    elements[physical(size)] = value;
    size++;
    remember(value);
  }

  public byte[] popFirst() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    byte[] value = elements[head];
    elements[head] = null;
    head = (head + 1) & (elements.length - 1);
    size--;
    forget(value);
    shrinkIfSparse();
    return value;
  }

  public byte[] popLast() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    int at = physical(size - 1);
    byte[] value = elements[at];
    elements[at] = null;
    size--;
    forget(value);
    shrinkIfSparse();
    return value;
  }

  // ---- Middle operations, O(n).

  /** Inserts before the element now at {@code index}; {@code index == size()} appends. */
  public void insert(int index, byte[] value) {
    if (index < 0 || index > size) {
      throw new IndexOutOfBoundsException(index);
    }
    if (index == 0) {
      pushFirst(value);
      return;
    }
    pushLast(value);
    for (int i = size - 1; i > index; i--) {
      elements[physical(i)] = elements[physical(i - 1)];
    }
    elements[physical(index)] = value;
  }

  /** Removes and returns the element at an index, closing the gap. */
  public byte[] remove(int index) {
    checkIndex(index);
    byte[] value = elements[physical(index)];
    for (int i = index; i < size - 1; i++) {
      elements[physical(i)] = elements[physical(i + 1)];
    }
    elements[physical(size - 1)] = null;
    size--;
    forget(value);
    shrinkIfSparse();
    return value;
  }

  /** Keeps only the elements in [start, stop] (both already clamped, start <= stop < size). */
  public void retain(int start, int stop) {
    int newSize = stop - start + 1;
    for (int i = 0; i < start; i++) {
      forget(elements[physical(i)]);
      elements[physical(i)] = null;
    }
    for (int i = stop + 1; i < size; i++) {
      forget(elements[physical(i)]);
      elements[physical(i)] = null;
    }
    head = physical(start);
    size = newSize;
    shrinkIfSparse();
  }

  public void clear() {
    Arrays.fill(elements, null);
    head = 0;
    size = 0;
    elementBytes = 0;
    packedBytes = LISTPACK_HEADER_BYTES;
    elements = new byte[MIN_CAPACITY][];
  }

  /**
   * Removes up to {@code limit} elements equal to {@code value} (0 = all), scanning from the head,
   * or from the tail when {@code fromTail}; returns how many went (LREM).
   */
  public int removeEqual(byte[] value, long limit, boolean fromTail) {
    int removed = 0;
    int write = fromTail ? size - 1 : 0;
    if (!fromTail) {
      for (int read = 0; read < size; read++) {
        byte[] element = elements[physical(read)];
        if ((limit == 0 || removed < limit) && Arrays.equals(element, value)) {
          removed++;
          forget(element);
        } else {
          elements[physical(write++)] = element;
        }
      }
      for (int i = write; i < size; i++) {
        elements[physical(i)] = null;
      }
    } else {
      for (int read = size - 1; read >= 0; read--) {
        byte[] element = elements[physical(read)];
        if ((limit == 0 || removed < limit) && Arrays.equals(element, value)) {
          removed++;
          forget(element);
        } else {
          elements[physical(write--)] = element;
        }
      }
      for (int i = 0; i <= write; i++) {
        elements[physical(i)] = null;
      }
      head = physical(write + 1);
    }
    size -= removed;
    shrinkIfSparse();
    return removed;
  }

  /** Index of the first element equal to {@code value}, or -1. */
  public int indexOf(byte[] value) {
    for (int i = 0; i < size; i++) {
      if (Arrays.equals(elements[physical(i)], value)) {
        return i;
      }
    }
    return -1;
  }

  /** Receives a run of elements that lie next to each other in the backing ring. */
  @FunctionalInterface
  public interface SegmentVisitor {
    void accept(byte[][] array, int offset, int length);
  }

  /**
   * Visits {@code count} elements from index {@code start} as at most two contiguous slices of the
   * ring (it may wrap), so a range reply can be written in bulk instead of element by element.
   */
  public void forEachSegment(int start, int count, SegmentVisitor visitor) {
    if (count <= 0) {
      return;
    }
    checkIndex(start);
    checkIndex(start + count - 1);
    int first = physical(start);
    int untilWrap = Math.min(count, elements.length - first);
    visitor.accept(elements, first, untilWrap);
    if (untilWrap < count) {
      visitor.accept(elements, 0, count - untilWrap);
    }
  }

  /** Visits the elements from head to tail. */
  public void forEach(Consumer<byte[]> visitor) {
    for (int i = 0; i < size; i++) {
      visitor.accept(elements[physical(i)]);
    }
  }

  /** The elements from head to tail, as a fresh array sharing the element arrays. */
  public byte[][] toArray() {
    byte[][] result = new byte[size][];
    for (int i = 0; i < size; i++) {
      result[i] = elements[physical(i)];
    }
    return result;
  }

  // ---- Encoding, following Redis 7.2's listTypeTryConversion rules.

  /**
   * Updates the reported encoding after a change: to quicklist once over the limit, back to
   * listpack once under half of it. {@code maxListpackSize} is list-max-listpack-size.
   */
  public void updateEncoding(long maxListpackSize) {
    if (!quicklist) {
      if (exceeds(maxListpackSize, 1)) {
        quicklist = true;
      }
    } else if (!exceeds(maxListpackSize, 2)) {
      quicklist = false;
    }
  }

  private boolean exceeds(long maxListpackSize, int divisor) {
    if (maxListpackSize >= 0) {
      return size > Math.max(1, maxListpackSize) / divisor;
    }
    return packedBytes > sizeLimitBytes(maxListpackSize) / divisor;
  }

  /** The listpack byte limit a negative list-max-listpack-size names (-1 4 KB ... -5 64 KB). */
  public static long sizeLimitBytes(long maxListpackSize) {
    int level = (int) Math.min(5, Math.max(1, -maxListpackSize));
    return 4096L << (level - 1);
  }

  // ---- Internals.

  private int physical(int index) {
    return (head + index) & (elements.length - 1);
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
  }

  private void growIfFull() {
    if (size == elements.length) {
      resize(elements.length * 2);
    }
  }

  private void shrinkIfSparse() {
    if (elements.length > MIN_CAPACITY && size < elements.length / 4) {
      resize(Math.max(MIN_CAPACITY, elements.length / 2));
    }
  }

  private void resize(int capacity) {
    byte[][] next = new byte[capacity][];
    for (int i = 0; i < size; i++) {
      next[i] = elements[physical(i)];
    }
    elements = next;
    head = 0;
  }

  private void remember(byte[] value) {
    elementBytes += MemorySize.ofBytes(value);
    packedBytes += packedEntryBytes(value);
  }

  private void forget(byte[] value) {
    elementBytes -= MemorySize.ofBytes(value);
    packedBytes -= packedEntryBytes(value);
  }

  /** Bytes of one listpack entry: encoding header, data and back-length (lpEncodeBacklen). */
  static int packedEntryBytes(byte[] value) {
    int length = value.length;
    int header = length < 64 ? 1 : length < 4096 ? 2 : 5;
    int content = header + length;
    int backLength = content < 128 ? 1 : content < 16384 ? 2 : content < 2097152 ? 3 : content < 268435456 ? 4 : 5;
    return content + backLength;
  }
}
