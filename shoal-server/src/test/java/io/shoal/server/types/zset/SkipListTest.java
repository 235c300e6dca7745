package io.shoal.server.types.zset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The skip list against a TreeSet model under random operations, checking spans at every step. */
class SkipListTest {
  record Item(double score, byte[] member) {}

  static final Comparator<Item> ORDER = (a, b) -> SkipList.compare(a.score(), a.member(), b.score(), b.member());

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void randomOperationsMatchASortedModel() {
    for (long seed = 1; seed <= 5; seed++) {
      Random random = new Random(seed);
      SkipList list = new SkipList(seed);
      TreeSet<Item> model = new TreeSet<>(ORDER);
      for (int step = 0; step < 4000; step++) {
        double score = random.nextInt(50);
        byte[] member = bytes("m" + random.nextInt(300));
        Item item = new Item(score, member);
        int operation = random.nextInt(12);
        if (operation >= 10) {
          Item existing = model.isEmpty() ? null : new ArrayList<>(model).get(random.nextInt(model.size()));
          if (existing != null) {
            double moved = operation == 10 ? existing.score() : random.nextInt(50);
            Item target = new Item(moved, existing.member());
            if (!model.contains(target) || moved == existing.score()) {
              model.remove(existing);
              model.add(target);
              list.updateScore(existing.score(), existing.member(), moved);
            }
          }
        } else if (operation < 6) {
          if (!model.contains(item)) {
            model.add(item);
            assertThat(list.insert(score, member)).isBetween(1, SkipList.MAX_LEVEL);
          }
        } else if (operation < 9) {
          assertThat(list.delete(score, member) > 0).isEqualTo(model.remove(item));
        } else if (!model.isEmpty()) {
          long start = random.nextInt(model.size());
          long end = Math.min(model.size() - 1, start + random.nextInt(20));
          List<Item> removed = new ArrayList<>();
          list.deleteRange(start, end, (m, s, levels) -> removed.add(new Item(s, m)));
          List<Item> expected = new ArrayList<>(model).subList((int) start, (int) end + 1);
          assertThat(removed).usingElementComparator(ORDER).containsExactlyElementsOf(expected);
          expected.forEach(model::remove);
        }
        assertThat(list.invariantsHold()).as("seed %d step %d", seed, step).isTrue();
        assertThat(list.length()).isEqualTo(model.size());
      }
      checkRanksAndRanges(list, new ArrayList<>(model), random);
    }
  }

  private static void checkRanksAndRanges(SkipList list, List<Item> sorted, Random random) {
    for (int rank = 0; rank < sorted.size(); rank++) {
      Item item = sorted.get(rank);
      assertThat(list.rank(item.score(), item.member())).isEqualTo(rank);
      SkipList.Node node = list.nodeAt(rank);
      assertThat(node.member).isEqualTo(item.member());
      assertThat(node.score).isEqualTo(item.score());
    }
    assertThat(list.rank(1000, bytes("absent"))).isEqualTo(-1);
    assertThat(list.nodeAt(sorted.size())).isNull();
    for (int i = 0; i < 200; i++) {
      double min = random.nextInt(50);
      long below = sorted.stream().filter(item -> item.score() < min).count();
      assertThat(list.countWhile((score, member) -> score < min)).isEqualTo(below);
      int start = random.nextInt(sorted.size());
      int end = Math.min(sorted.size() - 1, start + random.nextInt(30));
      List<byte[]> forward = new ArrayList<>();
      list.visit(start, end, false, (member, score) -> forward.add(member));
      List<byte[]> backward = new ArrayList<>();
      list.visit(start, end, true, (member, score) -> backward.add(member));
      List<byte[]> expected = sorted.subList(start, end + 1).stream().map(Item::member).toList();
      assertThat(forward).containsExactlyElementsOf(expected);
      List<byte[]> reversed = new ArrayList<>(expected);
      java.util.Collections.reverse(reversed);
      assertThat(backward).containsExactlyElementsOf(reversed);
    }
  }

  @Test
  void membersCompareAsUnsignedBytesWithinAScore() {
    SkipList list = new SkipList(3);
    list.insert(1, new byte[] {(byte) 0xFF});
    list.insert(1, new byte[] {0x01});
    list.insert(1, new byte[] {});
    list.insert(0, new byte[] {(byte) 0xFF});
    List<byte[]> members = new ArrayList<>();
    list.visit(0, 3, false, (member, score) -> members.add(member));
    assertThat(members).containsExactly(new byte[] {(byte) 0xFF}, new byte[] {}, new byte[] {0x01}, new byte[] {(byte) 0xFF});
  }

  @Test
  void negativeAndPositiveZeroAreOneScore() {
    SkipList list = new SkipList(9);
    list.insert(-0.0, bytes("b"));
    list.insert(0.0, bytes("a"));
    assertThat(list.rank(0.0, bytes("a"))).isZero();
    assertThat(list.rank(-0.0, bytes("b"))).isEqualTo(1);
    assertThat(list.invariantsHold()).isTrue();
  }

  @Test
  void rankLookupsStayLogarithmicOnALargeList() {
    SkipList list = new SkipList(11);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      list.insert(i, bytes(Integer.toString(i)));
    }
    assertThat(list.level()).isBetween(6, SkipList.MAX_LEVEL);
    assertThat(list.nodeAt(123_456).score).isEqualTo(123_456);
    assertThat(list.countWhile((score, member) -> score < 150_000)).isEqualTo(150_000);
    assertThat(Arrays.equals(list.nodeAt(n - 1).member, bytes(Integer.toString(n - 1)))).isTrue();
  }

  /**
   * Scores changed in place (each entry stays between its neighbours) and moved past neighbours,
   * on a list tall enough to have nodes of four and more levels: every predecessor's cached next
   * score, at every level, must follow (invariantsHold compares them with the nodes' scores).
   */
  @Test
  void cachedNextScoresFollowInPlaceAndMovingUpdatesAtEveryLevel() {
    SkipList list = new SkipList(5);
    int n = 5000;
    for (int i = 0; i < n; i++) {
      list.insert(10.0 * i, bytes("m" + i));
    }
    assertThat(list.level()).isGreaterThanOrEqualTo(5);
    for (int i = 0; i < n; i++) {
      list.updateScore(10.0 * i, bytes("m" + i), 10.0 * i + 1 + (i % 7));
    }
    assertThat(list.invariantsHold()).isTrue();
    Random random = new Random(5);
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = 10.0 * i + 1 + (i % 7);
    }
    for (int step = 0; step < 20_000; step++) {
      int i = random.nextInt(n);
      // Either a nudge that usually keeps the place, or a jump anywhere (ties broken by member).
      double moved = random.nextBoolean() ? scores[i] + random.nextInt(3) - 1 : random.nextInt(10 * n);
      list.updateScore(scores[i], bytes("m" + i), moved);
      scores[i] = moved;
      if (step % 1000 == 0) {
        assertThat(list.invariantsHold()).as("step %d", step).isTrue();
      }
    }
    assertThat(list.invariantsHold()).isTrue();
    assertThat(list.length()).isEqualTo(n);
  }
}
