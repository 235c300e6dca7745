package io.shoal.server.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BytesTableTest {
  private static byte[] b(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putGetRemoveAgreeWithAHashMap() {
    BytesTable table = new BytesTable();
    Map<String, String> model = new HashMap<>();
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String key = "k" + random.nextInt(3000);
      if (random.nextInt(3) == 0) {
        assertThat(table.remove(b(key)) != null).isEqualTo(model.remove(key) != null);
      } else {
        String value = "v" + i;
        assertThat(table.put(b(key), b(value))).isEqualTo(model.put(key, value) == null);
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    model.forEach((key, value) -> assertThat(new String(table.get(b(key)), StandardCharsets.UTF_8)).isEqualTo(value));
  }

  @Test
  void memoryEstimateReturnsToEmptySizeAfterRemovingEverything() {
    BytesTable table = new BytesTable();
    long empty = table.memoryBytes();
    for (int i = 0; i < 1000; i++) {
      table.put(b("member:" + i), b("value"));
    }
    assertThat(table.memoryBytes()).isGreaterThan(empty + 1000 * 32);
    for (int i = 0; i < 1000; i++) {
      table.remove(b("member:" + i));
    }
    assertThat(table.memoryBytes()).isEqualTo(empty);
  }

  @Test
  void membersWithoutValuesCostLessAndAValueGivenOrTakenLaterReplacesTheNode() {
    BytesTable members = new BytesTable();
    BytesTable fields = new BytesTable();
    long empty = members.memoryBytes();
    for (int i = 0; i < 1000; i++) {
      members.put(b("member:" + i), null);
      fields.put(b("member:" + i), b("v"));
    }
    // 8 bytes less per node, and no value array.
    assertThat(fields.memoryBytes() - members.memoryBytes()).isGreaterThanOrEqualTo(1000 * (8 + 16));
    for (int i = 0; i < 1000; i += 2) {
      assertThat(members.put(b("member:" + i), b("now" + i))).isFalse();
      assertThat(fields.put(b("member:" + i), null)).isFalse();
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(members.get(b("member:" + i))).isEqualTo(i % 2 == 0 ? b("now" + i) : null);
      assertThat(fields.get(b("member:" + i))).isEqualTo(i % 2 == 0 ? null : b("v"));
      assertThat(members.contains(b("member:" + i))).isTrue();
      assertThat(fields.contains(b("member:" + i))).isTrue();
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(members.remove(b("member:" + i))).isNotNull();
      assertThat(fields.remove(b("member:" + i))).isNotNull();
    }
    assertThat(members.memoryBytes()).isEqualTo(empty);
    assertThat(fields.memoryBytes()).isEqualTo(empty);
  }

  /** The SCAN guarantee: an element present for the whole scan is returned, despite resizes. */
  @Test
  void scanReturnsEveryElementPresentThroughoutWhileTheTableGrowsAndShrinks() {
    Random random = new Random(11);
    for (int round = 0; round < 5; round++) {
      BytesTable table = new BytesTable();
      Set<String> stable = new HashSet<>();
      for (int i = 0; i < 500; i++) {
        table.put(b("stable" + i), null);
        stable.add("stable" + i);
      }
      Set<String> seen = new HashSet<>();
      long cursor = 0;
      int churn = 0;
      int live = 0;
      int steps = 0;
      do {
        cursor = table.scan(cursor, (key, value) -> seen.add(new String(key, StandardCharsets.UTF_8)));
        // Grow a lot, then shrink below a tenth, so the bucket count changes in both directions.
        if (live < 4000 && random.nextBoolean()) {
          for (int j = 0; j < 400; j++) {
            table.put(b("churn" + churn++), null);
            live++;
          }
        } else {
          for (int j = churn - live; j < churn; j++) {
            table.remove(b("churn" + j));
          }
          live = 0;
        }
        steps++;
      } while (cursor != 0 && steps < 100_000);
      assertThat(cursor).isZero();
      assertThat(seen).containsAll(stable);
    }
  }

  @Test
  void randomNodeReachesEveryKey() {
    BytesTable table = new BytesTable();
    for (int i = 0; i < 50; i++) {
      table.put(b("m" + i), null);
    }
    Set<String> seen = new HashSet<>();
    Random random = new Random(3);
    for (int i = 0; i < 5000; i++) {
      seen.add(new String(table.randomNode(random).key(), StandardCharsets.UTF_8));
    }
    assertThat(seen).hasSize(50);
  }

  @Test
  void bytesComparesByContent() {
    assertThat(new Bytes(b("abc"))).isEqualTo(new Bytes(b("abc"))).hasSameHashCodeAs(new Bytes(b("abc")));
    assertThat(new Bytes(b("abc"))).isNotEqualTo(new Bytes(b("abd")));
    assertThat(new Bytes(new byte[] {(byte) 0xff}).compareTo(new Bytes(b("a")))).isPositive();
  }
}
