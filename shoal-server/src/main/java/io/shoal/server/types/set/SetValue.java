package io.shoal.server.types.set;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.MemorySize;
import io.shoal.server.keyspace.PopPrefetch;
import io.shoal.server.keyspace.RandomDraws;
import io.shoal.server.keyspace.ValueType;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.types.BytesTable;
import io.shoal.server.types.TableMemberPrefetch;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A Redis set in one of three encodings, as OBJECT ENCODING names them (Redis 7.2's t_set.c).
 *
 * <p>"intset": a sorted {@code long[]}, searched by bisection; used while every member is an
 * integer in the canonical form Redis's {@code string2ll} accepts ("12", never "012" or "+12"), so
 * the member's text can be rebuilt exactly. "listpack": a flat array of members searched linearly,
 * in insertion order. "hashtable": a {@link BytesTable}. Conversion follows Redis: an intset that
 * gets a non-integer becomes a listpack if the result fits the listpack limits, else a hashtable;
 * an intset past {@code maxIntsetEntries} and a listpack past its limits become a hashtable. No
 * set converts back.
 *
 * <p>API for encoders (RDB, DUMP): {@link #encoding()}, {@link #size()},
 * {@link #forEach(Consumer)}, and for intsets {@link #forEachInteger(LongConsumer)}. For loaders:
 * {@link #SetValue()} (an empty intset) and {@link #add(byte[], SetLimits)}. The set owns the
 * arrays it is given.
 */
public final class SetValue extends CollectionValue implements TableMemberPrefetch, PopPrefetch {
  private static final long BASE_BYTES = 40;
  private static final byte INTSET = 0;
  private static final byte LISTPACK = 1;
  private static final byte HASHTABLE = 2;

  private byte encoding = INTSET;
  private long[] integers = new long[4];
  private byte[][] members;
  private int count;
  private BytesTable table;
  private long memoryBytes = BASE_BYTES + longArrayBytes(4);

  /** An empty set in the "intset" encoding. */
  public SetValue() {}

  /**
   * An empty set encoded for what is about to be added, as Redis's {@code setTypeCreate}: SADD of
   * many members at once starts directly in the encoding the result will need.
   */
  public static SetValue create(byte[] firstMember, long sizeHint, SetLimits limits) {
    SetValue set = new SetValue();
    if (NumberFormat.isLong(firstMember) && sizeHint <= limits.maxIntsetEntries()) {
      return set;
    }
    if (sizeHint <= limits.maxListpackEntries()) {
      set.toListpack();
    } else {
      set.toHashtable((int) Math.min(sizeHint, 1 << 20));
    }
    return set;
  }

  /**
   * Before adding {@code sizeHint} members at once, converts to "hashtable" if that many alone
   * would pass the current encoding's limit, as Redis's {@code setTypeMaybeConvert} does for SADD.
   */
  public void maybeConvert(long sizeHint, SetLimits limits) {
    if ((encoding == LISTPACK && sizeHint > limits.maxListpackEntries())
        || (encoding == INTSET && sizeHint > limits.maxIntsetEntries())) {
      toHashtable((int) Math.min(count + sizeHint, 1 << 20));
    }
  }

  @Override
  public ValueType type() {
    return ValueType.SET;
  }

  @Override
  public String encoding() {
    return encoding == INTSET ? "intset" : encoding == LISTPACK ? "listpack" : "hashtable";
  }

  public boolean isIntset() {
    return encoding == INTSET;
  }

  @Override
  public long memoryBytes() {
    return encoding == HASHTABLE ? BASE_BYTES + table.memoryBytes() : memoryBytes;
  }

  @Override
  public long length() {
    return size();
  }

  public int size() {
    return encoding == HASHTABLE ? table.size() : count;
  }

  private static long longArrayBytes(int slots) {
    return MemorySize.align(16 + 8L * slots);
  }

  private static long refArrayBytes(int slots) {
    return MemorySize.align(16 + 4L * slots);
  }

  private static long parseIntegerOrFlag(byte[] member, boolean[] ok) {
    if (!NumberFormat.isLong(member)) {
      ok[0] = false;
      return 0;
    }
    ok[0] = true;
    return NumberFormat.parseLong(member);
  }

  private int intsetSearch(long value) {
    return Arrays.binarySearch(integers, 0, count, value);
  }

  private int listpackIndex(byte[] member) {
    for (int i = 0; i < count; i++) {
      if (Arrays.equals(members[i], member)) {
        return i;
      }
    }
    return -1;
  }

  public boolean contains(byte[] member) {
    switch (encoding) {
      case INTSET:
        return NumberFormat.isLong(member) && intsetSearch(NumberFormat.parseLong(member)) >= 0;
      case LISTPACK:
        return listpackIndex(member) >= 0;
      default:
        return table.contains(member);
    }
  }

  /** Adds a member, converting the encoding as Redis's {@code setTypeAddAux} does; true if new. */
  public boolean add(byte[] member, SetLimits limits) {
    if (encoding == INTSET) {
      boolean[] isInteger = new boolean[1];
      long value = parseIntegerOrFlag(member, isInteger);
      if (isInteger[0]) {
        int index = intsetSearch(value);
        if (index >= 0) {
          return false;
        }
        insertInteger(-index - 1, value);
        if (count > Math.min(limits.maxIntsetEntries(), 1 << 30)) {
          toHashtable(count);
        }
        return true;
      }
      if (count < limits.maxListpackEntries() && member.length <= limits.maxListpackValueBytes()
          && maxIntegerDigits() <= limits.maxListpackValueBytes()) {
        toListpack();
      } else {
        toHashtable(count + 1);
      }
    }
    if (encoding == LISTPACK) {
      if (listpackIndex(member) >= 0) {
        return false;
      }
      if (count < limits.maxListpackEntries() && member.length <= limits.maxListpackValueBytes()) {
        appendToListpack(member);
        return true;
      }
      toHashtable(count + 1);
    }
    return table.put(member, null);
  }

  private int maxIntegerDigits() {
    if (count == 0) {
      return 0;
    }
    return Math.max(Long.toString(integers[0]).length(), Long.toString(integers[count - 1]).length());
  }

  private void insertInteger(int index, long value) {
    if (count == integers.length) {
      int grown = integers.length * 2;
      memoryBytes += longArrayBytes(grown) - longArrayBytes(integers.length);
      integers = Arrays.copyOf(integers, grown);
    }
    System.arraycopy(integers, index, integers, index + 1, count - index);
    integers[index] = value;
    count++;
  }

  private void appendToListpack(byte[] member) {
    if (count == members.length) {
      int grown = members.length * 2;
      memoryBytes += refArrayBytes(grown) - refArrayBytes(members.length);
      members = Arrays.copyOf(members, grown);
    }
    members[count++] = member;
    memoryBytes += MemorySize.ofBytes(member);
  }

  private void toListpack() {
    long[] old = integers;
    int oldCount = count;
    members = new byte[Math.max(4, oldCount + 1)][];
    memoryBytes = BASE_BYTES + refArrayBytes(members.length);
    count = 0;
    integers = null;
    encoding = LISTPACK;
    for (int i = 0; i < oldCount; i++) {
      appendToListpack(NumberFormat.toBytes(old[i]));
    }
  }

  private void toHashtable(int expected) {
    BytesTable converted = new BytesTable(expected);
    forEach(member -> converted.put(member, null));
    table = converted;
    integers = null;
    members = null;
    count = 0;
    encoding = HASHTABLE;
  }

  /** Removes a member; true if it was there. */
  public boolean remove(byte[] member) {
    switch (encoding) {
      case INTSET: {
        if (!NumberFormat.isLong(member)) {
          return false;
        }
        int index = intsetSearch(NumberFormat.parseLong(member));
        if (index < 0) {
          return false;
        }
        removeIntegerAt(index);
        return true;
      }
      case LISTPACK: {
        int index = listpackIndex(member);
        if (index < 0) {
          return false;
        }
        removeListpackAt(index);
        return true;
      }
      default:
        return table.remove(member) != null;
    }
  }

  private void removeIntegerAt(int index) {
    System.arraycopy(integers, index + 1, integers, index, count - index - 1);
    count--;
  }

  private void removeListpackAt(int index) {
    memoryBytes -= MemorySize.ofBytes(members[index]);
    System.arraycopy(members, index + 1, members, index, count - index - 1);
    members[--count] = null;
  }

  /** Calls the action with every member, in storage order (ascending for an intset). */
  public void forEach(Consumer<byte[]> action) {
    switch (encoding) {
      case INTSET:
        for (int i = 0; i < count; i++) {
          action.accept(NumberFormat.toBytes(integers[i]));
        }
        break;
      case LISTPACK:
        for (int i = 0; i < count; i++) {
          action.accept(members[i]);
        }
        break;
      default:
        table.forEach((key, ignored) -> action.accept(key));
    }
  }

  /** Every member of an intset, ascending, without building strings; only for "intset". */
  public void forEachInteger(LongConsumer action) {
    if (encoding != INTSET) {
      throw new IllegalStateException("not an intset: " + encoding());
    }
    for (int i = 0; i < count; i++) {
      action.accept(integers[i]);
    }
  }

  /**
   * One SSCAN step: compact encodings are returned whole with cursor 0, as Redis does; a hashtable
   * visits one bucket per call (see {@link BytesTable#scan}).
   */
  public long scan(long cursor, Consumer<byte[]> action) {
    if (encoding != HASHTABLE) {
      forEach(action);
      return 0;
    }
    return table.scan(cursor, (key, ignored) -> action.accept(key));
  }

  /** A uniformly random member, or null if empty. */
  public byte[] randomMember(Random random) {
    switch (encoding) {
      case INTSET:
        return count == 0 ? null : NumberFormat.toBytes(integers[random.nextInt(count)]);
      case LISTPACK:
        return count == 0 ? null : members[random.nextInt(count)];
      default: {
        BytesTable.Node node = table.randomNode(random);
        return node == null ? null : node.key();
      }
    }
  }

  /** Removes and returns a random member, or null if empty. */
  public byte[] popRandom(Random random) {
    return popRandom(random, null);
  }

  /**
   * {@link #popRandom(Random)} for SPOP: a hashtable starts from the bucket the next number of
   * {@code draws} (null: a fresh draw) names, the one the connection's prefetch loaded.
   */
  public byte[] popRandom(Random random, RandomDraws draws) {
    switch (encoding) {
      case INTSET: {
        if (count == 0) {
          return null;
        }
        int index = random.nextInt(count);
        byte[] member = NumberFormat.toBytes(integers[index]);
        removeIntegerAt(index);
        return member;
      }
      case LISTPACK: {
        if (count == 0) {
          return null;
        }
        int index = random.nextInt(count);
        byte[] member = members[index];
        removeListpackAt(index);
        return member;
      }
      default: {
        BytesTable.Node node = draws == null ? table.randomNode(random) : table.randomNode(random, draws.next());
        if (node == null) {
          return null;
        }
        table.removeNode(node);
        return node.key();
      }
    }
  }

  @Override
  public BytesTable prefetchTable() {
    return table;
  }

  /** SPOP's: a number drawn ahead, for the hashtable encoding only (the one that will use it). */
  @Override
  public int prefetchPopHash(int end, int ordinal, RandomDraws draws) {
    return end == RANDOM && draws != null && table != null ? draws.drawAhead() : 0;
  }

  @Override
  public SetValue copy() {
    SetValue copy = new SetValue();
    copy.encoding = encoding;
    copy.count = count;
    copy.memoryBytes = memoryBytes;
    switch (encoding) {
      case INTSET:
        copy.integers = integers.clone();
        break;
      case LISTPACK:
        copy.integers = null;
        copy.members = members.clone(); // the member arrays are shared: never changed in place
        break;
      default:
        copy.integers = null;
        copy.table = table.copy();
    }
    return copy;
  }
}
