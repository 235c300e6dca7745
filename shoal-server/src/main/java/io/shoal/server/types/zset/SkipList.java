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
 * <p>Layout (see {@link Node}): Redis keeps a node's levels inline in the node, so each hop of a
 * search costs one cache miss. Java has no variable-sized objects other than arrays, so levels 0
 * and 1 are plain fields of the node and only levels 2 and up (one node in 16) live in arrays. A
 * million-entry list touches mostly levels 0-2 outside the cache; with levels in separate forward
 * and span arrays every hop there cost two or three misses instead of one.
 *
 * <p>The list does not know members are unique: {@link ZSetValue} keeps the member-to-node table
 * ({@link MemberTable}, chained through the nodes themselves) and only inserts absent members.
 * Ranks here are 0-based.
 */
public final class SkipList {
  static final int MAX_LEVEL = 32;

  /**
   * One entry. Level 0's span is not stored: it is 1, or 0 from the last node (which links to
   * the end), so it follows from {@code next0}. {@code span1 < 0} marks a one-level node. Nodes of
   * three or more levels (one in 16) are {@link TallNode}s. The {@code hash} and {@code chain}
   * fields belong to {@link MemberTable}, which chains the nodes into its buckets, so the
   * member-to-score table needs no entry objects of its own. Spans are ints: a set never holds
   * 2^31 members (the member table counts them in an int, as Java arrays).
   */
  static class Node {
    final byte[] member;
    double score;
    Node backward;
    Node next0;
    Node next1;
    /**
     * The scores of next0 and next1 (+infinity for none), kept beside the links so that a search
     * decides not to follow a link without loading the node it points to: of the nodes a search
     * would touch at levels 0 and 1 (the ones that miss the cache) it then loads only those it
     * moves to, and the one at the end of each level is skipped.
     */
    double next0Score = Double.POSITIVE_INFINITY;
    double next1Score = Double.POSITIVE_INFINITY;
    int span1 = -1;
    final int hash;
    Node chain;

    Node(int levels, double score, byte[] member, int hash) {
      this.member = member;
      this.score = score;
      this.hash = hash;
      if (levels > 1) {
        span1 = 0;
      }
    }

    /** A node of {@code levels} levels: a {@link TallNode} from three on. */
    static Node of(int levels, double score, byte[] member, int hash) {
      return levels > 2 ? new TallNode(levels, score, member, hash) : new Node(levels, score, member, hash);
    }

    int levels() {
      return span1 >= 0 ? 2 : 1;
    }

    Node forward(int level) {
      return level == 0 ? next0 : level == 1 ? next1 : ((TallNode) this).upperForward(level);
    }

    /** Links to {@code node} at a level, keeping the cached next scores of levels 0 to 2. */
    void forward(int level, Node node) {
      forward(level, node, node == null ? Double.POSITIVE_INFINITY : node.score);
    }

    /** As {@link #forward(int, Node)} with the score of {@code node} given (+infinity for null). */
    void forward(int level, Node node, double nodeScore) {
      if (level == 0) {
        next0 = node;
        next0Score = nodeScore;
      } else if (level == 1) {
        next1 = node;
        next1Score = nodeScore;
      } else {
        ((TallNode) this).upperForward(level, node, nodeScore);
      }
    }

    /** The cached score of the next node at a level (+infinity for none). */
    double nextScore(int level) {
      return level == 0 ? next0Score : level == 1 ? next1Score : ((TallNode) this).upperNextScore(level);
    }

    /** Sets the cached score of the next node at a level, whose score changed in place. */
    void nextScore(int level, double score) {
      if (level == 0) {
        next0Score = score;
      } else if (level == 1) {
        next1Score = score;
      } else {
        ((TallNode) this).upperNextScore(level, score);
      }
    }

    private static double nodeScore(Node node) {
      return node == null ? Double.POSITIVE_INFINITY : node.score;
    }

    long span(int level) {
      return level == 0 ? (next0 == null ? 0 : 1) : level == 1 ? span1 : ((TallNode) this).upperSpan(level);
    }

    /** Level 0's span follows from next0, so setting it is a no-op (the values always agree). */
    void span(int level, long span) {
      if (level == 1) {
        span1 = (int) span;
      } else if (level > 1) {
        ((TallNode) this).upperSpan(level, (int) span);
      }
    }
  }

