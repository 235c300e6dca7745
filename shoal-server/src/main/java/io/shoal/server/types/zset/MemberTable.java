package io.shoal.server.types.zset;

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

  private final long seed;
  private Node[] buckets = new Node[MIN_BUCKETS];
  private int size;

  MemberTable(long seed) {
    this.seed = seed;
  }

  int size() {
    return size;
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
    for (Node node = buckets[hash & (buckets.length - 1)]; node != null; node = node.chain) {
      if (node.hash == hash && Arrays.equals(node.member, member)) {
        return node;
      }
    }
    return null;
  }

  /** Adds the node of a member that is not in the table; its hash must be {@link #hash}'s. */
  void add(Node node) {
    int index = node.hash & (buckets.length - 1);
    node.chain = buckets[index];
    buckets[index] = node;
    size++;
    if (size > buckets.length) {
      resize(buckets.length * 2);
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
    int index = hash & (buckets.length - 1);
    Node previous = null;
    for (Node node = buckets[index]; node != null; previous = node, node = node.chain) {
      if (node.member == member || (node.hash == hash && Arrays.equals(node.member, member))) {
        if (previous == null) {
          buckets[index] = node.chain;
        } else {
          previous.chain = node.chain;
        }
        node.chain = null;
        size--;
        if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) {
          resize(buckets.length / 2);
        }
        return node;
      }
    }
    return null;
  }

  private void resize(int capacity) {
    Node[] next = new Node[capacity];
    for (Node head : buckets) {
      Node node = head;
      while (node != null) {
        Node following = node.chain;
        int index = node.hash & (capacity - 1);
        node.chain = next[index];
        next[index] = node;
        node = following;
      }
    }
    buckets = next;
  }

  /**
   * Visits one bucket at {@code cursor} and returns the next cursor, 0 when the scan is complete
   * (Redis's dictScan: increment the cursor's reversed bits under the current mask).
   */
  long scan(long cursor, EntryVisitor visitor) {
    long mask = buckets.length - 1;
    for (Node node = buckets[(int) (cursor & mask)]; node != null; node = node.chain) {
      visitor.visit(node.member, node.score);
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }

  int bucketCount() {
    return buckets.length;
  }
}
