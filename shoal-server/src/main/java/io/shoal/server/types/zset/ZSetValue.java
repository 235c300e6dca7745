package io.shoal.server.types.zset;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.MemberPrefetch;
import io.shoal.server.keyspace.MemorySize;
import io.shoal.server.keyspace.PopPrefetch;
import io.shoal.server.keyspace.RandomDraws;
import io.shoal.server.keyspace.ValueType;
import java.util.Arrays;

/**
 * A sorted set, in one of Redis's two encodings. Small sets are "listpack": two parallel arrays
 * kept sorted by (score, member), where a linear scan beats any pointer structure and costs ~16
 * bytes per entry beyond the member. Once a set holds more than {@code zset-max-listpack-entries}
 * entries, or a member longer than {@code zset-max-listpack-value} bytes, it converts for good to
 * what Redis calls "skiplist" (and this reports so): a structure for order and rank plus a
 * {@link MemberTable} from member to score for O(1) ZSCORE and cursor scans, as Redis's
 * {@code zset} struct pairs a zskiplist with a dict. The ordered half here is a counted B+tree
 * ({@link ScoreTree}), which misses the cache far less often than a skip list.
 * Redis never converts back in place, nor does this.
 *
 * <p>Ranks are 0-based in ascending (score, member) order; members compare as unsigned bytes.
 * Callers must check membership before {@link #insert} and use {@link #update} for members that
 * are present. Persistence can iterate with {@link #forEach} (ascending) and rebuild with
 * {@link #insert}; {@link #encoding()} tells which encoding a set has.
 */
public final class ZSetValue extends CollectionValue implements MemberPrefetch, PopPrefetch {
  private static final long BASE_BYTES = 64;
  private static final long LISTPACK_ENTRY_BYTES = 16;
  /**
   * The member table's node (32 bytes) and its bucket slot (4 to 8: tables are half to wholly
   * full), and the entry's share of the tree's leaves (a score, a reference and a hash: 16 bytes
   * per slot, leaves not quite full). Measured on the heap: a 865k-member set grown by random
   * ZADDs takes 89.6 bytes per member with its 40-byte member arrays (97.3 with the skip list).
   */
  private static final long TREE_ENTRY_BYTES = 52;

  private final int maxListpackEntries;
  private final int maxListpackValue;
  private byte[][] members;
  private double[] scores;
  private int size;
  private ScoreTree list;
  private MemberTable map;
  private long memoryBytes = BASE_BYTES;

  /** An empty listpack-encoded set that converts past the given limits. */
  public ZSetValue(long maxListpackEntries, long maxListpackValue) {
    this.maxListpackEntries = (int) Math.min(maxListpackEntries, Integer.MAX_VALUE);
    this.maxListpackValue = (int) Math.min(maxListpackValue, Integer.MAX_VALUE);
    this.members = new byte[4][];
    this.scores = new double[4];
  }

  /**
   * A set for {@code sizeHint} members of which the longest has {@code longestMember} bytes: a
   * skip list from the start when they would not fit a listpack, as Redis's zsetTypeCreate
   * decides for ZADD on a new key (even if some of the pairs turn out to be duplicates).
   */
  public static ZSetValue forSize(long maxListpackEntries, long maxListpackValue, long sizeHint, long longestMember) {
    ZSetValue set = new ZSetValue(maxListpackEntries, maxListpackValue);
    if (sizeHint > maxListpackEntries || longestMember > maxListpackValue) {
      set.convertToSkipList();
    }
    return set;
  }

  @Override
  public ValueType type() {
    return ValueType.ZSET;
  }

  @Override
  public String encoding() {
    return list == null ? "listpack" : "skiplist";
  }

  @Override
  public long memoryBytes() {
    return memoryBytes;
  }

  @Override
  public long length() {
    return list == null ? size : list.length();
  }

  /** The score of a member, or null. */
  public Double score(byte[] member) {
    if (list != null) {
      MemberTable.Node node = map.find(member);
      return node == null ? null : node.score;
    }
    int index = indexOf(member);
    return index < 0 ? null : scores[index];
  }

