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
}
