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
 *
 * <p>The table grows when it holds as many keys as buckets and shrinks below a tenth full, as
 * Redis's {@code HT_MIN_FILL}. Like Redis's dict it resizes incrementally: a resize allocates the
 * new bucket array and each later write moves a few buckets of the old one into it
 * ({@link #STEP_BUCKETS}), new keys going straight to the new array, until the old one is empty.
 * Done in one pass, growing one hash or set of 512K members stopped its event loop for 15-20 ms
 * (docs/performance.md, eighth round). While both arrays are in use a lookup tries both, and
 * {@link #scan} walks both as Redis's {@code dictScan} does, so its guarantee holds across a
 * resize in progress. {@link #memoryBytes()} is a running estimate kept on every change.
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

  /**
   * Non-empty buckets a write moves while a resize is in progress (and at most
   * {@link #STEP_VISITS} buckets looked at): a grow from L buckets ends within about L/4 writes,
   * long before the new array fills, and a shrink (at most a tenth full) before its keys run out.
   */
  static final int STEP_BUCKETS = 4;
  private static final int STEP_VISITS = 64;

  /** The bucket array; during a resize, the old one, whose buckets below {@link #moved} are empty. */
  private Node[] buckets = new Node[MIN_BUCKETS];
  /** The array a resize in progress moves the keys to, else null. */
  private Node[] target;
  /** The buckets of {@link #buckets} already moved to {@link #target} (Redis's rehashidx). */
  private int moved;
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
    // During a resize the key is in the new array if its old bucket was moved (or it is new).
    Node[] next = target;
    if (next != null && next.length > 0) {
      Node head = next[hash & (next.length - 1)];
      if (head != null) {
        return head;
      }
    }
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
    Node found = find(buckets, key, h);
    return found != null || target == null ? found : find(target, key, h);
  }

  private static Node find(Node[] table, byte[] key, int h) {
    for (Node node = table[h & (table.length - 1)]; node != null; node = node.next) {
      if (node.hash == h && Arrays.equals(node.key, key)) {
        return node;
      }
    }
    return null;
  }

  /** True while a resize is in progress (both bucket arrays in use); for tests. */
  boolean resizing() {
    return target != null;
  }

  /** The bucket count keys settle in: the new array's during a resize. */
  int bucketCount() {
    return target != null ? target.length : buckets.length;
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
    if (target != null) {
      step();
    }
    int h = hash(key);
    if (replace(buckets, key, value, h) || (target != null && replace(target, key, value, h))) {
      return false;
    }
    if (size >= bucketCount()) {
      startResize(bucketCount() * 2);
    }
    Node[] table = target != null ? target : buckets;
    int index = h & (table.length - 1);
    Node added = node(key, value, h, table[index]);
    table[index] = added;
    size++;
    memoryBytes += nodeBytes(added) + MemorySize.ofBytes(key);
    return true;
  }

  /** Gives an existing key of this array its new value; false if the key is not in it. */
  private boolean replace(Node[] table, byte[] key, byte[] value, int h) {
    Node previous = null;
    int at = h & (table.length - 1);
    for (Node node = table[at]; node != null; previous = node, node = node.next) {
      if (node.hash == h && Arrays.equals(node.key, key)) {
        if (node instanceof Entry entry && value != null) {
          memoryBytes += MemorySize.ofBytes(value) - MemorySize.ofBytes(entry.value);
          entry.value = value;
        } else if (node instanceof Entry || value != null) {
          // A value given to a member or taken from a field (no caller mixes them): a new node.
          Node replacement = node(node.key, value, h, node.next);
          if (previous == null) {
            table[at] = replacement;
          } else {
            previous.next = replacement;
          }
          memoryBytes += nodeBytes(replacement) - nodeBytes(node);
        }
        return true;
      }
    }
    return false;
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
  public void removeNode(Node node) {
    if (target != null) {
      step();
    }
    if (!unlink(buckets, node) && (target == null || !unlink(target, node))) {
      throw new IllegalStateException("node not in its table");
    }
    size--;
    memoryBytes -= nodeBytes(node) + MemorySize.ofBytes(node.key);
    int allocated = buckets.length + (target == null ? 0 : target.length);
    if (size == 0 && allocated > MIN_BUCKETS) {
      // Empty: back to the smallest array at once (nothing to move, no scan to keep whole).
      memoryBytes -= 4L * (allocated - MIN_BUCKETS);
      buckets = new Node[MIN_BUCKETS];
      target = null;
      moved = 0;
    } else if (target == null && buckets.length > MIN_BUCKETS && size * 10L < buckets.length) {
      startResize(Math.max(MIN_BUCKETS, Integer.highestOneBit(Math.max(1, size)) * 2));
    }
  }

  /** Takes a node out of its chain in this array; false if it is not there. */
  private static boolean unlink(Node[] table, Node wanted) {
    int index = wanted.hash & (table.length - 1);
    Node previous = null;
    for (Node node = table[index]; node != null; previous = node, node = node.next) {
      if (node == wanted) {
        if (previous == null) {
          table[index] = node.next;
        } else {
          previous.next = node.next;
        }
        return true;
      }
    }
    return false;
  }

  /** Starts moving the keys to an array of {@code capacity} buckets; a resize in progress ends first. */
  private void startResize(int capacity) {
    while (target != null) {
      step();
    }
    target = new Node[capacity];
    moved = 0;
    memoryBytes += 4L * capacity;
    step();
  }

  /**
   * Moves up to {@link #STEP_BUCKETS} non-empty buckets of the old array to the new one, looking
   * at no more than {@link #STEP_VISITS} buckets, and ends the resize when the old array is empty.
   */
  private void step() {
    Node[] from = buckets;
    Node[] to = target;
    int mask = to.length - 1;
    int movedBuckets = 0;
    int end = Math.min(from.length, moved + STEP_VISITS);
    int at = moved;
    for (; at < end && movedBuckets < STEP_BUCKETS; at++) {
      Node node = from[at];
      if (node == null) {
        continue;
      }
      from[at] = null;
      while (node != null) {
        Node following = node.next;
        int index = node.hash & mask;
        node.next = to[index];
        to[index] = node;
        node = following;
      }
      movedBuckets++;
    }
    moved = at;
    if (moved == from.length) {
      memoryBytes -= 4L * from.length;
      buckets = to;
      target = null;
      moved = 0;
    }
  }

  /** Calls the action for every key and value (value null for set members), in bucket order. */
  public void forEach(BiConsumer<byte[], byte[]> action) {
    forEach(buckets, action);
    if (target != null) {
      forEach(target, action);
    }
  }

  private static void forEach(Node[] table, BiConsumer<byte[], byte[]> action) {
    for (Node head : table) {
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
    if (target == null) {
      long mask = buckets.length - 1;
      visit(buckets[(int) (cursor & mask)], action);
      return ScanCursor.next(cursor, mask);
    }
    // A resize in progress (dictScan with two tables): the cursor's bucket in the smaller array,
    // then every bucket of the larger one that it expands to, which share its low bits.
    Node[] small = buckets.length <= target.length ? buckets : target;
    Node[] large = small == buckets ? target : buckets;
    long smallMask = small.length - 1;
    long largeMask = large.length - 1;
    visit(small[(int) (cursor & smallMask)], action);
    do {
      visit(large[(int) (cursor & largeMask)], action);
      cursor = ScanCursor.next(cursor, largeMask);
    } while ((cursor & (smallMask ^ largeMask)) != 0);
    return cursor;
  }

  private static void visit(Node head, BiConsumer<byte[], byte[]> action) {
    for (Node node = head; node != null; node = node.next) {
      action.accept(node.key, node.value());
    }
  }

  /** A uniformly chosen bucket's random node: O(1) expected while the table is at least 10% full. */
  public Node randomNode(Random random) {
    if (size == 0) {
      return null;
    }
    Node head;
    do {
      head = bucketAt(random.nextInt(bucketSpan()));
    } while (head == null);
    return pick(head, random);
  }

  /**
   * The buckets a random draw chooses among: those of the array, or during a resize the old
   * array's not yet moved (the others are empty) and all of the new one's, as Redis's
   * dictGetRandomKey draws over both tables from rehashidx.
   */
  private int bucketSpan() {
    return target == null ? buckets.length : buckets.length - moved + target.length;
  }

  /** The bucket at a position of {@link #bucketSpan}. */
  private Node bucketAt(int position) {
    if (target == null) {
      return buckets[position];
    }
    int old = buckets.length - moved;
    return position < old ? buckets[moved + position] : target[position - old];
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
    // The draw's low bits as a bucket while the array is one power of two, else scaled onto the span.
    Node head = target == null ? buckets[firstDraw & (buckets.length - 1)]
        : bucketAt((int) (((firstDraw & 0xffffffffL) * bucketSpan()) >>> 32));
    while (head == null) {
      head = bucketAt(random.nextInt(bucketSpan()));
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

  /**
   * A copy of the table as it is, a resize in progress included: the bucket arrays are copied
   * chain by chain, each node once with its cached hash, so no key is hashed or compared (a
   * snapshot takes it under every slot lock). Keys and values are shared: stored byte strings are
   * never changed in place (see {@link io.shoal.server.keyspace.CollectionValue#copy}); the nodes
   * are not, since a field's value and a chain's links change.
   */
  public BytesTable copy() {
    BytesTable copy = new BytesTable();
    copy.buckets = copyBuckets(buckets);
    copy.target = target == null ? null : copyBuckets(target);
    copy.moved = moved;
    copy.size = size;
    copy.memoryBytes = memoryBytes;
    return copy;
  }

  private static Node[] copyBuckets(Node[] from) {
    Node[] to = new Node[from.length];
    for (int i = 0; i < from.length; i++) {
      Node node = from[i];
      if (node == null) {
        continue;
      }
      Node tail = node(node.key, node.value(), node.hash, null);
      to[i] = tail;
      for (node = node.next; node != null; node = node.next) {
        Node next = node(node.key, node.value(), node.hash, null);
        tail.next = next;
        tail = next;
      }
    }
    return to;
  }
}
