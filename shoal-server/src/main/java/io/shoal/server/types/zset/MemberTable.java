package io.shoal.server.types.zset;

import io.shoal.server.types.ScanCursor;
import io.shoal.server.types.hyperloglog.MurmurHash64A;
import java.util.Arrays;

/**
 * The member-to-score half of a large sorted set: a chained hash table with power-of-two buckets,
 * as Redis's dict. A {@link Node} holds the member (the same array the {@link ScoreTree} holds),
 * its score and its hash, so ZADD on an existing member reads the score it must find in the tree
 * from the one lookup, and growing the table compares no members.
 *
 * <p>It is written out rather than a {@code HashMap} also because it can be scanned with Redis's
 * dictScan cursor: buckets are visited in reverse-binary order of their index, so a ZSCAN that
 * runs while the table grows or shrinks still returns every member that was present for the whole
 * scan (possibly some twice after a shrink), which a rank cursor over the skip list could not
 * promise.
 *
 * <p>Members hash with MurmurHash64A under a per-table seed, so colliding members cannot be
 * precomputed the way they can for {@code Arrays.hashCode}.
 *
 * <p>Resizes are incremental, as Redis's dict and {@link io.shoal.server.types.BytesTable} do:
 * the new bucket array fills a few buckets per write ({@link #STEP_BUCKETS}) while lookups try
 * both arrays and {@link #scan} walks both (dictScan over two tables). Done at once, a resize of
 * one sorted set of 512K members stopped its event loop for 15-19 ms (docs/performance.md, eighth
 * round).
 */
final class MemberTable {
  /** One member: 32 bytes with compressed references. */
  static final class Node {
    final byte[] member;
    double score;
    final int hash;
    Node chain;

    Node(byte[] member, double score, int hash) {
      this.member = member;
      this.score = score;
      this.hash = hash;
    }
  }

  private static final int MIN_BUCKETS = 16;
  /** Non-empty buckets a write moves during a resize, looking at most at STEP_VISITS buckets. */
  static final int STEP_BUCKETS = 4;
  private static final int STEP_VISITS = 64;

  private final long seed;
  /** The bucket array; during a resize, the old one, whose buckets below {@link #moved} are empty. */
  private Node[] buckets = new Node[MIN_BUCKETS];
  /** The array a resize in progress moves the members to, else null. */
  private Node[] target;
  /** The buckets of {@link #buckets} already moved (Redis's rehashidx). */
  private int moved;
  private int size;

  MemberTable(long seed) {
    this.seed = seed;
  }

  int size() {
    return size;
  }

  /**
   * A copy of the table as it is, a resize in progress included: the bucket arrays are copied
   * chain by chain, each node once, with the same seed, so no member is hashed or compared. The
   * member arrays are shared (they are never changed in place); the nodes are not, since a node's
   * score changes.
   */
  MemberTable copy() {
    MemberTable copy = new MemberTable(seed);
    copy.buckets = copyBuckets(buckets);
    copy.target = target == null ? null : copyBuckets(target);
    copy.moved = moved;
    copy.size = size;
    return copy;
  }

  private static Node[] copyBuckets(Node[] from) {
    Node[] to = new Node[from.length];
    for (int i = 0; i < from.length; i++) {
      Node node = from[i];
      if (node == null) {
        continue;
      }
      Node tail = new Node(node.member, node.score, node.hash);
      to[i] = tail;
      for (node = node.chain; node != null; node = node.chain) {
        Node next = new Node(node.member, node.score, node.hash);
        tail.chain = next;
        tail = next;
      }
    }
    return to;
  }

  int hash(byte[] member) {
    long hash = MurmurHash64A.hash(member, seed);
    return (int) (hash ^ (hash >>> 32));
  }

  /** Chain steps {@link #prefetchNode} walks: chains are short at a load factor of at most 1. */
  private static final int PREFETCH_STEPS = 4;

  /**
   * The head of a hash's bucket, read without the lock (see
   * {@link io.shoal.server.keyspace.MemberPrefetch}): the array is read once and indexed against
   * its own length, so a concurrent resize only makes this the wrong bucket.
   */
  Node prefetchBucket(int hash) {
    // During a resize the member is in the new array if its old bucket was moved (or it is new).
    Node[] next = target;
    if (next != null) {
      Node head = next[hash & (next.length - 1)];
      if (head != null) {
        return head;
      }
    }
    Node[] table = buckets;
    return table.length == 0 ? null : table[hash & (table.length - 1)];
  }