  /**
   * A node of three or more levels: level 2 as fields with its next score cached, as levels 0 and
   * 1 (a search at level 2 then loads only the nodes it moves to, not an array and the next node
   * per step), and levels 3.. (one node in 64) in arrays (index level - 3), with the next nodes'
   * scores cached there too: every level of a search ends with a step it does not take, and the
   * cached score decides it without loading the node (a cache and TLB miss: tall nodes are
   * scattered over the whole heap among the short ones).
   */
  static final class TallNode extends Node {
    Node next2;
    double next2Score = Double.POSITIVE_INFINITY;
    int span2;
    /** Levels 3.., null for nodes of three levels. */
    Node[] upper;
    int[] upperSpan;
    double[] upperScore;

    TallNode(int levels, double score, byte[] member, int hash) {
      super(levels, score, member, hash);
      if (levels > 3) {
        upper = new Node[levels - 3];
        upperSpan = new int[levels - 3];
        upperScore = new double[levels - 3];
        Arrays.fill(upperScore, Double.POSITIVE_INFINITY);
      }
    }

    double upperNextScore(int level) {
      return level == 2 ? next2Score : upperScore[level - 3];
    }

    void upperNextScore(int level, double score) {
      if (level == 2) {
        next2Score = score;
      } else {
        upperScore[level - 3] = score;
      }
    }

    @Override
    int levels() {
      return upper != null ? upper.length + 3 : 3;
    }

    Node upperForward(int level) {
      return level == 2 ? next2 : upper[level - 3];
    }

    void upperForward(int level, Node node, double nodeScore) {
      if (level == 2) {
        next2 = node;
        next2Score = nodeScore;
      } else {
        upper[level - 3] = node;
        upperScore[level - 3] = nodeScore;
      }
    }

    int upperSpan(int level) {
      return level == 2 ? span2 : upperSpan[level - 3];
    }

    void upperSpan(int level, int span) {
      if (level == 2) {
        span2 = span;
      } else {
        upperSpan[level - 3] = span;
      }
    }
  }