  /** What {@link #add} did: nothing (a flag refused), added, updated, or found the same score. */
  public static final int NOP = 0;
  public static final int ADDED = 1;
  public static final int UPDATED = 2;
  public static final int UNCHANGED = 3;
  /** {@link #add} refuses: the increment made the score NaN; the set is unchanged. */
  public static final int NAN = 4;

  public static final int FLAG_NX = 1;
  public static final int FLAG_XX = 2;
  public static final int FLAG_GT = 4;
  public static final int FLAG_LT = 8;
  public static final int FLAG_INCR = 16;

  /**
   * Redis's zsetAdd: adds or updates one member under the ZADD flags ({@code FLAG_*}) and returns
   * the outcome ({@link #NOP}, {@link #ADDED}, {@link #UPDATED}, {@link #UNCHANGED} or
   * {@link #NAN}), leaving the member's resulting score in {@code newScore[0]}. One member lookup
   * serves the read and the write.
   */
  public int add(byte[] member, double score, int flags, double[] newScore) {
    if (list == null) {
      int index = indexOf(member);
      if (index < 0) {
        return addAbsent(member, score, flags, newScore);
      }
      double current = scores[index];
      int outcome = updateOutcome(current, score, flags, newScore);
      if (outcome == UPDATED) {
        byte[] stored = members[index];
        removeAt(index);
        insert(stored, newScore[0]);
      }
      return outcome;
    }
    int hash = map.hash(member);
    MemberTable.Node node = map.find(member, hash);
    if (node == null) {
      if ((flags & FLAG_XX) != 0) {
        return NOP;
      }
      addToTree(member, score, hash);
      newScore[0] = score;
      return ADDED;
    }
    int outcome = updateOutcome(node.score, score, flags, newScore);
    if (outcome == UPDATED) {
      moveInTree(node, newScore[0]);
    }
    return outcome;
  }

  private int addAbsent(byte[] member, double score, int flags, double[] newScore) {
    if ((flags & FLAG_XX) != 0) {
      return NOP;
    }
    insert(member, score);
    newScore[0] = score;
    return ADDED;
  }

  private static int updateOutcome(double current, double score, int flags, double[] newScore) {
    if ((flags & FLAG_NX) != 0) {
      return NOP;
    }
    if ((flags & FLAG_INCR) != 0) {
      score += current;
      if (Double.isNaN(score)) {
        return NAN;
      }
    }
    if (((flags & FLAG_LT) != 0 && score >= current) || ((flags & FLAG_GT) != 0 && score <= current)) {
      return NOP;
    }
    newScore[0] = score;
    return score != current ? UPDATED : UNCHANGED;
  }

  /** Adds a member that is not in the set. */
  public void insert(byte[] member, double score) {
    if (list == null && (size + 1 > maxListpackEntries || member.length > maxListpackValue)) {
      convertToSkipList();
    }
    if (list != null) {
      addToTree(member, score, map.hash(member));
      return;
    }
    // A listpack stores scores as text, and Redis writes -0 there as integer 0.
    score = score == 0 ? 0.0 : score;
    int at = insertionPoint(score, member);
    if (size == members.length) {
      members = Arrays.copyOf(members, size * 2);
      scores = Arrays.copyOf(scores, size * 2);
    }
    System.arraycopy(members, at, members, at + 1, size - at);
    System.arraycopy(scores, at, scores, at + 1, size - at);
    members[at] = member;
    scores[at] = score;
    size++;
    memoryBytes += MemorySize.ofBytes(member) + LISTPACK_ENTRY_BYTES;
  }

  /** Changes the score of a member that is in the set with score {@code current}. */
  public void update(byte[] member, double current, double score) {
    if (list != null) {
      moveInTree(map.find(member), score);
      return;
    }
    byte[] stored = members[indexOf(member)];
    remove(member);
    insert(stored, score);
  }

