package io.shoal.server.types.zset;

import java.util.Arrays;

/**
 * The ordered half of a large sorted set, following Redis's zskiplist (t_zset.c, after Pugh's
 * "Skip Lists: A Probabilistic Alternative to Balanced Trees"): entries are ordered by score, then
 * by member bytes compared unsigned (memcmp), levels are drawn with p = 1/4 up to 32, and every
 * forward link carries a span, the number of entries it jumps over. Summing spans along a search
 * path gives an entry's rank, so rank lookups, "entry at rank" and range counts are all O(log n),
 * and the level-0 backward links let reverse ranges walk without a search per step.
 *
 * <p>The list does not know members are unique: {@link ZSetValue} keeps the member-to-score map
 * and only calls {@link #insert} for members that are absent. Ranks here are 0-based.
 */
public final class SkipList {
  static final int MAX_LEVEL = 32;

  /** One entry; {@code forward[i]} and {@code span[i]} are the links at level i. */
  static final class Node {
    final byte[] member;
    double score;
    Node backward;
    final Node[] forward;
    final long[] span;

    Node(int levels, double score, byte[] member) {
      this.member = member;
      this.score = score;
      this.forward = new Node[levels];
      this.span = new long[levels];
    }
  }

  private final Node header = new Node(MAX_LEVEL, 0, null);
  /** Search-path scratch reused by every update; the list is only touched under its slot lock. */
  private final Node[] update = new Node[MAX_LEVEL];
  private final long[] rankAtLevel = new long[MAX_LEVEL];
  private Node tail;
  private long length;
  private int level = 1;
  private long randomState;

  /** @param seed seeds the level generator, so tests can reproduce a list's shape */
  public SkipList(long seed) {
    this.randomState = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
  }

  public long length() {
    return length;
  }

  /** Number of levels of the tallest node, for tests and memory estimates. */
  int level() {
    return level;
  }

  private int randomLevel() {
    int levels = 1;
    while (levels < MAX_LEVEL && (nextRandom() & 0xFFFF) < 0xFFFF / 4) {
      levels++;
    }
    return levels;
  }

  private long nextRandom() {
    long x = randomState;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    randomState = x;
    return x;
  }

  static int compare(double score1, byte[] member1, double score2, byte[] member2) {
    int byScore = Double.compare(score1, score2);
    if (score1 == score2) {
      byScore = 0; // -0.0 and 0.0 are one score, as in C.
    }
    return byScore != 0 ? byScore : Arrays.compareUnsigned(member1, member2);
  }

  /** Inserts an entry whose member is not in the list; returns how many levels its node has. */
  public int insert(double score, byte[] member) {
    Node node = new Node(randomLevel(), score, member);
    link(node);
    return node.forward.length;
  }

