package io.shoal.server.types.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.keyspace.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ZSetValueTest {
  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The member prefetch's stages (see MemberPrefetchTest for the race with a writer): from a
   * member they reach its table node, and the last stage loads the member and its leaf; a
   * listpack is not walked.
   */
  @Test
  void thePrefetchStagesLeadToTheMembersNode() {
    ZSetValue set = new ZSetValue(128, 64);
    for (int i = 0; i < 5000; i++) {
      set.insert(bytes("element:" + i), i % 301);
    }
    int found = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] member = bytes("element:" + i);
      int hash = set.prefetchHash(member);
      Object node = set.prefetchNode(set.prefetchBucket(hash), hash);
      // The walk is bounded (4 nodes): a member deeper in a longer chain is not reached.
      if (node != null) {
        found++;
        assertThat(((MemberTable.Node) node).member).isEqualTo(member);
        assertThat(((MemberTable.Node) node).score).isEqualTo(i % 301);
        assertThat(set.prefetchEntry(node)).isNotZero();
      }
    }
    assertThat(found).isGreaterThan(4900);
    assertThat(set.prefetchEntry(null)).isZero();
    assertThat(set.prefetchNode("not a node", 1)).isNull();
    ZSetValue listpack = new ZSetValue(128, 64);
    listpack.insert(bytes("a"), 1);
    assertThat(listpack.prefetchBucket(listpack.prefetchHash(bytes("a")))).isNull();
  }

  @Test
  void convertsToSkipListPastTheEntryLimit() {
    ZSetValue set = new ZSetValue(3, 64);
    set.insert(bytes("a"), 1);
    set.insert(bytes("b"), 2);
    set.insert(bytes("c"), 3);
    assertThat(set.encoding()).isEqualTo("listpack");
    set.insert(bytes("d"), 0);
    assertThat(set.encoding()).isEqualTo("skiplist");
    assertThat(set.type()).isEqualTo(ValueType.ZSET);
    assertThat(set.memberAt(0)).isEqualTo(bytes("d"));
    assertThat(set.rank(bytes("c"))).isEqualTo(3);
    assertThat(set.invariantsHold()).isTrue();
  }

  @Test
  void convertsToSkipListForALongMember() {
    ZSetValue set = new ZSetValue(128, 4);
    set.insert(bytes("abcd"), 1);
    assertThat(set.encoding()).isEqualTo("listpack");
    set.insert(bytes("abcde"), 1);
    assertThat(set.encoding()).isEqualTo("skiplist");
  }

  @Test
  void listpackStoresNegativeZeroAsZeroAndSkipListKeepsIt() {
    ZSetValue listpack = new ZSetValue(128, 64);
    listpack.insert(bytes("a"), -0.0);
    assertThat(1 / listpack.score(bytes("a"))).isPositive();
    ZSetValue skiplist = new ZSetValue(0, 64);
    skiplist.insert(bytes("a"), -0.0);
    assertThat(1 / skiplist.score(bytes("a"))).isNegative();
  }

  @Test
  void bothEncodingsBehaveLikeAMapUnderRandomOperations() {
    for (int limit : new int[] {0, 8, 128}) {
      Random random = new Random(limit);
      ZSetValue set = new ZSetValue(limit, 64);
      TreeMap<String, Double> model = new TreeMap<>();
      for (int step = 0; step < 3000; step++) {
        String member = "m" + random.nextInt(60);
        double score = random.nextInt(20);
        switch (random.nextInt(4)) {
          case 0, 1 -> {
            Double current = set.score(bytes(member));
            if (current == null) {
              set.insert(bytes(member), score);
            } else {
              set.update(bytes(member), current, score);
            }
            model.put(member, score);
          }
          case 2 -> assertThat(set.remove(bytes(member))).isEqualTo(model.remove(member) != null);
          default -> {
            if (set.length() > 0) {
              long start = random.nextInt((int) set.length());
              long end = Math.min(set.length() - 1, start + random.nextInt(4));
              set.removeRange(start, end, (m, s) -> model.remove(new String(m, StandardCharsets.UTF_8)));
            }
          }
        }
        assertThat(set.length()).isEqualTo(model.size());
        assertThat(set.invariantsHold()).isTrue();
      }
      List<String> ordered = new ArrayList<>();
      set.forEach((member, score) -> {
        ordered.add(new String(member, StandardCharsets.UTF_8));
        assertThat(score).isEqualTo(model.get(new String(member, StandardCharsets.UTF_8)));
      });
      List<String> expected = new ArrayList<>(model.keySet());
      expected.sort((a, b) -> {
        int byScore = Double.compare(model.get(a), model.get(b));
        return byScore != 0 ? byScore : a.compareTo(b);
      });
      assertThat(ordered).containsExactlyElementsOf(expected);
    }
  }

  /**
   * ZADD's flag logic ({@link ZSetValue#add}) and every rank query against a TreeMap-based model,
   * in both encodings, with few distinct scores so that ties order by member bytes.
   */
  @Test
  void addWithFlagsAndRankQueriesMatchASortedModel() {
    for (int limit : new int[] {0, 16, 128}) {
      Random random = new Random(100 + limit);
      ZSetValue set = new ZSetValue(limit, 64);
      java.util.Map<String, Double> model = new java.util.HashMap<>();
      double[] result = new double[1];
      for (int step = 0; step < 6000; step++) {
        String member = "m" + random.nextInt(150);
        double score = random.nextInt(12) - 6;
        int flags = 0;
        for (int flag : new int[] {ZSetValue.FLAG_NX, ZSetValue.FLAG_XX, ZSetValue.FLAG_GT, ZSetValue.FLAG_LT, ZSetValue.FLAG_INCR}) {
          if (random.nextInt(5) == 0) {
            flags |= flag;
          }
        }
        if (random.nextInt(6) == 0) {
          boolean removed = set.remove(bytes(member));
          assertThat(removed).isEqualTo(model.remove(member) != null);
        } else {
          Double current = model.get(member);
          int expected;
          double expectedScore = score;
          if (current == null) {
            expected = (flags & ZSetValue.FLAG_XX) != 0 ? ZSetValue.NOP : ZSetValue.ADDED;
          } else if ((flags & ZSetValue.FLAG_NX) != 0) {
            expected = ZSetValue.NOP;
          } else {
            if ((flags & ZSetValue.FLAG_INCR) != 0) {
              expectedScore += current;
            }
            if (((flags & ZSetValue.FLAG_LT) != 0 && expectedScore >= current)
                || ((flags & ZSetValue.FLAG_GT) != 0 && expectedScore <= current)) {
              expected = ZSetValue.NOP;
            } else {
              expected = expectedScore != current ? ZSetValue.UPDATED : ZSetValue.UNCHANGED;
            }
          }
          assertThat(set.add(bytes(member), score, flags, result)).as("step %d", step).isEqualTo(expected);
          if (expected == ZSetValue.ADDED || expected == ZSetValue.UPDATED) {
            model.put(member, expectedScore);
          }
          if (expected != ZSetValue.NOP) {
            assertThat(result[0]).isEqualTo(expectedScore);
          }
        }
        assertThat(set.length()).isEqualTo(model.size());
        if (step % 50 == 0) {
          assertThat(set.invariantsHold()).isTrue();
          checkRanks(set, model, random);
        }
      }
      checkRanks(set, model, random);
    }
  }

  private static void checkRanks(ZSetValue set, java.util.Map<String, Double> model, Random random) {
    List<String> sorted = new ArrayList<>(model.keySet());
    sorted.sort((a, b) -> {
      int byScore = Double.compare(model.get(a), model.get(b));
      return byScore != 0 ? byScore : a.compareTo(b);
    });
    for (int rank = 0; rank < sorted.size(); rank++) {
      String member = sorted.get(rank);
      assertThat(set.rank(bytes(member))).isEqualTo(rank);
      assertThat(new String(set.memberAt(rank), StandardCharsets.UTF_8)).isEqualTo(member);
      assertThat(set.scoreAt(rank)).isEqualTo(model.get(member));
      assertThat(set.score(bytes(member))).isEqualTo(model.get(member));
    }
    assertThat(set.rank(bytes("absent"))).isEqualTo(-1);
    assertThat(set.score(bytes("absent"))).isNull();
    for (int i = 0; i < 20 && !sorted.isEmpty(); i++) {
      double below = random.nextInt(12) - 6;
      long count = sorted.stream().filter(m -> model.get(m) < below).count();
      assertThat(set.countWhile((score, member) -> score < below)).isEqualTo(count);
      int start = random.nextInt(sorted.size());
      int end = Math.min(sorted.size() - 1, start + random.nextInt(10));
      List<String> reverse = new ArrayList<>();
      set.visit(start, end, true, (member, score) -> reverse.add(new String(member, StandardCharsets.UTF_8)));
      List<String> expected = new ArrayList<>(sorted.subList(start, end + 1));
      java.util.Collections.reverse(expected);
      assertThat(reverse).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void memoryEstimateReturnsToItsStartWhenEmptiedAndGrowsWithContent() {
    for (int limit : new int[] {0, 128}) {
      ZSetValue set = new ZSetValue(limit, 64);
      long empty = set.memoryBytes();
      for (int i = 0; i < 100; i++) {
        set.insert(bytes("member-" + i), i);
      }
      long full = set.memoryBytes();
      assertThat(full).isGreaterThan(empty + 100 * 24);
      for (int i = 0; i < 50; i++) {
        set.update(bytes("member-" + i), i, -i);
      }
      set.removeRange(0, 9, (m, s) -> { });
      for (int i = 0; i < 100; i++) {
        set.remove(bytes("member-" + i));
      }
      assertThat(set.length()).isZero();
      assertThat(set.memoryBytes()).isEqualTo(empty);
    }
  }

  @Test
  void sizeHintsChooseTheEncodingUpFrontAsZaddOnANewKeyDoes() {
    assertThat(ZSetValue.forSize(128, 64, 128, 64).encoding()).isEqualTo("listpack");
    assertThat(ZSetValue.forSize(128, 64, 129, 1).encoding()).isEqualTo("skiplist");
    assertThat(ZSetValue.forSize(128, 64, 1, 65).encoding()).isEqualTo("skiplist");
  }

  @Test
  void copyIsDeep() {
    ZSetValue set = new ZSetValue(128, 64);
    set.insert(bytes("a"), 1);
    ZSetValue copy = set.copy();
    copy.insert(bytes("b"), 2);
    assertThat(set.length()).isEqualTo(1);
    assertThat(copy.length()).isEqualTo(2);
    ZSetValue skipList = new ZSetValue(0, 64);
    skipList.insert(bytes("a"), 1);
    ZSetValue skipListCopy = skipList.copy();
    assertThat(skipListCopy.encoding()).isEqualTo("skiplist");
    assertThat(skipListCopy.score(bytes("a"))).isEqualTo(1.0);
    assertThat(skipListCopy.memoryBytes()).isGreaterThan(skipList.memoryBytes() - 12 * 32);
  }

  /** Every entry in order, with its score, rank and ZSCORE, as text. */
  private static List<String> entries(ZSetValue set) {
    List<String> seen = new ArrayList<>();
    set.forEach((member, score) -> seen.add(new String(member, StandardCharsets.UTF_8) + "=" + score
        + "@" + set.rank(member) + "/" + set.score(member)));
    return seen;
  }

  private static List<String> scanned(ZSetValue set) {
    List<String> seen = new ArrayList<>();
    long cursor = 0;
    do {
      cursor = set.scanStep(cursor, (member, score) -> seen.add(new String(member, StandardCharsets.UTF_8) + "=" + score));
    } while (cursor != 0);
    return seen;
  }

  private static List<String> model(TreeMap<String, Double> model) {
    List<String> seen = new ArrayList<>();
    model.entrySet().stream()
        .sorted((a, b) -> ScoreTree.compare(a.getValue(), bytes(a.getKey()), b.getValue(), bytes(b.getKey())))
        .forEach(e -> seen.add(e.getKey() + "=" + e.getValue()));
    return seen;
  }

  private static List<String> plain(ZSetValue set) {
    List<String> seen = new ArrayList<>();
    set.forEach((member, score) -> seen.add(new String(member, StandardCharsets.UTF_8) + "=" + score));
    return seen;
  }

  /** Random adds, score changes, removals and range removals, on the set and its model alike. */
  private static void churn(ZSetValue set, TreeMap<String, Double> model, Random random, int steps, String prefix) {
    for (int i = 0; i < steps; i++) {
      String member = prefix + random.nextInt(6000);
      double score = random.nextInt(500);
      int op = random.nextInt(10);
      if (op < 6) {
        Double current = model.get(member);
        if (current == null) {
          set.insert(bytes(member), score);
        } else {
          set.update(bytes(member), current, score);
        }
        model.put(member, score == 0 ? 0.0 : score);
      } else if (op < 9) {
        assertThat(set.remove(bytes(member))).isEqualTo(model.remove(member) != null);
      } else if (set.length() > 10) {
        long start = random.nextInt((int) set.length() - 5);
        set.removeRange(start, start + 2, (removed, s) -> model.remove(new String(removed, StandardCharsets.UTF_8)));
      }
    }
  }

  /**
   * A copy is the same set, in the same encoding (members, scores, order, ranks, the member table
   * ZSCAN walks, memory estimate), made structurally, and writes to either side afterwards never
   * show on the other: the snapshot's contract.
   */
  @Test
  void aCopyEqualsTheOriginalAndWritesStayOnTheirSide() {
    for (int maxListpack : new int[] {128, 0}) {
      Random random = new Random(11 + maxListpack);
      ZSetValue set = new ZSetValue(maxListpack, 64);
      TreeMap<String, Double> model = new TreeMap<>();
      churn(set, model, random, maxListpack == 0 ? 60_000 : 100, "m");
      ZSetValue copy = set.copy();
      assertThat(copy.encoding()).isEqualTo(set.encoding()).isEqualTo(maxListpack == 0 ? "skiplist" : "listpack");
      assertThat(copy.length()).isEqualTo(set.length()).isEqualTo(model.size());
      assertThat(entries(copy)).isEqualTo(entries(set));
      assertThat(plain(copy)).isEqualTo(model(model));
      assertThat(copy.memoryBytes()).isEqualTo(set.memoryBytes());
      assertThat(copy.invariantsHold()).isTrue();
      if (maxListpack == 0) {
        assertThat(scanned(copy)).isEqualTo(scanned(set));
        for (long rank = 0; rank < set.length(); rank += 97) {
          assertThat(copy.memberAt(rank)).isEqualTo(set.memberAt(rank));
          assertThat(copy.scoreAt(rank)).isEqualTo(set.scoreAt(rank));
        }
      }
      List<String> before = plain(set);
      TreeMap<String, Double> copyModel = new TreeMap<>(model);
      churn(copy, copyModel, new Random(5), 20_000, "m");
      assertThat(plain(set)).isEqualTo(before);
      assertThat(plain(copy)).isEqualTo(model(copyModel));
      assertThat(copy.invariantsHold()).isTrue();
      List<String> copied = plain(copy);
      churn(set, model, new Random(6), 20_000, "m");
      assertThat(plain(copy)).isEqualTo(copied);
      assertThat(plain(set)).isEqualTo(model(model));
      assertThat(set.invariantsHold()).isTrue();
      assertThat(copy.invariantsHold()).isTrue();
    }
  }

  /** A copy of a set whose member table is mid-resize finishes the resize on its own. */
  @Test
  void aCopyMadeDuringAMemberTableResizeKeepsEveryMember() {
    ZSetValue set = new ZSetValue(0, 64);
    TreeMap<String, Double> model = new TreeMap<>();
    int i = 0;
    while (!set.mapResizing() || model.size() < 1000) {
      set.insert(bytes("r" + i), i % 37);
      model.put("r" + i, (double) (i % 37));
      i++;
    }
    ZSetValue copy = set.copy();
    assertThat(copy.mapResizing()).isTrue();
    assertThat(entries(copy)).isEqualTo(entries(set));
    assertThat(scanned(copy)).isEqualTo(scanned(set));
    TreeMap<String, Double> copyModel = new TreeMap<>(model);
    churn(copy, copyModel, new Random(3), 5000, "r");
    assertThat(plain(copy)).isEqualTo(model(copyModel));
    assertThat(plain(set)).isEqualTo(model(model));
    for (String member : model.keySet()) {
      assertThat(set.score(bytes(member))).isEqualTo(model.get(member));
    }
  }
}