  /** Removes a member; false if it was absent. */
  public boolean remove(byte[] member) {
    if (list != null) {
      MemberTable.Node node = map.remove(member);
      if (node == null) {
        return false;
      }
      list.delete(node.score, node.member);
      memoryBytes -= treeEntryBytes(member);
      return true;
    }
    int index = indexOf(member);
    if (index < 0) {
      return false;
    }
    removeAt(index);
    return true;
  }

  /** The 0-based ascending rank of a member, or -1 if absent. */
  public long rank(byte[] member) {
    if (list != null) {
      MemberTable.Node node = map.find(member);
      return node == null ? -1 : list.rank(node.score, node.member);
    }
    return indexOf(member);
  }

  /** How many entries, from the lowest, pass a prefix test: the rank where a range begins. */
  public long countWhile(ElementTest test) {
    if (list != null) {
      return list.countWhile(test);
    }
    int count = 0;
    while (count < size && test.test(scores[count], members[count])) {
      count++;
    }
    return count;
  }

  /**
   * Visits ranks {@code start..end} (inclusive, 0 <= start <= end < length), ascending, or from
   * {@code end} down to {@code start} when {@code reverse}.
   */
  public void visit(long start, long end, boolean reverse, EntryVisitor visitor) {
    if (list != null) {
      list.visit(start, end, reverse, visitor);
      return;
    }
    if (reverse) {
      for (int i = (int) end; i >= start; i--) {
        visitor.visit(members[i], scores[i]);
      }
    } else {
      for (int i = (int) start; i <= end; i++) {
        visitor.visit(members[i], scores[i]);
      }
    }
  }

  /** Every entry in ascending order: the iteration persistence and set algebra use. */
  public void forEach(EntryVisitor visitor) {
    if (length() > 0) {
      visit(0, length() - 1, false, visitor);
    }
  }

  /**
   * One step of ZSCAN over a skip-list set: visits the members of one hash bucket and returns the
   * next cursor, 0 at the end. Not for listpack sets, which ZSCAN returns whole.
   */
  public long scanStep(long cursor, EntryVisitor visitor) {
    return map.scan(cursor, visitor);
  }

  /** The member at a 0-based rank (0 <= rank < length). */
  public byte[] memberAt(long rank) {
    return list != null ? list.memberAt(rank) : members[(int) rank];
  }

  /** The score at a 0-based rank (0 <= rank < length). */
  public double scoreAt(long rank) {
    return list != null ? list.scoreAt(rank) : scores[(int) rank];
  }

  /** Removes ranks {@code start..end} (within bounds), visiting each removed entry in order. */
  public void removeRange(long start, long end, EntryVisitor removed) {
    if (list != null) {
      list.deleteRange(start, end, (member, score, hash) -> {
        map.remove(member, hash);
        memoryBytes -= treeEntryBytes(member);
        removed.visit(member, score);
      });
      return;
    }
    for (int i = (int) start; i <= end; i++) {
      removed.visit(members[i], scores[i]);
      memoryBytes -= MemorySize.ofBytes(members[i]) + LISTPACK_ENTRY_BYTES;
    }
    int count = (int) (end - start + 1);
    System.arraycopy(members, (int) end + 1, members, (int) start, size - (int) end - 1);
    System.arraycopy(scores, (int) end + 1, scores, (int) start, size - (int) end - 1);
    size -= count;
    Arrays.fill(members, size, size + count, null);
  }

  /**
   * A copy in the same encoding, as Redis's zsetDup keeps it, made structure by structure: the
   * listpack's arrays cloned, or the tree and the member table copied as they are, without a
   * member being inserted, hashed or compared (a snapshot takes it under every slot lock).
   */
  @Override
  public ZSetValue copy() {
    ZSetValue copy = new ZSetValue(maxListpackEntries, maxListpackValue);
    if (list != null) {
      copy.list = list.copy();
      copy.map = map.copy();
      copy.members = null;
      copy.scores = null;
    } else {
      copy.members = members.clone();
      copy.scores = scores.clone();
      copy.size = size;
    }
    copy.memoryBytes = memoryBytes;
    return copy;
  }