  /** Links a node that is in no list at its place in the order (zslInsert's body). */
  private void link(Node node) {
    double score = node.score;
    byte[] member = node.member;
    Node[] update = this.update;
    long[] rank = rankAtLevel;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) < 0) {
        rank[i] += x.span[i];
        x = x.forward[i];
      }
      update[i] = x;
    }
    int levels = node.forward.length;
    if (levels > level) {
      for (int i = level; i < levels; i++) {
        rank[i] = 0;
        update[i] = header;
        update[i].span[i] = length;
      }
      level = levels;
    }
    for (int i = 0; i < levels; i++) {
      node.forward[i] = update[i].forward[i];
      update[i].forward[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = (rank[0] - rank[i]) + 1;
    }
    for (int i = levels; i < level; i++) {
      update[i].span[i]++;
    }
    node.backward = update[0] == header ? null : update[0];
    if (node.forward[0] != null) {
      node.forward[0].backward = node;
    } else {
      tail = node;
    }
    length++;
  }

  /**
   * Moves an entry to a new score, as zslUpdateScore: in place when it keeps its position,
   * otherwise unlinked and relinked as the same node, so an update allocates nothing. The entry
   * must be in the list with score {@code current}.
   */
  public void updateScore(double current, byte[] member, double score) {
    Node[] update = this.update;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, current, member) < 0) {
        x = x.forward[i];
      }
      update[i] = x;
    }
    x = x.forward[0];
    if ((x.backward == null || compare(x.backward.score, x.backward.member, score, member) < 0)
        && (x.forward[0] == null || compare(x.forward[0].score, x.forward[0].member, score, member) > 0)) {
      x.score = score;
      return;
    }
    unlink(x, update);
    x.score = score;
    link(x);
  }

  /** Removes the entry; returns the removed node's level count, or 0 if it was not found. */
  public int delete(double score, byte[] member) {
    Node[] update = this.update;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) < 0) {
        x = x.forward[i];
      }
      update[i] = x;
    }
    x = x.forward[0];
    if (x == null || compare(x.score, x.member, score, member) != 0) {
      return 0;
    }
    unlink(x, update);
    return x.forward.length;
  }

  private void unlink(Node x, Node[] update) {
    for (int i = 0; i < level; i++) {
      if (update[i].forward[i] == x) {
        update[i].span[i] += x.span[i] - 1;
        update[i].forward[i] = x.forward[i];
      } else {
        update[i].span[i]--;
      }
    }
    if (x.forward[0] != null) {
      x.forward[0].backward = x.backward;
    } else {
      tail = x.backward;
    }
    while (level > 1 && header.forward[level - 1] == null) {
      level--;
    }
    length--;
  }

  /** The 0-based rank of an entry known to be in the list, or -1. */
  public long rank(double score, byte[] member) {
    long rank = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) <= 0) {
        rank += x.span[i];
        x = x.forward[i];
      }
      if (x != header && compare(x.score, x.member, score, member) == 0) {
        return rank - 1;
      }
    }
    return -1;
  }

  /** How many entries, from the first, pass a prefix test (see {@link ElementTest}). */
  public long countWhile(ElementTest test) {
    long count = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && test.test(x.forward[i].score, x.forward[i].member)) {
        count += x.span[i];
        x = x.forward[i];
      }
    }
    return count;
  }

  /** The node at a 0-based rank, or null when out of range. */
  Node nodeAt(long rank) {
    if (rank < 0 || rank >= length) {
      return null;
    }
    long target = rank + 1;
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = x.forward[i];
      }
      if (traversed == target) {
        return x;
      }
    }
    return null;
  }

  /**
   * Visits the entries with ranks {@code start..end} (inclusive, 0-based, within bounds), in
   * ascending order, or descending from {@code end} to {@code start} when {@code reverse}.
   */
  public void visit(long start, long end, boolean reverse, EntryVisitor visitor) {
    long count = end - start + 1;
    Node x = nodeAt(reverse ? end : start);
    while (x != null && count-- > 0) {
      visitor.visit(x.member, x.score);
      x = reverse ? x.backward : x.forward[0];
    }
  }

  /** Told about each node a range deletion unlinks. */
  @FunctionalInterface
  public interface Removal {
    void removed(byte[] member, double score, int levels);
  }

  /** Deletes the entries with ranks {@code start..end}, telling {@code removed} about each. */
  public void deleteRange(long start, long end, Removal removed) {
    Node[] update = this.update;
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && traversed + x.span[i] < start + 1) {
        traversed += x.span[i];
        x = x.forward[i];
      }
      update[i] = x;
    }
    x = x.forward[0];
    long count = end - start + 1;
    while (x != null && count-- > 0) {
      Node next = x.forward[0];
      unlink(x, update);
      removed.removed(x.member, x.score, x.forward.length);
      x = next;
    }
  }

  /**
   * Checks the span and order invariants; for tests and assertions. Every level's spans must add
   * up to the length, entries must be strictly ordered and backward links must mirror level 0.
   */
  public boolean invariantsHold() {
    for (int i = 0; i < level; i++) {
      // Spans include the last link of each level, which runs to the end of the list.
      long sum = 0;
      for (Node x = header; x != null; x = x.forward[i]) {
        sum += x.span[i];
      }
      if (sum != length) {
        return false;
      }
    }
    Node previous = null;
    long counted = 0;
    for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
      if (x.backward != previous) {
        return false;
      }
      if (previous != null && compare(previous.score, previous.member, x.score, x.member) >= 0) {
        return false;
      }
      previous = x;
      counted++;
    }
    return counted == length && tail == previous;
  }
}
