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

  /** A resize moves a few buckets per write: no single write walks the whole table. */
  @Test
  void aResizeIsSpreadOverLaterWritesAndEveryKeyStaysFoundMeanwhile() {
    BytesTable table = new BytesTable();
    int key = 0;
    while (table.bucketCount() < 4096) {
      table.put(b("k" + key++), b("v"));
    }
    while (table.resizing()) {
      table.put(b("k" + key++), b("v"));
    }
    int before = table.bucketCount();
    // The next write past one key per bucket starts the grow; it does not finish it.
    while (table.bucketCount() == before) {
      table.put(b("k" + key++), b("v"));
    }
    assertThat(table.bucketCount()).isEqualTo(2 * before);
    int writesToFinish = 0;
    while (table.resizing()) {
      for (int i = 0; i < key; i += 97) {
        assertThat(table.get(b("k" + i))).as("k" + i).isEqualTo(b("v"));
      }
      table.put(b("k" + key++), b("v"));
      writesToFinish++;
    }
    // 4096 old buckets at STEP_BUCKETS non-empty ones per write: about 4096 * 0.63 / 4 writes.
    assertThat(writesToFinish).isBetween(100, 4096 / BytesTable.STEP_BUCKETS + 1);
    assertThat(table.size()).isEqualTo(key);
    for (int i = 0; i < key; i++) {
      assertThat(table.get(b("k" + i))).isEqualTo(b("v"));
    }
    // And a shrink: removing down to below a tenth starts one, later removals finish it.
    int removed = 0;
    while (!table.resizing()) {
      table.remove(b("k" + removed++));
    }
    while (table.resizing()) {
      for (int i = removed; i < key; i += 31) {
        assertThat(table.contains(b("k" + i))).isTrue();
      }
      table.remove(b("k" + removed++));
    }
    assertThat(table.size()).isEqualTo(key - removed).isPositive();
    assertThat(table.bucketCount()).isLessThan(2 * before);
  }

  /**
   * A model check over many small steps: puts, replacements (also member to field and back),
   * removals of found and random nodes, interleaved with SCAN calls, while resizes start and
   * end at every point of a scan. Agrees with a HashMap on content, size and memory estimate,
   * and every scan returns each key present from its start to its end.
   */
  @Test
  void agreesWithAModelWhileResizesInterleaveWithScans() {
    Random random = new Random(5);
    for (int round = 0; round < 20; round++) {
      BytesTable table = new BytesTable();
      Map<String, String> model = new HashMap<>();
      long emptyBytes = table.memoryBytes();
      int range = 50 + random.nextInt(5000);
      long cursor = 0;
      Set<String> presentThroughout = new HashSet<>();
      Set<String> seen = new HashSet<>();
      // A quarter of the keys are never removed once there, so that scans have keys to miss.
      int stable = range / 4;
      for (int op = 0; op < 60_000; op++) {
        int kind = random.nextInt(100);
        // Phases that grow and phases that shrink, so both kinds of resize happen.
        boolean growing = (op / 5000) % 2 == 0;
        int number = random.nextInt(range);
        String key = "k" + number;
        if (number < stable && kind >= 45 && kind < 93) {
          kind = kind % 45;
        }
        if (kind < (growing ? 45 : 15)) {
          String value = random.nextInt(4) == 0 ? null : "v" + op;
          assertThat(table.put(b(key), value == null ? null : b(value))).isEqualTo(!model.containsKey(key));
          model.put(key, value);
        } else if (kind < 68) {
          assertThat(table.remove(b(key)) != null).isEqualTo(model.containsKey(key));
          model.remove(key);
          presentThroughout.remove(key);
        } else if (kind < 70 && table.size() > 0) {
          BytesTable.Node node = table.randomNode(random, random.nextInt());
          String picked = new String(node.key(), StandardCharsets.UTF_8);
          assertThat(model).containsKey(picked);
          if (Integer.parseInt(picked.substring(1)) >= stable) {
            table.removeNode(node);
            model.remove(picked);
            presentThroughout.remove(picked);
          }
        } else {
          if (cursor == 0) {
            presentThroughout = new HashSet<>(model.keySet());
            seen = new HashSet<>();
          }
          Set<String> into = seen;
          cursor = table.scan(cursor, (k, v) -> into.add(new String(k, StandardCharsets.UTF_8)));
          if (cursor == 0) {
            assertThat(seen).containsAll(presentThroughout);
          }
        }
        assertThat(table.size()).isEqualTo(model.size());
      }
      for (Map.Entry<String, String> entry : model.entrySet()) {
        assertThat(table.contains(b(entry.getKey()))).isTrue();
        assertThat(table.get(b(entry.getKey()))).isEqualTo(entry.getValue() == null ? null : b(entry.getValue()));
      }
      Set<String> all = new HashSet<>();
      table.forEach((k, v) -> assertThat(all.add(new String(k, StandardCharsets.UTF_8))).isTrue());
      assertThat(all).isEqualTo(model.keySet());
      for (String key : new HashSet<>(model.keySet())) {
        table.remove(b(key));
      }
      assertThat(table.memoryBytes()).isEqualTo(emptyBytes);
      assertThat(table.resizing()).isFalse();
    }
  }

  @Test
  void randomNodeReachesEveryKeyWhileAResizeIsInProgress() {
    BytesTable table = new BytesTable();
    int key = 0;
    while (table.bucketCount() < 64) {
      table.put(b("m" + key++), null);
    }
    while (table.resizing()) {
      table.put(b("m" + key++), null);
    }
    int before = table.bucketCount();
    while (table.bucketCount() == before) {
      table.put(b("m" + key++), null);
    }
    assertThat(table.resizing()).isTrue();
    Set<String> seen = new HashSet<>();
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      seen.add(new String(table.randomNode(random).key(), StandardCharsets.UTF_8));
      seen.add(new String(table.randomNode(random, random.nextInt()).key(), StandardCharsets.UTF_8));
    }
    assertThat(table.resizing()).isTrue();
    assertThat(seen).hasSize(key);
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

  private static Map<String, String> contents(BytesTable table) {
    Map<String, String> seen = new HashMap<>();
    table.forEach((key, value) -> seen.put(new String(key, StandardCharsets.UTF_8),
        value == null ? null : new String(value, StandardCharsets.UTF_8)));
    return seen;
  }

  private static java.util.List<String> scanned(BytesTable table) {
    java.util.List<String> seen = new java.util.ArrayList<>();
    long cursor = 0;
    do {
      cursor = table.scan(cursor, (key, value) -> seen.add(new String(key, StandardCharsets.UTF_8) + "=" + (value == null ? null : new String(value, StandardCharsets.UTF_8))));
    } while (cursor != 0);
    return seen;
  }

  private static void churn(BytesTable table, Map<String, String> model, Random random, int steps, boolean values) {
    for (int i = 0; i < steps; i++) {
      String key = "k" + random.nextInt(5000);
      if (random.nextInt(3) == 0) {
        boolean present = model.containsKey(key);
        model.remove(key);
        assertThat(table.remove(b(key)) != null).isEqualTo(present);
      } else {
        String value = values ? "v" + random.nextInt() : null;
        table.put(b(key), value == null ? null : b(value));
        model.put(key, value);
      }
    }
  }

  /**
   * A copy holds the same keys and values in the same buckets (a resize in progress included), so
   * a SCAN walks both alike, and writes to either side afterwards, a field's new value included,
   * never show on the other.
   */
  @Test
  void aCopyEqualsTheOriginalAndWritesStayOnTheirSide() {
    for (boolean values : new boolean[] {true, false}) {
      BytesTable table = new BytesTable();
      Map<String, String> model = new HashMap<>();
      Random random = new Random(values ? 1 : 2);
      churn(table, model, random, 3000, values);
      while (!table.resizing()) {
        String key = "grow" + model.size();
        table.put(b(key), values ? b("x") : null);
        model.put(key, values ? "x" : null);
      }
      BytesTable copy = table.copy();
      assertThat(copy.resizing()).isTrue();
      assertThat(copy.size()).isEqualTo(table.size()).isEqualTo(model.size());
      assertThat(copy.memoryBytes()).isEqualTo(table.memoryBytes());
      assertThat(contents(copy)).isEqualTo(model);
      assertThat(scanned(copy)).isEqualTo(scanned(table));
      Map<String, String> copyModel = new HashMap<>(model);
      churn(copy, copyModel, new Random(3), 20_000, values);
      assertThat(contents(table)).isEqualTo(model);
      assertThat(contents(copy)).isEqualTo(copyModel);
      Map<String, String> copied = new HashMap<>(copyModel);
      churn(table, model, new Random(4), 20_000, values);
      assertThat(contents(copy)).isEqualTo(copied);
      assertThat(contents(table)).isEqualTo(model);
      model.forEach((key, value) -> assertThat(table.contains(b(key))).isTrue());
      copied.forEach((key, value) -> assertThat(copy.contains(b(key))).isTrue());
    }
  }
}
