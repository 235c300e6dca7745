package io.shoal.server.types;

import io.shoal.server.keyspace.MemorySize;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * The "hashtable" encoding shared by hashes and sets: a chained hash table of byte-string keys,
 * each with an optional byte-string value (null for set members).
 *
 * <p>It follows Redis's {@code dict} rather than using {@code java.util.HashMap} for two reasons
 * that commands can see. SCAN needs a cursor that never misses an element present for the whole
 * iteration even when the table grows or shrinks between calls; Redis gets that from its
 * reverse-binary bucket cursor ({@code dictScan}), which this class reproduces over a power-of-two
 * bucket array. SPOP, SRANDMEMBER and HRANDFIELD need a random element in O(1) expected time; like
 * {@code dictGetFairRandomKey} this picks a random non-empty bucket and a random node in its chain.
 * Unlike Redis the table is resized at once instead of incrementally: every call runs under its
 * slot's lock and a resize is a single pass over the nodes.
 *
 * <p>The table grows when it holds as many keys as buckets and shrinks below a tenth full, as
 * Redis's {@code HT_MIN_FILL}. {@link #memoryBytes()} is a running estimate kept on every change.
 */
public final class BytesTable {
  private static final int MIN_BUCKETS = 4;
  /** A set member's node: object header, key and next references, and the cached hash. */
  private static final int NODE_BYTES = 24;
  /** A hash field's node: the same and the value's reference, padded to 8. */
  private static final int ENTRY_BYTES = 32;

  /**
   * One key without a value: a set member. A key with a value is an {@link Entry}; set members
   * (every member of a large set) save the value's reference and the padding after it, 8 bytes
   * each, and the garbage collector copies that much less when it promotes them.
   */
  public static class Node {
    final byte[] key;
    final int hash;
    Node next;

    Node(byte[] key, int hash, Node next) {
      this.key = key;
      this.hash = hash;
      this.next = next;
    }

    public byte[] key() {
      return key;
    }

    /** The value; null for a set member. */
    public byte[] value() {
      return null;
    }
  }

  /** One key and its value: a hash's field. */
  static final class Entry extends Node {
    byte[] value;

    Entry(byte[] key, byte[] value, int hash, Node next) {
      super(key, hash, next);
      this.value = value;
    }

    @Override
    public byte[] value() {
      return value;
    }
  }

  private static Node node(byte[] key, byte[] value, int hash, Node next) {
    return value == null ? new Node(key, hash, next) : new Entry(key, value, hash, next);
  }

  private static long nodeBytes(Node node) {
    return node instanceof Entry entry ? ENTRY_BYTES + MemorySize.ofBytes(entry.value) : NODE_BYTES;
  }

  private Node[] buckets = new Node[MIN_BUCKETS];
  private int size;
  private long memoryBytes = MemorySize.align(16 + 4L * MIN_BUCKETS);

  public BytesTable() {}

  /** A table sized for {@code expected} keys without resizing. */
  public BytesTable(int expected) {
    int capacity = MIN_BUCKETS;
    while (capacity < expected && capacity < (1 << 30)) {
      capacity <<= 1;
    }
    buckets = new Node[capacity];
    memoryBytes = MemorySize.align(16 + 4L * capacity);
  }

  public int size() {
    return size;
  }

  public long memoryBytes() {
    return memoryBytes;
  }

