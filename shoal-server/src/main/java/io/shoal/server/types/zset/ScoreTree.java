package io.shoal.server.types.zset;

import java.util.Arrays;

/**
 * The ordered half of a large sorted set: a counted B+tree (an order-statistic tree) of
 * (score, member) entries, ordered by score, then by member bytes compared unsigned (memcmp), as
 * Redis's zskiplist orders them. It replaces the skip list Redis uses because of how each
 * structure meets the cache: a skip-list insert into a 630k-entry set chases ~20 dependent
 * pointers to scattered nodes, each a cache miss, while here the inner nodes of such a set (about
 * 300 of them) stay in the cache and a search misses only on the one leaf it ends in, whose scores
 * are a contiguous {@code double[]}.
 *
 * <p>Shape: leaves hold up to {@link #LEAF_CAPACITY} entries in parallel arrays, sorted, and are
 * doubly linked for range walks in both directions. A leaf's entries begin at its own start
 * offset, so that a pop from the front (ZPOPMIN) shifts nothing, as one from the back never did. Inner nodes hold up to
 * {@link #INNER_CAPACITY} children with, per child, the number of entries below it (so rank,
 * "entry at rank" and range counts are O(log n), as spans made them on the skip list) and the
 * exact smallest key below it. Keeping the keys exact, not mere separators, costs a walk up the
 * search path when a leaf's first entry changes, and makes {@link #countWhile} test real entries
 * only, as a skip-list walk does.
 *
 * <p>Splits move half of a full node to a new right sibling, except at either end of the tree,
 * where the split is at the new entry, so that ascending inserts (a copy) and descending ones (an
 * RDB load: Redis writes sorted sets from the highest score down) leave full leaves. A delete
 * that leaves a node under a quarter full merges it with a sibling when the two fit in three
 * quarters of a node, else evens the two out.
 *
 * <p>The tree does not know members are unique: {@link ZSetValue} keeps the member table and only
 * inserts absent members. Ranks are 0-based. The search path (scratch arrays of the last descent)
 * belongs to the writes: reads (ranks, counts, visits, entries at a rank) descend with locals
 * only and write nothing, so any number of threads may read one tree at once while none writes
 * it, which is how a snapshot's thread and the clients' read-only commands share a sorted set
 * (see {@link io.shoal.server.keyspace.CopyOnWrite}).
 */
public final class ScoreTree {
  static final int LEAF_CAPACITY = 64;
  static final int INNER_CAPACITY = 64;
  private static final int LEAF_MIN = LEAF_CAPACITY / 4;
  private static final int INNER_MIN = INNER_CAPACITY / 4;
  /** A tree of 16 levels of nodes at least a quarter full holds far more than 2^31 entries. */
  private static final int MAX_HEIGHT = 24;

  static final class Leaf {
    /**
     * Where the entries begin in the arrays: they are at {@code start..start+size-1}, and every
     * other slot's member is null. A removal at the front (ZPOPMIN's) moves {@code start} up
     * instead of shifting the arrays down, and an insertion into the front half shifts the
     * entries before it down into the room that left; either removal shifts the shorter side.
     */
    int start;
    int size;
    final double[] scores;
    final byte[][] members;
    /**
     * The members' hashes in the member table, so that a pop or range removal finds a member's
     * table node without reading the member's bytes to hash them: one cache miss fewer.
     */
    final int[] hashes;
    Leaf previous;
    Leaf next;

    Leaf() {
      scores = new double[LEAF_CAPACITY];
      members = new byte[LEAF_CAPACITY][];
      hashes = new int[LEAF_CAPACITY];
    }

    /** A copy of another leaf's entries, unlinked. */
    Leaf(Leaf other) {
      start = other.start;
      size = other.size;
      scores = other.scores.clone();
      members = other.members.clone();
      hashes = other.hashes.clone();
    }
  }

  static final class Inner {
    int size;
    /** The smallest key below each child. */
    final double[] scores;
    final byte[][] members;
    final Object[] children;
    /** How many entries are below each child. */
    final int[] counts;

    Inner() {
      scores = new double[INNER_CAPACITY];
      members = new byte[INNER_CAPACITY][];
      children = new Object[INNER_CAPACITY];
      counts = new int[INNER_CAPACITY];
    }

    /** A copy of another node's keys and counts, without its children. */
    Inner(Inner other) {
      size = other.size;
      scores = other.scores.clone();
      members = other.members.clone();
      children = new Object[INNER_CAPACITY];
      counts = other.counts.clone();
    }
  }

