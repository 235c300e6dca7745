package io.shoal.server.types.list;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.keyspace.MemorySize;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListValueTest {
  static byte[] b(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> contents(ListValue list) {
    List<String> result = new ArrayList<>();
    list.forEach(element -> result.add(new String(element, StandardCharsets.UTF_8)));
    return result;
  }

  /** What memoryBytes and packedBytes must equal if the running totals are right. */
  static void assertTotalsRecomputed(ListValue list) {
    long elements = 0;
    long packed = 7;
    for (byte[] element : list.toArray()) {
      elements += MemorySize.ofBytes(element);
      packed += ListValue.packedEntryBytes(element);
    }
    assertThat(list.packedBytes()).isEqualTo(packed);
    assertThat(list.memoryBytes() - elements).isBetween(48L, 48L + 4L * Math.max(4, 4L * Math.max(1, list.size())));
  }

  @Test
  void randomOperationsMatchADeque() {
    Random random = new Random(42);
    ListValue list = new ListValue();
    ArrayDeque<String> model = new ArrayDeque<>();
    for (int step = 0; step < 20_000; step++) {
      String value = Integer.toString(random.nextInt(50));
      switch (random.nextInt(7)) {
        case 0, 1 -> {
          list.pushFirst(b(value));
          model.addFirst(value);
        }
        case 2, 3 -> {
          list.pushLast(b(value));
          model.addLast(value);
        }
        case 4 -> {
          if (!model.isEmpty()) {
            assertThat(new String(list.popFirst(), StandardCharsets.UTF_8)).isEqualTo(model.pollFirst());
          }
        }
        case 5 -> {
          if (!model.isEmpty()) {
            assertThat(new String(list.popLast(), StandardCharsets.UTF_8)).isEqualTo(model.pollLast());
          }
        }
        default -> {
          if (!model.isEmpty()) {
            int index = random.nextInt(model.size());
            assertThat(new String(list.get(index), StandardCharsets.UTF_8)).isEqualTo(new ArrayList<>(model).get(index));
          }
        }
      }
      assertThat(list.size()).isEqualTo(model.size());
    }
    assertThat(contents(list)).containsExactlyElementsOf(model);
    assertTotalsRecomputed(list);
  }

  @Test
  void middleOperations() {
    ListValue list = new ListValue();
    for (String value : new String[] {"a", "b", "a", "c", "a"}) {
      list.pushLast(b(value));
    }
    list.insert(1, b("x"));
    list.insert(6, b("end"));
    list.insert(0, b("start"));
    assertThat(contents(list)).containsExactly("start", "a", "x", "b", "a", "c", "a", "end");
    assertThat(new String(list.remove(2), StandardCharsets.UTF_8)).isEqualTo("x");
    assertThat(list.removeEqual(b("a"), 2, true)).isEqualTo(2);
    assertThat(contents(list)).containsExactly("start", "a", "b", "c", "end");
    assertThat(list.removeEqual(b("a"), 0, false)).isEqualTo(1);
    list.retain(1, 2);
    assertThat(contents(list)).containsExactly("b", "c");
    assertThat(new String(list.set(1, b("z")), StandardCharsets.UTF_8)).isEqualTo("c");
    assertThat(list.indexOf(b("z"))).isEqualTo(1);
    assertThat(list.indexOf(b("q"))).isEqualTo(-1);
    assertTotalsRecomputed(list);
    ListValue copy = list.copy();
    list.clear();
    assertThat(list.isEmpty()).isTrue();
    assertThat(contents(copy)).containsExactly("b", "z");
    assertThatThrownBy(list::popFirst).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> copy.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void encodingConvertsAtTheLimitAndBackAtHalf() {
    ListValue list = new ListValue();
    for (int i = 0; i < 128; i++) {
      list.pushLast(b("v" + i));
      list.updateEncoding(128);
    }
    assertThat(list.encoding()).isEqualTo("listpack");
    list.pushLast(b("one more"));
    list.updateEncoding(128);
    assertThat(list.encoding()).isEqualTo("quicklist");
    while (list.size() > 65) {
      list.popLast();
      list.updateEncoding(128);
      assertThat(list.encoding()).isEqualTo("quicklist");
    }
    list.popLast();
    list.updateEncoding(128);
    assertThat(list.encoding()).isEqualTo("listpack");
    assertThat(ListValue.sizeLimitBytes(-1)).isEqualTo(4096);
    assertThat(ListValue.sizeLimitBytes(-2)).isEqualTo(8192);
    assertThat(ListValue.sizeLimitBytes(-5)).isEqualTo(65536);
    assertThat(ListValue.sizeLimitBytes(-9)).isEqualTo(65536);
  }

  @Test
  void listpackEntrySizesFollowTheListpackFormat() {
    assertThat(ListValue.packedEntryBytes(new byte[0])).isEqualTo(2);
    assertThat(ListValue.packedEntryBytes(new byte[63])).isEqualTo(65);
    assertThat(ListValue.packedEntryBytes(new byte[64])).isEqualTo(67);
    assertThat(ListValue.packedEntryBytes(new byte[200])).isEqualTo(204);
  }

  /**
   * A copy of a list whose ring wraps around has the same elements in order, the same encoding
   * and size estimates, and pushes, pops, LSET and inserts on either side never show on the other.
   */
  @Test
  void aCopyEqualsTheOriginalAndWritesStayOnTheirSide() {
    ListValue list = new ListValue();
    java.util.List<String> model = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      list.pushLast(b("v" + i));
      model.add("v" + i);
    }
    for (int i = 0; i < 100; i++) {
      list.popFirst();
      model.remove(0);
      list.pushFirst(b("h" + i)); // the ring's head wraps below 0
      model.add(0, "h" + i);
    }
    list.updateEncoding(128);
    ListValue copy = list.copy();
    assertThat(copy.encoding()).isEqualTo(list.encoding()).isEqualTo("quicklist");
    assertThat(contents(copy)).isEqualTo(model);
    assertThat(copy.memoryBytes()).isEqualTo(list.memoryBytes());
    assertThat(copy.packedBytes()).isEqualTo(list.packedBytes());
    copy.set(0, b("changed"));
    copy.pushFirst(b("front"));
    copy.popLast();
    copy.insert(5, b("inserted"));
    assertThat(contents(list)).isEqualTo(model);
    java.util.List<String> copied = contents(copy);
    list.set(1, b("mine"));
    list.clear();
    assertThat(contents(copy)).isEqualTo(copied);
    assertThat(copied.get(0)).isEqualTo("front");
    assertThat(copied.get(1)).isEqualTo("changed");
    assertThat(copied).hasSize(model.size() + 1).contains("inserted");
  }
}