  static int hash(byte[] key) {
    // Arrays.hashCode spreads poorly into the low bits a power-of-two table uses: mix it.
    int h = Arrays.hashCode(key) * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** Chain steps {@link #prefetchNode} walks: chains are short at a load factor of at most 1. */
  private static final int PREFETCH_STEPS = 4;

  /** {@link #hash}, for {@link io.shoal.server.keyspace.MemberPrefetch#prefetchHash}. */
  public static int prefetchHash(byte[] key) {
    return hash(key);
  }

  /**
   * The head of a hash's bucket, read without the lock (see
   * {@link io.shoal.server.keyspace.MemberPrefetch}): the array is read once and indexed
   * against its own length, so a concurrent resize only makes this the wrong bucket.
   */
  public Node prefetchBucket(int hash) {
    Node[] table = buckets;
    return table == null || table.length == 0 ? null : table[hash & (table.length - 1)];
  }

  /** The first of a few nodes from {@code head} with that hash, or null; read without the lock. */
  public static Node prefetchNode(Object head, int hash) {
    Node node = head instanceof Node first ? first : null;
    // Bounded: a chain being relinked by a resize on another thread may look like a cycle.
    for (int step = 0; node != null && step < PREFETCH_STEPS; step++) {
      if (node.hash == hash) {
        return node;
      }
      node = node.next;
    }
    return null;
  }

  /** Loads a node's key (both ends: Arrays.equals reads it all) and its value's header. */
  public static int prefetchEntry(Object found) {
    if (!(found instanceof Node node)) {
      return 0;
    }
    int sum = 0;
    byte[] key = node.key;
    if (key != null && key.length > 0) {
      sum += key.length + key[key.length - 1];
    }
    byte[] value = node.value();
    if (value != null) {
      sum += value.length;
    }
    return sum;
  }

  public Node find(byte[] key) {
    int h = hash(key);
    for (Node node = buckets[h & (buckets.length - 1)]; node != null; node = node.next) {
      if (node.hash == h && Arrays.equals(node.key, key)) {
        return node;
      }
    }
    return null;
  }

  public boolean contains(byte[] key) {
    return find(key) != null;
  }

  /** The value of a key, or null if absent (or a set member). */
  public byte[] get(byte[] key) {
    Node node = find(key);
    return node == null ? null : node.value();
  }

  /** Inserts or replaces; true if the key was new. The table owns both arrays afterwards. */
  public boolean put(byte[] key, byte[] value) {
    int h = hash(key);
    Node previous = null;
    int at = h & (buckets.length - 1);
    for (Node node = buckets[at]; node != null; previous = node, node = node.next) {
      if (node.hash == h && Arrays.equals(node.key, key)) {
        if (node instanceof Entry entry && value != null) {
          memoryBytes += MemorySize.ofBytes(value) - MemorySize.ofBytes(entry.value);
          entry.value = value;
        } else if (node instanceof Entry || value != null) {
          // A value given to a member or taken from a field (no caller mixes them): a new node.
          Node replacement = node(node.key, value, h, node.next);
          if (previous == null) {
            buckets[at] = replacement;
          } else {
            previous.next = replacement;
          }
          memoryBytes += nodeBytes(replacement) - nodeBytes(node);
        }
        return false;
      }
    }
    if (size >= buckets.length) {
      resize(buckets.length * 2);
    }
    int index = h & (buckets.length - 1);
    Node added = node(key, value, h, buckets[index]);
    buckets[index] = added;
    size++;
    memoryBytes += nodeBytes(added) + MemorySize.ofBytes(key);
    return true;
  }

  /** Removes a key and returns its node, or null if it was absent. */
  public Node remove(byte[] key) {
    Node node = find(key);
    if (node != null) {
      removeNode(node);
    }
    return node;
  }

  /**
   * Removes a node of this table (one {@link #randomNode} or {@link #find} returned): its bucket
   * follows from the cached hash, so the key is neither hashed nor compared again.
   */
  public void removeNode(Node target) {
    int index = target.hash & (buckets.length - 1);
    Node previous = null;
    for (Node node = buckets[index]; node != null; previous = node, node = node.next) {
      if (node == target) {
        if (previous == null) {
          buckets[index] = node.next;
        } else {
          previous.next = node.next;
        }
        size--;
        memoryBytes -= nodeBytes(node) + MemorySize.ofBytes(node.key);
        if (buckets.length > MIN_BUCKETS && size * 10L < buckets.length) {
          resize(Math.max(MIN_BUCKETS, Integer.highestOneBit(Math.max(1, size)) * 2));
        }
        return;
      }
    }
    throw new IllegalStateException("node not in its table");
  }

  private void resize(int capacity) {
    Node[] next = new Node[capacity];
    for (Node head : buckets) {
      Node node = head;
      while (node != null) {
        Node following = node.next;
        int index = node.hash & (capacity - 1);
        node.next = next[index];
        next[index] = node;
        node = following;
      }
    }
    memoryBytes += 4L * (capacity - buckets.length);
    buckets = next;
  }

  /** Calls the action for every key and value (value null for set members), in bucket order. */
  public void forEach(BiConsumer<byte[], byte[]> action) {
    for (Node head : buckets) {
      for (Node node = head; node != null; node = node.next) {
        action.accept(node.key, node.value());
      }
    }
  }

  /**
   * Visits the bucket the cursor names and returns the next cursor, 0 when the scan is complete.
   * This is Redis's reverse-binary iteration: the high bits of the cursor are incremented, so a
   * table that doubled or halved between calls still yields every element that stayed present
   * (some may be returned twice after a shrink).
   */
  public long scan(long cursor, BiConsumer<byte[], byte[]> action) {
    long mask = buckets.length - 1;
    for (Node node = buckets[(int) (cursor & mask)]; node != null; node = node.next) {
      action.accept(node.key, node.value());
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    cursor = Long.reverse(cursor);
    return cursor;
  }

  /** A uniformly chosen bucket's random node: O(1) expected while the table is at least 10% full. */
  public Node randomNode(Random random) {
    if (size == 0) {
      return null;
    }
    Node head;
    do {
      head = buckets[random.nextInt(buckets.length)];
    } while (head == null);
    return pick(head, random);
  }

  /**
   * {@link #randomNode(Random)} whose first bucket is the one the low bits of {@code firstDraw}
   * name, a uniform random number drawn ahead (see {@code keyspace.RandomDraws}): as fair as a
   * fresh draw, and its bucket may already be in the cache. Further buckets are drawn afresh.
   */
  public Node randomNode(Random random, int firstDraw) {
    if (size == 0) {
      return null;
    }
    Node head = buckets[firstDraw & (buckets.length - 1)];
    while (head == null) {
      head = buckets[random.nextInt(buckets.length)];
    }
    return pick(head, random);
  }

  /** A uniformly chosen node of a chain. */
  private static Node pick(Node head, Random random) {
    if (head.next == null) {
      return head; // the usual chain at this load factor: no draw needed
    }
    int length = 0;
    for (Node node = head; node != null; node = node.next) {
      length++;
    }
    int pick = random.nextInt(length);
    Node node = head;
    while (pick-- > 0) {
      node = node.next;
    }
    return node;
  }

  public BytesTable copy() {
    BytesTable copy = new BytesTable(Math.max(size, 1));
    forEach((key, value) -> copy.put(key.clone(), value == null ? null : value.clone()));
    return copy;
  }
}