  private Object root = new Leaf();
  /** Levels of inner nodes above the leaves: 0 while the root is a leaf. */
  private int height;
  private long length;
  /** The search path of the last descent: the inner node and child index at each depth. */
  private final Inner[] pathNodes = new Inner[MAX_HEIGHT];
  private final int[] pathIndex = new int[MAX_HEIGHT];
  private Leaf pathLeaf;

  public long length() {
    return length;
  }

  /**
   * A copy of the tree as it is: every node's arrays cloned, the leaves linked again in order,
   * nothing compared or searched. The member arrays are shared: stored byte strings are never
   * changed in place (see {@link io.shoal.server.keyspace.CollectionValue#copy}).
   */
  public ScoreTree copy() {
    ScoreTree copy = new ScoreTree();
    copy.root = copyNode(root, height, new Leaf[1]);
    copy.height = height;
    copy.length = length;
    return copy;
  }

  /** Copies a node {@code levels} above the leaves; {@code last} holds the last leaf copied. */
  private static Object copyNode(Object node, int levels, Leaf[] last) {
    if (levels == 0) {
      Leaf leaf = new Leaf((Leaf) node);
      Leaf previous = last[0];
      if (previous != null) {
        previous.next = leaf;
        leaf.previous = previous;
      }
      last[0] = leaf;
      return leaf;
    }
    Inner inner = (Inner) node;
    Inner copy = new Inner(inner);
    for (int i = 0; i < inner.size; i++) {
      copy.children[i] = copyNode(inner.children[i], levels - 1, last);
    }
    return copy;
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

  /** The child of an inner node whose keys would hold (score, member): the last one not above it. */
  private static int childFor(Inner node, double score, byte[] member) {
    double[] scores = node.scores;
    int low = 1;
    int high = node.size - 1;
    int found = 0;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      double s = scores[middle];
      if (s < score || (s == score && Arrays.compareUnsigned(node.members[middle], member) <= 0)) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** The position (from the leaf's first entry) of the first entry not below (score, member). */
  private static int leafSearch(Leaf leaf, double score, byte[] member) {
    double[] scores = leaf.scores;
    int base = leaf.start;
    int low = base;
    int high = base + leaf.size;
    while (low < high) {
      int middle = (low + high) >>> 1;
      double s = scores[middle];
      if (s < score || (s == score && Arrays.compareUnsigned(leaf.members[middle], member) < 0)) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low - base;
  }

  /** Fills the path towards the leaf where (score, member) is or would go. */
  private Leaf descendToKey(double score, byte[] member) {
    Object node = root;
    for (int depth = 0; depth < height; depth++) {
      Inner inner = (Inner) node;
      int index = childFor(inner, score, member);
      pathNodes[depth] = inner;
      pathIndex[depth] = index;
      node = inner.children[index];
    }
    return pathLeaf = (Leaf) node;
  }

  /** Fills the path towards the entry at a rank (0 <= rank < length); returns its leaf index. */
  private int descendToRank(long rank) {
    Place place = descendByRank(rank, true);
    pathLeaf = place.leaf();
    return place.index() - place.leaf().start;
  }

  /**
   * Records a new smallest key for the node at the end of the path from {@code depth} up: at each
   * level it is the key of the path's child, and above a first child also its parent's smallest.
   */
  private void newMinimum(int depth, double score, byte[] member) {
    for (; depth >= 0; depth--) {
      Inner node = pathNodes[depth];
      int index = pathIndex[depth];
      node.scores[index] = score;
      node.members[index] = member;
      if (index != 0) {
        return;
      }
    }
  }

  /** Inserts an entry whose member is not in the tree, with the member's hash for removals. */
  public void insert(double score, byte[] member, int hash) {
    Leaf leaf = descendToKey(score, member);
    for (int depth = 0; depth < height; depth++) {
      pathNodes[depth].counts[pathIndex[depth]]++;
    }
    int at = leafSearch(leaf, score, member);
    length++;
    if (leaf.size < LEAF_CAPACITY) {
      insertInPathLeaf(leaf, at, score, member, hash);
      return;
    }
    // A full leaf: split it in half, or at the insertion point when adding at either end of the
    // tree, so that ascending and descending inserts leave full leaves behind.
    int split = at == LEAF_CAPACITY && leaf.next == null ? LEAF_CAPACITY
        : at == 0 && leaf.previous == null ? 0 : LEAF_CAPACITY / 2;
    Leaf right = new Leaf();
    int moved = LEAF_CAPACITY - split;
    System.arraycopy(leaf.scores, split, right.scores, 0, moved);
    System.arraycopy(leaf.members, split, right.members, 0, moved);
    System.arraycopy(leaf.hashes, split, right.hashes, 0, moved);
    Arrays.fill(leaf.members, split, LEAF_CAPACITY, null);
    right.size = moved;
    leaf.size = split;
    right.next = leaf.next;
    right.previous = leaf;
    if (leaf.next != null) {
      leaf.next.previous = right;
    }
    leaf.next = right;
    if (at < split || split == 0) {
      insertInPathLeaf(leaf, at, score, member, hash);
    } else {
      insertInLeaf(right, at - split, score, member, hash);
    }
    addChild(height - 1, leaf, leaf.size, right, right.size, right.scores[0], right.members[0]);
  }

  /** Inserts into the path's leaf, whose smallest key is its parents' too when {@code at} is 0. */
  private void insertInPathLeaf(Leaf leaf, int at, double score, byte[] member, int hash) {
    insertInLeaf(leaf, at, score, member, hash);
    if (at == 0) {
      newMinimum(height - 1, score, member);
    }
  }

  /** Inserts at position {@code at} (from the first entry) of a leaf that is not full. */
  private static void insertInLeaf(Leaf leaf, int at, double score, byte[] member, int hash) {
    int start = leaf.start;
    int size = leaf.size;
    if (start > 0 && (at < size - at || start + size == LEAF_CAPACITY)) {
      // Room before the entries, and fewer of them to move before the new one (or none after).
      System.arraycopy(leaf.scores, start, leaf.scores, start - 1, at);
      System.arraycopy(leaf.members, start, leaf.members, start - 1, at);
      System.arraycopy(leaf.hashes, start, leaf.hashes, start - 1, at);
      leaf.start = --start;
    } else {
      int tail = size - at;
      if (tail > 0) {
        System.arraycopy(leaf.scores, start + at, leaf.scores, start + at + 1, tail);
        System.arraycopy(leaf.members, start + at, leaf.members, start + at + 1, tail);
        System.arraycopy(leaf.hashes, start + at, leaf.hashes, start + at + 1, tail);
      }
    }
    int index = start + at;
    leaf.scores[index] = score;
    leaf.members[index] = member;
    leaf.hashes[index] = hash;
    leaf.size = size + 1;
  }

  /**
   * Moves a leaf's entries to the beginning of its arrays (start 0), for the splits, merges and
   * even-outs, which index from 0: they are rare next to the inserts and removals that move
   * {@code start}.
   */
  private static void compact(Leaf leaf) {
    int start = leaf.start;
    if (start == 0) {
      return;
    }
    int size = leaf.size;
    System.arraycopy(leaf.scores, start, leaf.scores, 0, size);
    System.arraycopy(leaf.members, start, leaf.members, 0, size);
    System.arraycopy(leaf.hashes, start, leaf.hashes, 0, size);
    Arrays.fill(leaf.members, Math.max(size, start), start + size, null);
    leaf.start = 0;
  }

  /**
   * Puts {@code right}, split off from {@code left} (the path's child at {@code depth}), into the
   * path's node at that depth just after {@code left}, splitting that node in turn when full, or
   * grows a new root above {@code left} at depth -1.
   */
  private void addChild(int depth, Object left, int leftCount, Object right, int rightCount,
      double rightScore, byte[] rightMember) {
    if (depth < 0) {
      Inner top = new Inner();
      top.size = 2;
      top.children[0] = left;
      top.counts[0] = leftCount;
      top.scores[0] = minScore(left);
      top.members[0] = minMember(left);
      top.children[1] = right;
      top.counts[1] = rightCount;
      top.scores[1] = rightScore;
      top.members[1] = rightMember;
      root = top;
      height++;
      return;
    }
    Inner node = pathNodes[depth];
    int index = pathIndex[depth];
    node.counts[index] = leftCount;
    int at = index + 1;
    if (node.size < INNER_CAPACITY) {
      insertInInner(node, at, right, rightCount, rightScore, rightMember);
      return;
    }
    int split = at == INNER_CAPACITY && edge(depth, true) ? INNER_CAPACITY
        : at == 1 && edge(depth, false) ? 1 : INNER_CAPACITY / 2;
    Inner sibling = new Inner();
    int moved = INNER_CAPACITY - split;
    System.arraycopy(node.scores, split, sibling.scores, 0, moved);
    System.arraycopy(node.members, split, sibling.members, 0, moved);
    System.arraycopy(node.children, split, sibling.children, 0, moved);
    System.arraycopy(node.counts, split, sibling.counts, 0, moved);
    Arrays.fill(node.members, split, INNER_CAPACITY, null);
    Arrays.fill(node.children, split, INNER_CAPACITY, null);
    sibling.size = moved;
    node.size = split;
    if (at < split) {
      insertInInner(node, at, right, rightCount, rightScore, rightMember);
    } else {
      insertInInner(sibling, at - split, right, rightCount, rightScore, rightMember);
    }
    addChild(depth - 1, node, total(node), sibling, total(sibling), sibling.scores[0], sibling.members[0]);
  }

  /** True if the path's node at {@code depth} is the last (or first) one of its level. */
  private boolean edge(int depth, boolean last) {
    for (int d = 0; d < depth; d++) {
      if (pathIndex[d] != (last ? pathNodes[d].size - 1 : 0)) {
        return false;
      }
    }
    return true;
  }

  private static void insertInInner(Inner node, int at, Object child, int count, double score, byte[] member) {
    int tail = node.size - at;
    if (tail > 0) {
      System.arraycopy(node.scores, at, node.scores, at + 1, tail);
      System.arraycopy(node.members, at, node.members, at + 1, tail);
      System.arraycopy(node.children, at, node.children, at + 1, tail);
      System.arraycopy(node.counts, at, node.counts, at + 1, tail);
    }
    node.scores[at] = score;
    node.members[at] = member;
    node.children[at] = child;
    node.counts[at] = count;
    node.size++;
  }

  private static int total(Inner node) {
    int sum = 0;
    for (int i = 0; i < node.size; i++) {
      sum += node.counts[i];
    }
    return sum;
  }

  private static double minScore(Object node) {
    return node instanceof Leaf leaf ? leaf.scores[leaf.start] : ((Inner) node).scores[0];
  }

  private static byte[] minMember(Object node) {
    return node instanceof Leaf leaf ? leaf.members[leaf.start] : ((Inner) node).members[0];
  }

  private static int size(Object node) {
    return node instanceof Leaf ? ((Leaf) node).size : ((Inner) node).size;
  }

  /** Removes the entry; false if it is not in the tree. */
  public boolean delete(double score, byte[] member) {
    Leaf leaf = descendToKey(score, member);
    int at = leafSearch(leaf, score, member);
    int index = leaf.start + at;
    if (at == leaf.size || leaf.scores[index] != score || !Arrays.equals(leaf.members[index], member)) {
      return false;
    }
    removeAtPath(at);
    return true;
  }

  /**
   * Moves an entry that is in the tree to a new score: in place when it stays between the same
   * neighbours in its leaf (an increment of a ZINCRBY, say), else removed and inserted again.
   */
  public void updateScore(double current, byte[] member, double score) {
    Leaf leaf = descendToKey(current, member);
    int at = leafSearch(leaf, current, member);
    int index = leaf.start + at;
    if (at > 0 && at < leaf.size - 1
        && compare(leaf.scores[index - 1], leaf.members[index - 1], score, member) < 0
        && compare(score, member, leaf.scores[index + 1], leaf.members[index + 1]) < 0) {
      leaf.scores[index] = score;
      return;
    }
    int hash = leaf.hashes[index];
    removeAtPath(at);
    insert(score, member, hash);
  }

  /**
   * Removes the entry at position {@code at} (from the first entry) of the path's leaf and
   * rebalances. The shorter side moves: nothing for the first or the last entry.
   */
  private void removeAtPath(int at) {
    Leaf leaf = pathLeaf;
    for (int depth = 0; depth < height; depth++) {
      pathNodes[depth].counts[pathIndex[depth]]--;
    }
    int start = leaf.start;
    int size = leaf.size;
    int tail = size - at - 1;
    if (at < tail) {
      System.arraycopy(leaf.scores, start, leaf.scores, start + 1, at);
      System.arraycopy(leaf.members, start, leaf.members, start + 1, at);
      System.arraycopy(leaf.hashes, start, leaf.hashes, start + 1, at);
      leaf.members[start] = null;
      leaf.start = start + 1;
    } else {
      if (tail > 0) {
        System.arraycopy(leaf.scores, start + at + 1, leaf.scores, start + at, tail);
        System.arraycopy(leaf.members, start + at + 1, leaf.members, start + at, tail);
        System.arraycopy(leaf.hashes, start + at + 1, leaf.hashes, start + at, tail);
      }
      leaf.members[start + size - 1] = null;
    }
    leaf.size = --size;
    if (size == 0) {
      leaf.start = 0;
    }
    length--;
    if (at == 0 && size > 0) {
      newMinimum(height - 1, leaf.scores[leaf.start], leaf.members[leaf.start]);
    }
    rebalance(leaf);
  }

  /**
   * Fixes the nodes along the path after a removal, level by level upwards: an emptied node leaves
   * its parent, and one under a quarter full merges with a sibling or evens out with it. A node
   * with a single child (the right end of the tree splits that way) has no sibling to merge with
   * at its own level, so it is merged as a whole one level up.
   */
  private void rebalance(Object child) {
    for (int depth = height - 1; depth >= 0; depth--) {
      Inner parent = pathNodes[depth];
      int index = pathIndex[depth];
      boolean leaves = child instanceof Leaf;
      int childSize = size(child);
      if (childSize == 0) {
        if (leaves) {
          Leaf leaf = (Leaf) child;
          if (leaf.previous != null) {
            leaf.previous.next = leaf.next;
          }
          if (leaf.next != null) {
            leaf.next.previous = leaf.previous;
          }
        }
        removeFromInner(parent, index);
        if (index == 0 && parent.size > 0) {
          newMinimum(depth - 1, parent.scores[0], parent.members[0]);
        }
        child = parent;
        continue;
      }
      if (childSize >= (leaves ? LEAF_MIN : INNER_MIN)) {
        break;
      }
      if (parent.size < 2) {
        child = parent;
        continue;
      }
      int li = index > 0 ? index - 1 : index;
      Object left = parent.children[li];
      Object right = parent.children[li + 1];
      if (leaves) {
        compact((Leaf) left);
        compact((Leaf) right);
      }
      if (size(left) + size(right) > (leaves ? LEAF_CAPACITY : INNER_CAPACITY) * 3 / 4) {
        // Both stay, evened out: only the right one's smallest key changes.
        if (leaves) {
          evenLeaves((Leaf) left, (Leaf) right);
          parent.counts[li] = ((Leaf) left).size;
          parent.counts[li + 1] = ((Leaf) right).size;
        } else {
          evenInners((Inner) left, (Inner) right);
          parent.counts[li] = total((Inner) left);
          parent.counts[li + 1] = total((Inner) right);
        }
        parent.scores[li + 1] = minScore(right);
        parent.members[li + 1] = minMember(right);
        break;
      }
      if (leaves) {
        mergeLeaves((Leaf) left, (Leaf) right);
      } else {
        mergeInners((Inner) left, (Inner) right);
      }
      parent.counts[li] += parent.counts[li + 1];
      removeFromInner(parent, li + 1);
      child = parent;
    }
    if (height > 0 && ((Inner) root).size == 0) {
      root = new Leaf();
      height = 0;
    }
    while (height > 0 && ((Inner) root).size == 1) {
      root = ((Inner) root).children[0];
      height--;
    }
  }

  private static void removeFromInner(Inner node, int at) {
    int tail = node.size - at - 1;
    if (tail > 0) {
      System.arraycopy(node.scores, at + 1, node.scores, at, tail);
      System.arraycopy(node.members, at + 1, node.members, at, tail);
      System.arraycopy(node.children, at + 1, node.children, at, tail);
      System.arraycopy(node.counts, at + 1, node.counts, at, tail);
    }
    node.size--;
    node.members[node.size] = null;
    node.children[node.size] = null;
  }

  /** Appends {@code right}'s entries to {@code left}'s; both start at 0. */
  private static void mergeLeaves(Leaf left, Leaf right) {
    System.arraycopy(right.scores, 0, left.scores, left.size, right.size);
    System.arraycopy(right.members, 0, left.members, left.size, right.size);
    System.arraycopy(right.hashes, 0, left.hashes, left.size, right.size);
    left.size += right.size;
    left.next = right.next;
    if (right.next != null) {
      right.next.previous = left;
    }
  }

  private static void mergeInners(Inner left, Inner right) {
    System.arraycopy(right.scores, 0, left.scores, left.size, right.size);
    System.arraycopy(right.members, 0, left.members, left.size, right.size);
    System.arraycopy(right.children, 0, left.children, left.size, right.size);
    System.arraycopy(right.counts, 0, left.counts, left.size, right.size);
    left.size += right.size;
  }

  /** Moves entries across so that both hold half; both start at 0. */
  private static void evenLeaves(Leaf left, Leaf right) {
    int target = (left.size + right.size) / 2;
    if (left.size < target) {
      int moved = target - left.size;
      System.arraycopy(right.scores, 0, left.scores, left.size, moved);
      System.arraycopy(right.members, 0, left.members, left.size, moved);
      System.arraycopy(right.hashes, 0, left.hashes, left.size, moved);
      System.arraycopy(right.scores, moved, right.scores, 0, right.size - moved);
      System.arraycopy(right.members, moved, right.members, 0, right.size - moved);
      System.arraycopy(right.hashes, moved, right.hashes, 0, right.size - moved);
      Arrays.fill(right.members, right.size - moved, right.size, null);
      left.size += moved;
      right.size -= moved;
    } else {
      int moved = left.size - target;
      System.arraycopy(right.scores, 0, right.scores, moved, right.size);
      System.arraycopy(right.members, 0, right.members, moved, right.size);
      System.arraycopy(right.hashes, 0, right.hashes, moved, right.size);
      System.arraycopy(left.scores, target, right.scores, 0, moved);
      System.arraycopy(left.members, target, right.members, 0, moved);
      System.arraycopy(left.hashes, target, right.hashes, 0, moved);
      Arrays.fill(left.members, target, left.size, null);
      left.size = target;
      right.size += moved;
    }
  }

  private static void evenInners(Inner left, Inner right) {
    int target = (left.size + right.size) / 2;
    if (left.size < target) {
      int moved = target - left.size;
      System.arraycopy(right.scores, 0, left.scores, left.size, moved);
      System.arraycopy(right.members, 0, left.members, left.size, moved);
      System.arraycopy(right.children, 0, left.children, left.size, moved);
      System.arraycopy(right.counts, 0, left.counts, left.size, moved);
      int rest = right.size - moved;
      System.arraycopy(right.scores, moved, right.scores, 0, rest);
      System.arraycopy(right.members, moved, right.members, 0, rest);
      System.arraycopy(right.children, moved, right.children, 0, rest);
      System.arraycopy(right.counts, moved, right.counts, 0, rest);
      Arrays.fill(right.members, rest, right.size, null);
      Arrays.fill(right.children, rest, right.size, null);
      left.size += moved;
      right.size = rest;
    } else {
      int moved = left.size - target;
      System.arraycopy(right.scores, 0, right.scores, moved, right.size);
      System.arraycopy(right.members, 0, right.members, moved, right.size);
      System.arraycopy(right.children, 0, right.children, moved, right.size);
      System.arraycopy(right.counts, 0, right.counts, moved, right.size);
      System.arraycopy(left.scores, target, right.scores, 0, moved);
      System.arraycopy(left.members, target, right.members, 0, moved);
      System.arraycopy(left.children, target, right.children, 0, moved);
      System.arraycopy(left.counts, target, right.counts, 0, moved);
      Arrays.fill(left.members, target, left.size, null);
      Arrays.fill(left.children, target, left.size, null);
      left.size = target;
      right.size += moved;
    }
  }

  /** The 0-based rank of an entry, or -1 if it is not in the tree. */
  public long rank(double score, byte[] member) {
    Object node = root;
    long rank = 0;
    for (int depth = 0; depth < height; depth++) {
      Inner inner = (Inner) node;
      int index = childFor(inner, score, member);
      for (int i = 0; i < index; i++) {
        rank += inner.counts[i];
      }
      node = inner.children[index];
    }
    Leaf leaf = (Leaf) node;
    int at = leafSearch(leaf, score, member);
    int index = leaf.start + at;
    if (at == leaf.size || leaf.scores[index] != score || !Arrays.equals(leaf.members[index], member)) {
      return -1;
    }
    return rank + at;
  }

  /** How many entries, from the first, pass a prefix test (see {@link ElementTest}). */
  public long countWhile(ElementTest test) {
    Object node = root;
    long count = 0;
    for (int depth = 0; depth < height; depth++) {
      Inner inner = (Inner) node;
      if (!test.test(inner.scores[0], inner.members[0])) {
        return count;
      }
      // The last child whose smallest entry passes: all before it pass, all after it fail.
      int low = 1;
      int high = inner.size - 1;
      int found = 0;
      while (low <= high) {
        int middle = (low + high) >>> 1;
        if (test.test(inner.scores[middle], inner.members[middle])) {
          found = middle;
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      for (int i = 0; i < found; i++) {
        count += inner.counts[i];
      }
      node = inner.children[found];
    }
    Leaf leaf = (Leaf) node;
    int low = leaf.start;
    int high = low + leaf.size;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (test.test(leaf.scores[middle], leaf.members[middle])) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return count + low - leaf.start;
  }

  /** Where a read found an entry: its leaf and its index in the leaf's arrays. */
  private record Place(Leaf leaf, int index) {}

  /**
   * The place of the entry at a rank (0 <= rank < length), found as {@link #descendToRank} finds
   * it but without filling the search path: reads write nothing (see the class comment). The
   * place does not escape its caller, so the compiler keeps it in registers.
   */
  private Place placeOf(long rank) {
    return descendByRank(rank, false);
  }

  /**
   * The descent both take, recording the search path only for a write ({@code writesPath}): the
   * leaf holding a rank and the entry's index in its arrays.
   */
  private Place descendByRank(long rank, boolean writesPath) {
    Object node = root;
    long remaining = rank;
    for (int depth = 0; depth < height; depth++) {
      Inner inner = (Inner) node;
      int[] counts = inner.counts;
      int index = 0;
      while (remaining >= counts[index]) {
        remaining -= counts[index];
        index++;
      }
      if (writesPath) {
        pathNodes[depth] = inner;
        pathIndex[depth] = index;
      }
      node = inner.children[index];
    }
    Leaf leaf = (Leaf) node;
    return new Place(leaf, leaf.start + (int) remaining);
  }

  /** The member at a 0-based rank (0 <= rank < length). */
  public byte[] memberAt(long rank) {
    Place place = placeOf(rank);
    return place.leaf().members[place.index()];
  }

  /** The score at a 0-based rank (0 <= rank < length). */
  public double scoreAt(long rank) {
    Place place = placeOf(rank);
    return place.leaf().scores[place.index()];
  }

  /**
   * Visits the entries with ranks {@code start..end} (inclusive, 0-based, within bounds), in
   * ascending order, or descending from {@code end} to {@code start} when {@code reverse}.
   */
  public void visit(long start, long end, boolean reverse, EntryVisitor visitor) {
    long count = end - start + 1;
    Place place = placeOf(reverse ? end : start);
    Leaf leaf = place.leaf();
    int at = place.index(); // an index into the arrays from here on
    while (count-- > 0) {
      visitor.visit(leaf.members[at], leaf.scores[at]);
      if (reverse) {
        if (--at < leaf.start && count > 0) {
          leaf = leaf.previous;
          at = leaf.start + leaf.size - 1;
        }
      } else if (++at == leaf.start + leaf.size && count > 0) {
        leaf = leaf.next;
        at = leaf.start;
      }
    }
  }

  /**
   * Loads the leaf where an entry of that score is or would go, WITHOUT the lock, for the
   * connection's prefetch (see {@link io.shoal.server.keyspace.MemberPrefetch}): the inner nodes
   * of a large set stay in the cache, its leaves do not. It goes by score alone (members are not
   * compared: a slot may be null while another thread changes the node), reads every node's size
   * once and clamps it, checks each child's type, takes a bounded number of steps and writes
   * nothing; a tree changed meanwhile only makes it load the wrong leaf. Returns a value that
   * depends on what it loaded.
   */
  int prefetchLeaf(double score) {
    Object node = root;
    for (int depth = 0; depth < MAX_HEIGHT && node instanceof Inner inner; depth++) {
      double[] scores = inner.scores;
      int size = Math.min(inner.size, INNER_CAPACITY);
      int low = 1;
      int high = size - 1;
      int found = 0;
      while (low <= high) {
        int middle = (low + high) >>> 1;
        if (scores[middle] <= score) {
          found = middle;
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      node = inner.children[found];
    }
    if (!(node instanceof Leaf leaf)) {
      return 0;
    }
    // The leaf's search reads its scores from the middle out: the middle line and both ends'.
    double[] scores = leaf.scores;
    int start = Math.max(0, Math.min(leaf.start, LEAF_CAPACITY - 1));
    int end = Math.max(start, Math.min(start + leaf.size, LEAF_CAPACITY) - 1);
    double sum = scores[start] + scores[(start + end) >>> 1] + scores[end];
    return (int) sum + (leaf.members[start] == null ? 0 : 1);
  }

  /**
   * The member-table hash of the entry {@code ordinal} places in from the low (or high) end,
   * WITHOUT the lock, for the connection's prefetch of a batch of pops; the same rules as
   * {@link #prefetchLeaf}. Looks at the end leaf and its neighbour only: a batch's pops are few.
   */
  int prefetchEndHash(boolean highEnd, int ordinal) {
    Object node = root;
    for (int depth = 0; depth < MAX_HEIGHT && node instanceof Inner inner; depth++) {
      int size = Math.max(1, Math.min(inner.size, INNER_CAPACITY));
      node = inner.children[highEnd ? size - 1 : 0];
    }
    for (int step = 0; step < 2 && node instanceof Leaf leaf; step++) {
      int start = leaf.start;
      int size = leaf.size;
      if (ordinal < size) {
        int index = highEnd ? start + size - 1 - ordinal : start + ordinal;
        return index >= 0 && index < LEAF_CAPACITY ? leaf.hashes[index] : 0;
      }
      ordinal -= Math.max(0, size);
      node = highEnd ? leaf.previous : leaf.next;
    }
    return 0;
  }

  /** Told about each entry a range deletion removes. */
  @FunctionalInterface
  public interface Removal {
    void removed(byte[] member, double score, int hash);
  }

  /**
   * Deletes the entries with ranks {@code start..end} (within bounds), telling {@code removed}
   * about each in ascending order.
   */
  public void deleteRange(long start, long end, Removal removed) {
    for (long count = end - start + 1; count > 0; count--) {
      int at = descendToRank(start);
      Leaf leaf = pathLeaf;
      int index = leaf.start + at;
      byte[] member = leaf.members[index];
      double score = leaf.scores[index];
      int hash = leaf.hashes[index];
      removeAtPath(at);
      removed.removed(member, score, hash);
    }
  }

  /**
   * Checks the tree's invariants; for tests. Leaves are all at one depth and strictly ordered
   * along their links in both directions, every inner key is its child's smallest entry, every
   * count its child's entry count, and the counts add up to the length.
   */
  public boolean invariantsHold() {
    Object node = root;
    for (int depth = 0; depth < height; depth++) {
      node = ((Inner) node).children[0];
    }
    Leaf leaf = (Leaf) node;
    if (leaf.previous != null) {
      return false;
    }
    long counted = 0;
    double lastScore = 0;
    byte[] lastMember = null;
    for (Leaf previous = null; leaf != null; previous = leaf, leaf = leaf.next) {
      if (leaf.previous != previous || (leaf.size == 0 && height > 0) || leaf.start < 0
          || leaf.start + leaf.size > LEAF_CAPACITY) {
        return false;
      }
      for (int i = leaf.start; i < leaf.start + leaf.size; i++) {
        if (lastMember != null && compare(lastScore, lastMember, leaf.scores[i], leaf.members[i]) >= 0) {
          return false;
        }
        lastScore = leaf.scores[i];
        lastMember = leaf.members[i];
        counted++;
      }
      for (int i = 0; i < LEAF_CAPACITY; i++) {
        if ((i < leaf.start || i >= leaf.start + leaf.size) && leaf.members[i] != null) {
          return false;
        }
      }
    }
    if (counted != length) {
      return false;
    }
    if (height > 0 && ((Inner) root).size < 2) {
      return false;
    }
    return checkSubtree(root, height) == length;
  }

  /** The entry count below a node if its keys and counts hold, else -1. */
  private static long checkSubtree(Object node, int levels) {
    if (levels == 0) {
      return node instanceof Leaf ? ((Leaf) node).size : -1;
    }
    if (!(node instanceof Inner)) {
      return -1;
    }
    Inner inner = (Inner) node;
    if (inner.size < 1 || inner.size > INNER_CAPACITY) {
      return -1;
    }
    long sum = 0;
    for (int i = 0; i < inner.size; i++) {
      Object child = inner.children[i];
      long count = checkSubtree(child, levels - 1);
      if (count != inner.counts[i] || count == 0) {
        return -1;
      }
      if (Double.compare(inner.scores[i], minScore(child)) != 0 || inner.members[i] != minMember(child)) {
        return -1;
      }
      sum += count;
    }
    for (int i = inner.size; i < INNER_CAPACITY; i++) {
      if (inner.children[i] != null || inner.members[i] != null) {
        return -1;
      }
    }
    return sum;
  }

  /** Where the entries of the leaf holding a rank begin in its arrays, for tests. */
  int leafStart(long rank) {
    return placeOf(rank).leaf().start;
  }

  /** Levels of inner nodes above the leaves, for tests. */
  int height() {
    return height;
  }
}