  private int indexOf(byte[] member) {
    for (int i = 0; i < size; i++) {
      if (Arrays.equals(members[i], member)) {
        return i;
      }
    }
    return -1;
  }

  private int insertionPoint(double score, byte[] member) {
    int low = 0;
    int high = size;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (ScoreTree.compare(scores[middle], members[middle], score, member) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  private void removeAt(int index) {
    memoryBytes -= MemorySize.ofBytes(members[index]) + LISTPACK_ENTRY_BYTES;
    System.arraycopy(members, index + 1, members, index, size - index - 1);
    System.arraycopy(scores, index + 1, scores, index, size - index - 1);
    size--;
    members[size] = null;
  }

  private void convertToSkipList() {
    list = new ScoreTree();
    map = new MemberTable(System.identityHashCode(this) * 0xC2B2AE3D27D4EB4FL);
    memoryBytes = BASE_BYTES;
    for (int i = 0; i < size; i++) {
      addToTree(members[i], scores[i], map.hash(members[i]));
    }
    members = null;
    scores = null;
    size = 0;
  }

  /** Adds a member that is in neither the tree nor the member table; {@code hash} is the table's. */
  private void addToTree(byte[] member, double score, int hash) {
    list.insert(score, member, hash);
    map.add(new MemberTable.Node(member, score, hash));
    memoryBytes += treeEntryBytes(member);
  }

  /** Gives a member of the tree a new score, in the tree and in its table node. */
  private void moveInTree(MemberTable.Node node, double score) {
    list.updateScore(node.score, node.member, score);
    node.score = score;
  }

  private static long treeEntryBytes(byte[] member) {
    return MemorySize.ofBytes(member) + TREE_ENTRY_BYTES;
  }

  // The member prefetch (ZADD's, ZSCORE's, ZINCRBY's, ZREM's member): only the "skiplist"
  // encoding is walked; a listpack is the few lines the key's lookup has loaded. These run
  // without the slot's lock (see MemberPrefetch): the table and the tree are read once each, and
  // a set that converts meanwhile has its table from then on, never another one.

  @Override
  public int prefetchHash(byte[] member) {
    MemberTable table = map;
    return table == null ? 0 : table.hash(member);
  }

  @Override
  public Object prefetchBucket(int hash) {
    MemberTable table = map;
    return table == null ? null : table.prefetchBucket(hash);
  }

  @Override
  public Object prefetchNode(Object head, int hash) {
    return MemberTable.prefetchNode(head, hash);
  }

  @Override
  public int prefetchPopHash(int end, int ordinal, RandomDraws draws) {
    ScoreTree tree = list;
    return tree == null || end == RANDOM ? 0 : tree.prefetchEndHash(end == HIGH, ordinal);
  }

  /**
   * The member's bytes (the lookup compares them) and the tree's leaf at the member's current
   * score, which ZADD, ZINCRBY and ZREM search for it: two misses of their own, loaded together.
   */
  @Override
  public int prefetchEntry(Object node) {
    if (!(node instanceof MemberTable.Node found)) {
      return 0;
    }
    int sum = 0;
    byte[] member = found.member;
    if (member != null && member.length > 0) {
      sum += member.length + member[member.length - 1];
    }
    ScoreTree tree = list;
    if (tree != null) {
      sum += tree.prefetchLeaf(found.score);
    }
    return sum;
  }

  /** True while the member table is resizing; for tests. */
  boolean mapResizing() {
    return map != null && map.resizing();
  }

  /** Checks the tree's invariants and that map and tree agree; for tests. */
  public boolean invariantsHold() {
    if (list == null) {
      for (int i = 1; i < size; i++) {
        if (ScoreTree.compare(scores[i - 1], members[i - 1], scores[i], members[i]) >= 0) {
          return false;
        }
      }
      return true;
    }
    return list.invariantsHold() && map.size() == list.length();
  }
}
