package io.shoal.server.types.zset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberTableTest {
  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Puts a member as ZSetValue does: finds its node, else adds a fresh one. */
  static void put(MemberTable table, String member, double score) {
    MemberTable.Node node = table.find(bytes(member));
    if (node != null) {
      node.score = score;
      return;
    }
    table.add(new MemberTable.Node(bytes(member), score, table.hash(bytes(member))));
  }

  static Double remove(MemberTable table, String member) {
    MemberTable.Node node = table.remove(bytes(member));
    return node == null ? null : node.score;
  }

  static Double get(MemberTable table, String member) {
    MemberTable.Node node = table.find(bytes(member));
    return node == null ? null : node.score;
  }

  @Test
  void behavesLikeAHashMapAcrossGrowthAndShrinking() {
    Random random = new Random(5);
    MemberTable table = new MemberTable(99);
    Map<String, Double> model = new HashMap<>();
    for (int step = 0; step < 50_000; step++) {
      String member = "m" + random.nextInt(5000);
      if (random.nextInt(3) == 0) {
        assertThat(remove(table, member)).isEqualTo(model.remove(member));
      } else {
        double score = random.nextInt(100);
        put(table, member, score);
        model.put(member, score);
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    for (Map.Entry<String, Double> entry : model.entrySet()) {
      assertThat(get(table, entry.getKey())).isEqualTo(entry.getValue());
    }
    assertThat(get(table, "absent")).isNull();
    assertThat(table.bucketCount()).isGreaterThanOrEqualTo(1024);
    for (String member : model.keySet()) {
      assertThat(remove(table, member)).isNotNull();
    }
    assertThat(table.size()).isZero();
    assertThat(table.bucketCount()).isEqualTo(16);
  }

  @Test
  void aScanReturnsEveryMemberPresentThroughoutEvenWhileTheTableResizes() {
    for (int trial = 0; trial < 20; trial++) {
      Random random = new Random(trial);
      MemberTable table = new MemberTable(trial);
      Set<String> stable = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        put(table, "stable" + i, i);
        stable.add("stable" + i);
      }
      Set<String> seen = new HashSet<>();
      long cursor = 0;
      int steps = 0;
      int churn = 0;
      do {
        cursor = table.scan(cursor, (member, score) -> seen.add(new String(member, StandardCharsets.UTF_8)));
        // Grow the table hard in the first half of the scan, then shrink it back.
        if (steps < 40) {
          for (int i = 0; i < 100; i++) {
            put(table, "churn" + churn++, 0);
          }
        } else {
          for (int i = 0; i < 200 && churn > 0; i++) {
            remove(table, "churn" + --churn);
          }
        }
        steps++;
      } while (cursor != 0 && steps < 1_000_000);
      assertThat(cursor).isZero();
      assertThat(seen).containsAll(stable);
      assertThat(random.nextInt()).isNotNull();
    }
  }

  /** A resize moves a few buckets per write; every member stays found while both arrays are in use. */
  @Test
  void aResizeIsSpreadOverLaterWritesAndEveryMemberStaysFoundMeanwhile() {
    MemberTable table = new MemberTable(7);
    int member = 0;
    while (table.bucketCount() < 4096 || table.resizing()) {
      put(table, "m" + member++, member);
    }
    int before = table.bucketCount();
    while (table.bucketCount() == before) {
      put(table, "m" + member++, member);
    }
    assertThat(table.resizing()).isTrue();
    int writesToFinish = 0;
    while (table.resizing()) {
      for (int i = 0; i < member; i += 89) {
        assertThat(get(table, "m" + i)).isEqualTo((double) i + 1);
      }
      put(table, "m" + member++, member);
      writesToFinish++;
    }
    assertThat(writesToFinish).isBetween(100, 4096 / MemberTable.STEP_BUCKETS + 1);
    for (int i = 0; i < member; i++) {
      assertThat(get(table, "m" + i)).isEqualTo((double) i + 1);
    }
    int removed = 0;
    while (!table.resizing()) {
      remove(table, "m" + removed++);
    }
    while (table.resizing()) {
      for (int i = removed; i < member; i += 31) {
        assertThat(get(table, "m" + i)).isNotNull();
      }
      remove(table, "m" + removed++);
    }
    assertThat(table.size()).isEqualTo(member - removed).isPositive();
  }

  /**
   * Many small steps of adds, updates and removals interleaved with scan calls, so that resizes
   * in both directions start and end at every point of a scan: the table agrees with a HashMap,
   * and each scan returns every member present from its start to its end (a quarter of the
   * members are never removed, so there is always something to miss).
   */
  @Test
  void agreesWithAModelWhileResizesInterleaveWithScans() {
    Random random = new Random(9);
    for (int round = 0; round < 20; round++) {
      MemberTable table = new MemberTable(round);
      Map<String, Double> model = new HashMap<>();
      int range = 50 + random.nextInt(5000);
      int stable = range / 4;
      long cursor = 0;
      Set<String> presentThroughout = new HashSet<>();
      Set<String> seen = new HashSet<>();
      for (int op = 0; op < 60_000; op++) {
        int kind = random.nextInt(100);
        boolean growing = (op / 5000) % 2 == 0;
        int number = random.nextInt(range);
        String member = "m" + number;
        if (number < stable && kind >= 45 && kind < 70) {
          kind = kind % 45;
        }
        if (kind < (growing ? 45 : 15)) {
          double score = random.nextInt(1000);
          put(table, member, score);
          model.put(member, score);
        } else if (kind < 70) {
          assertThat(remove(table, member)).isEqualTo(model.remove(member));
          presentThroughout.remove(member);
        } else {
          if (cursor == 0) {
            presentThroughout = new HashSet<>(model.keySet());
            seen = new HashSet<>();
          }
          Set<String> into = seen;
          cursor = table.scan(cursor, (m, score) -> into.add(new String(m, StandardCharsets.UTF_8)));
          if (cursor == 0) {
            assertThat(seen).containsAll(presentThroughout);
          }
        }
        assertThat(table.size()).isEqualTo(model.size());
      }
      for (Map.Entry<String, Double> entry : model.entrySet()) {
        assertThat(get(table, entry.getKey())).isEqualTo(entry.getValue());
      }
      for (String member : new HashSet<>(model.keySet())) {
        assertThat(remove(table, member)).isNotNull();
      }
      assertThat(table.resizing()).isFalse();
      assertThat(table.bucketCount()).isEqualTo(16);
    }
  }
}