  private final TallNode header = new TallNode(MAX_LEVEL, 0, null, 0);
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
    // Scores are never NaN (ZADD refuses it), and -0.0 == 0.0 makes them one score, as in C.
    if (score1 < score2) {
      return -1;
    }
    if (score1 > score2) {
      return 1;
    }
    return Arrays.compareUnsigned(member1, member2);
  }

  /** True if {@code member} orders before {@code node}'s member (for equal scores). */
  private static boolean memberBefore(byte[] member, Node node) {
    return Arrays.compareUnsigned(member, node.member) < 0;
  }

  /** True if {@code node}'s member orders before {@code member} (for equal scores). */
  private static boolean memberBefore(Node node, byte[] member) {
    return Arrays.compareUnsigned(node.member, member) < 0;
  }

  /** True if {@code node} orders before (score, member). */
  private static boolean before(Node node, double score, byte[] member) {
    double s = node.score;
    return s < score || (s == score && Arrays.compareUnsigned(node.member, member) < 0);
  }

  /** Inserts an entry whose member is not in the list; returns how many levels its node has. */
  public int insert(double score, byte[] member) {
    return insertNode(score, member, 0).levels();
  }

  /** Inserts an entry whose member is not in the list and returns its node. */
  Node insertNode(double score, byte[] member, int hash) {
    Node node = Node.of(randomLevel(), score, member, hash);
    link(node);
    return node;
  }

  /** Links a node that is in no list at its place in the order (zslInsert's body). */
  private void link(Node node) {
    double score = node.score;
    byte[] member = node.member;
    Node[] update = this.update;
    long[] rank = rankAtLevel;
    Node x = header;
    long traversed = 0;
    for (int i = level - 1; i >= 3; i--) {
      TallNode t = (TallNode) x;
      double s;
      while ((s = t.upperScore[i - 3]) < score
          || (s == score && t.upper[i - 3] != null && memberBefore(t.upper[i - 3], member))) {
        traversed += t.upperSpan[i - 3];
        x = t.upper[i - 3];
        t = (TallNode) x;
      }
      rank[i] = traversed;
      update[i] = x;
    }
    if (level > 2) {
      TallNode t = (TallNode) x;
      double s;
      while ((s = t.next2Score) < score || (s == score && t.next2 != null && memberBefore(t.next2, member))) {
        traversed += t.span2;
        x = t.next2;
        t = (TallNode) x;
      }
      rank[2] = traversed;
      update[2] = x;
    }
    if (level > 1) {
      double s;
      while ((s = x.next1Score) < score || (s == score && x.next1 != null && memberBefore(x.next1, member))) {
        traversed += x.span1;
        x = x.next1;
      }
      rank[1] = traversed;
      update[1] = x;
    }
    double s;
    while ((s = x.next0Score) < score || (s == score && x.next0 != null && memberBefore(x.next0, member))) {
      traversed++;
      x = x.next0;
    }
    rank[0] = traversed;
    update[0] = x;
    int levels = node.levels();
    if (levels > level) {
      for (int i = level; i < levels; i++) {
        rank[i] = 0;
        update[i] = header;
        header.span(i, length);
      }
      level = levels;
    }
    for (int i = 0; i < levels; i++) {
      Node before = update[i];
      node.forward(i, before.forward(i), before.nextScore(i));
      before.forward(i, node, score);
      node.span(i, before.span(i) - (rank[0] - rank[i]));
      before.span(i, (rank[0] - rank[i]) + 1);
    }
    for (int i = levels; i < level; i++) {
      Node before = update[i];
      before.span(i, before.span(i) + 1);
    }
    node.backward = update[0] == header ? null : update[0];
    if (node.next0 != null) {
      node.next0.backward = node;
    } else {
      tail = node;
    }
    length++;
  }

  /**
   * Fills {@code update} with the last node before {@code node} at every level: the search path
   * to a node that is in the list. Spans are not summed, only unlink uses this.
   */
  private void findPath(Node node) {
    double score = node.score;
    byte[] member = node.member;
    Node[] update = this.update;
    Node x = header;
    for (int i = level - 1; i >= 3; i--) {
      TallNode t = (TallNode) x;
      double s;
      while ((s = t.upperScore[i - 3]) < score
          || (s == score && t.upper[i - 3] != node && t.upper[i - 3] != null && memberBefore(t.upper[i - 3], member))) {
        x = t.upper[i - 3];
        t = (TallNode) x;
      }
      update[i] = x;
    }
    if (level > 2) {
      TallNode t = (TallNode) x;
      double s;
      while ((s = t.next2Score) < score
          || (s == score && t.next2 != node && t.next2 != null && memberBefore(t.next2, member))) {
        x = t.next2;
        t = (TallNode) x;
      }
      update[2] = x;
    }
    if (level > 1) {
      double s;
      while ((s = x.next1Score) < score
          || (s == score && x.next1 != node && x.next1 != null && memberBefore(x.next1, member))) {
        x = x.next1;
      }
      update[1] = x;
    }
    // Level 0 needs no search: the node's backward link is its predecessor.
    update[0] = node.backward == null ? header : node.backward;
  }

  /**
   * Moves an entry to a new score, as zslUpdateScore: in place when it keeps its position (the
   * neighbours are at hand through the node's links, so that costs no search), otherwise
   * unlinked and relinked as the same node, so an update allocates nothing.
   */
  void updateScore(Node node, double score) {
    Node previous = node.backward;
    byte[] member = node.member;
    // Only the side the score moves towards can be passed; the next node's score is cached here,
    // so a raise that stays or a move past the successor costs no load of a neighbour.
    boolean inPlace = score > node.score
        ? node.next0Score > score || (node.next0Score == score && (node.next0 == null || memberBefore(member, node.next0)))
        : previous == null || before(previous, score, member);
    if (inPlace) {
      // Staying in place: only the predecessors' cached scores of this node change.
      if (node.levels() == 1) {
        (previous == null ? header : previous).next0Score = score;
      } else {
        findPath(node);
        for (int i = node.levels() - 1; i >= 0; i--) {
          update[i].nextScore(i, score);
        }
      }
      node.score = score;
      return;
    }
    findPathWarming(node, score);
    unlink(node, update);
    node.score = score;
    link(node);
  }

  /**
   * {@link #findPath} interleaved, one step each, with a search for the place of (score, the
   * node's member) that only reads: the two searches are independent chains of cache misses, so
   * walking them side by side lets the processor wait for both at once, and the relink that
   * follows finds its path's nodes already in the cache instead of missing on each in turn.
   */
  private void findPathWarming(Node node, double score) {
    double current = node.score;
    byte[] member = node.member;
    Node[] update = this.update;
    Node x = header;
    Node y = header;
    for (int i = level - 1; i >= 1; i--) {
      boolean pathDone = false;
      boolean warmDone = false;
      while (!(pathDone && warmDone)) {
        if (!pathDone) {
          if (advances(x, i, current, member, node)) {
            x = x.forward(i);
          } else {
            pathDone = true;
          }
        }
        if (!warmDone) {
          if (advances(y, i, score, member, null)) {
            y = y.forward(i);
          } else {
            warmDone = true;
          }
        }
      }
      update[i] = x;
    }
    // Level 0 needs no search for the path: the node's backward link is its predecessor.
    update[0] = node.backward == null ? header : node.backward;
    while (advances(y, 0, score, member, null)) {
      y = y.next0;
    }
  }

  /**
   * True if the node after {@code x} at a level orders before (score, member) and is not
   * {@code stop}; decided from the cached next score where it can be, so that a step that does
   * not advance loads nothing.
   */
  private static boolean advances(Node x, int level, double score, byte[] member, Node stop) {
    double s = x.nextScore(level);
    if (s != score) {
      return s < score;
    }
    Node next = x.forward(level);
    return next != null && next != stop && before(next, score, member);
  }

  /** As {@link #updateScore(Node, double)} for the entry (current, member), which must exist. */
  public void updateScore(double current, byte[] member, double score) {
    updateScore(find(current, member), score);
  }

  /** Unlinks a node that is in the list. */
  void delete(Node node) {
    findPath(node);
    unlink(node, update);
  }

  /** Removes the entry; returns the removed node's level count, or 0 if it was not found. */
  public int delete(double score, byte[] member) {
    Node x = find(score, member);
    if (x == null) {
      return 0;
    }
    delete(x);
    return x.levels();
  }

  /** The node of (score, member), or null. */
  private Node find(double score, byte[] member) {
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node next;
      while ((next = x.forward(i)) != null && before(next, score, member)) {
        x = next;
      }
    }
    x = x.next0;
    return x == null || compare(x.score, x.member, score, member) != 0 ? null : x;
  }

  private void unlink(Node x, Node[] update) {
    int levels = x.levels();
    for (int i = 0; i < level; i++) {
      Node before = update[i];
      if (i < levels && before.forward(i) == x) {
        before.span(i, before.span(i) + x.span(i) - 1);
        before.forward(i, x.forward(i), x.nextScore(i));
      } else {
        before.span(i, before.span(i) - 1);
      }
    }
    if (x.next0 != null) {
      x.next0.backward = x.backward;
    } else {
      tail = x.backward;
    }
    while (level > 1 && header.forward(level - 1) == null) {
      level--;
    }
    length--;
  }

  /** The 0-based rank of a node that is in the list. */
  long rank(Node node) {
    double score = node.score;
    byte[] member = node.member;
    long rank = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node next;
      while ((next = x.forward(i)) != null && next != node && before(next, score, member)) {
        rank += x.span(i);
        x = next;
      }
      if (x.forward(i) == node) {
        return rank + x.span(i) - 1;
      }
    }
    return -1;
  }

  /** The 0-based rank of an entry known to be in the list, or -1. */
  public long rank(double score, byte[] member) {
    Node node = find(score, member);
    return node == null ? -1 : rank(node);
  }

  /** How many entries, from the first, pass a prefix test (see {@link ElementTest}). */
  public long countWhile(ElementTest test) {
    long count = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node next;
      while ((next = x.forward(i)) != null && test.test(next.score, next.member)) {
        count += x.span(i);
        x = next;
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
      Node next;
      while ((next = x.forward(i)) != null && traversed + x.span(i) <= target) {
        traversed += x.span(i);
        x = next;
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
      x = reverse ? x.backward : x.next0;
    }
  }

  /** Told about each node a range deletion unlinks. */
  @FunctionalInterface
  public interface Removal {
    void removed(byte[] member, double score, int levels);
  }

  /** Told about each node a range deletion unlinks, as the node. */
  @FunctionalInterface
  interface NodeRemoval {
    void removed(Node node, int levels);
  }

  /** Deletes the entries with ranks {@code start..end}, telling {@code removed} about each. */
  public void deleteRange(long start, long end, Removal removed) {
    deleteNodes(start, end, (node, levels) -> removed.removed(node.member, node.score, levels));
  }

  /** Deletes the entries with ranks {@code start..end}, telling {@code removed} about each node. */
  void deleteNodes(long start, long end, NodeRemoval removed) {
    Node[] update = this.update;
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node next;
      while ((next = x.forward(i)) != null && traversed + x.span(i) < start + 1) {
        traversed += x.span(i);
        x = next;
      }
      update[i] = x;
    }
    x = x.next0;
    long count = end - start + 1;
    while (x != null && count-- > 0) {
      Node next = x.next0;
      int levels = x.levels();
      // update[] stays the path: each level's predecessor of x is also that of x's successor.
      unlink(x, update);
      removed.removed(x, levels);
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
      for (Node x = header; x != null; x = x.forward(i)) {
        sum += x.span(i);
        if (Double.compare(x.nextScore(i), Node.nodeScore(x.forward(i))) != 0) {
          return false;
        }
      }
      if (sum != length) {
        return false;
      }
    }
    Node previous = null;
    long counted = 0;
    for (Node x = header.next0; x != null; x = x.next0) {
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