  /** The first of a few nodes from {@code head} with that hash, or null; read without the lock. */
  static Node prefetchNode(Object head, int hash) {
    Node node = head instanceof Node first ? first : null;
    // Bounded: a chain being relinked by a resize on another thread may look like a cycle.
    for (int step = 0; node != null && step < PREFETCH_STEPS; step++) {
      if (node.hash == hash) {
        return node;
      }
      node = node.chain;
    }
    return null;
  }

  /** The node of a member, or null. */
  Node find(byte[] member) {
    return find(member, hash(member));
  }

  /** The node of a member whose {@link #hash} is given, or null. */
  Node find(byte[] member, int hash) {
    Node found = find(buckets, member, hash);
    return found != null || target == null ? found : find(target, member, hash);
  }

  private static Node find(Node[] table, byte[] member, int hash) {
    for (Node node = table[hash & (table.length - 1)]; node != null; node = node.chain) {
      if (node.hash == hash && Arrays.equals(node.member, member)) {
        return node;
      }
    }
    return null;
  }

  /** Adds the node of a member that is not in the table; its hash must be {@link #hash}'s. */
  void add(Node node) {
    if (target != null) {
      step();
    }
    Node[] table = target != null ? target : buckets;
    int index = node.hash & (table.length - 1);
    node.chain = table[index];
    table[index] = node;
    size++;
    if (size > table.length) {
      startResize(table.length * 2);
    }
  }

  /** Takes out a member's node and returns it, or null if the member is absent. */
  Node remove(byte[] member) {
    return remove(member, hash(member));
  }

  /**
   * As {@link #remove(byte[])} for a member whose hash is known: a range removal passes the array
   * the table holds, so the member matches by reference without its bytes being read.
   */
  Node remove(byte[] member, int hash) {
    if (target != null) {
      step();
    }
    Node node = unlink(buckets, member, hash);
    if (node == null && target != null) {
      node = unlink(target, member, hash);
    }
    if (node == null) {
      return null;
    }
    size--;
    if (size == 0 && (target != null || buckets.length > MIN_BUCKETS)) {
      // Empty: back to the smallest array at once (nothing to move, no scan to keep whole).
      buckets = new Node[MIN_BUCKETS];
      target = null;
      moved = 0;
    } else if (target == null && buckets.length > MIN_BUCKETS && size < buckets.length / 8) {
      startResize(buckets.length / 2);
    }
    return node;
  }

  private static Node unlink(Node[] table, byte[] member, int hash) {
    int index = hash & (table.length - 1);
    Node previous = null;
    for (Node node = table[index]; node != null; previous = node, node = node.chain) {
      if (node.member == member || (node.hash == hash && Arrays.equals(node.member, member))) {
        if (previous == null) {
          table[index] = node.chain;
        } else {
          previous.chain = node.chain;
        }
        node.chain = null;
        return node;
      }
    }
    return null;
  }

  /** Starts moving the members to an array of {@code capacity} buckets; a resize in progress ends first. */
  private void startResize(int capacity) {
    while (target != null) {
      step();
    }
    target = new Node[capacity];
    moved = 0;
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
        Node following = node.chain;
        int index = node.hash & mask;
        node.chain = to[index];
        to[index] = node;
        node = following;
      }
      movedBuckets++;
    }
    moved = at;
    if (moved == from.length) {
      buckets = to;
      target = null;
      moved = 0;
    }
  }

  /** True while a resize is in progress (both bucket arrays in use); for tests. */
  boolean resizing() {
    return target != null;
  }

  /**
   * Visits one bucket at {@code cursor} and returns the next cursor, 0 when the scan is complete
   * (Redis's dictScan: increment the cursor's reversed bits under the current mask).
   */
  long scan(long cursor, EntryVisitor visitor) {
    if (target == null) {
      long mask = buckets.length - 1;
      visit(buckets[(int) (cursor & mask)], visitor);
      return ScanCursor.next(cursor, mask);
    }
    // A resize in progress (dictScan with two tables): the cursor's bucket in the smaller array,
    // then every bucket of the larger one that it expands to, which share its low bits.
    Node[] small = buckets.length <= target.length ? buckets : target;
    Node[] large = small == buckets ? target : buckets;
    long smallMask = small.length - 1;
    long largeMask = large.length - 1;
    visit(small[(int) (cursor & smallMask)], visitor);
    do {
      visit(large[(int) (cursor & largeMask)], visitor);
      cursor = ScanCursor.next(cursor, largeMask);
    } while ((cursor & (smallMask ^ largeMask)) != 0);
    return cursor;
  }

  private static void visit(Node head, EntryVisitor visitor) {
    for (Node node = head; node != null; node = node.chain) {
      visitor.visit(node.member, node.score);
    }
  }

  /** The bucket count members settle in: the new array's during a resize. */
  int bucketCount() {
    return target != null ? target.length : buckets.length;
  }
}
