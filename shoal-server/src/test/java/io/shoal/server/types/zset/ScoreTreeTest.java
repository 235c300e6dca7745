package io.shoal.server.types.zset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The counted B+tree against a TreeSet model under random operations, checking its counts, exact
 * keys and leaf links after every step. The sets grow to thousands of entries, so leaves and inner
 * nodes split, merge and even out many times over, with many entries sharing a score.
 */
class ScoreTreeTest {
  record Item(double score, byte[] member) {}

  static final Comparator<Item> ORDER = (a, b) -> ScoreTree.compare(a.score(), a.member(), b.score(), b.member());

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void randomOperationsMatchASortedModel() {
    for (long seed = 1; seed <= 4; seed++) {
      Random random = new Random(seed);
      ScoreTree tree = new ScoreTree();
      TreeSet<Item> model = new TreeSet<>(ORDER);
      List<Item> items = new ArrayList<>();
      // Three phases: growth (mostly inserts), churn, and shrinking (mostly deletes) to empty.
      for (int step = 0; step < 30_000; step++) {
        int phase = step < 12_000 ? 0 : step < 20_000 ? 1 : 2;
        double score = random.nextInt(200);
        byte[] member = bytes("m" + random.nextInt(6000));
        Item item = new Item(score, member);
        int operation = random.nextInt(12);
        boolean insert = phase == 0 ? operation < 8 : phase == 1 ? operation < 5 : operation < 2;
        if (operation >= 10 && !model.isEmpty()) {
          Item existing = model.ceiling(item);
          existing = existing == null ? model.first() : existing;
          double moved = operation == 10 ? existing.score() + random.nextInt(3) - 1 : random.nextInt(200);
          Item target = new Item(moved, existing.member());
          if (!model.contains(target) || moved == existing.score()) {
            model.remove(existing);
            model.add(target);
            tree.updateScore(existing.score(), existing.member(), moved);
          }
        } else if (insert) {
          if (!model.contains(item)) {
            model.add(item);
            tree.insert(score, member, java.util.Arrays.hashCode(member));
          }
        } else if (operation % 4 != 0 || model.isEmpty()) {
          Item present = model.isEmpty() ? item : model.floor(item);
          Item target = present == null || random.nextInt(4) == 0 ? item : present;
          assertThat(tree.delete(target.score(), target.member())).isEqualTo(model.remove(target));
        } else {
          long start = random.nextInt(model.size());
          long end = Math.min(model.size() - 1, start + random.nextInt(phase == 2 ? 200 : 40));
          List<Item> removed = new ArrayList<>();
          tree.deleteRange(start, end, (m, s, h) -> {
            assertThat(h).isEqualTo(java.util.Arrays.hashCode(m));
            removed.add(new Item(s, m));
          });
          List<Item> expected = new ArrayList<>(model).subList((int) start, (int) end + 1);
          assertThat(removed).usingElementComparator(ORDER).containsExactlyElementsOf(expected);
          new ArrayList<>(expected).forEach(model::remove);
        }
        if (step % 7 == 0 || model.size() < 200) {
          assertThat(tree.invariantsHold()).as("seed %d step %d", seed, step).isTrue();
        }
        assertThat(tree.length()).isEqualTo(model.size());
        if (step == 11_999 || step == 19_999) {
          checkRanksAndRanges(tree, new ArrayList<>(model), random);
        }
      }
      assertThat(tree.invariantsHold()).isTrue();
      checkRanksAndRanges(tree, new ArrayList<>(model), random);
      items.clear();
    }
  }

  private static void checkRanksAndRanges(ScoreTree tree, List<Item> sorted, Random random) {
    for (int rank = 0; rank < sorted.size(); rank++) {
      Item item = sorted.get(rank);
      assertThat(tree.rank(item.score(), item.member())).isEqualTo(rank);
      assertThat(tree.memberAt(rank)).isEqualTo(item.member());
      assertThat(tree.scoreAt(rank)).isEqualTo(item.score());
    }
    assertThat(tree.rank(1000, bytes("absent"))).isEqualTo(-1);
    assertThat(tree.rank(5, bytes("absent"))).isEqualTo(-1);
    if (sorted.isEmpty()) {
      assertThat(tree.countWhile((score, member) -> true)).isZero();
      return;
    }
    for (int i = 0; i < 200; i++) {
      double min = random.nextInt(210) - 5;
      long below = sorted.stream().filter(item -> item.score() < min).count();
      assertThat(tree.countWhile((score, member) -> score < min)).isEqualTo(below);
      Item pivot = sorted.get(random.nextInt(sorted.size()));
      long notAbove = sorted.stream().filter(item -> ORDER.compare(item, pivot) <= 0).count();
      assertThat(tree.countWhile((score, member) -> ORDER.compare(new Item(score, member), pivot) <= 0))
          .isEqualTo(notAbove);
      int start = random.nextInt(sorted.size());
      int end = Math.min(sorted.size() - 1, start + random.nextInt(300));
      List<byte[]> forward = new ArrayList<>();
      tree.visit(start, end, false, (member, score) -> forward.add(member));
      List<byte[]> backward = new ArrayList<>();
      tree.visit(start, end, true, (member, score) -> backward.add(member));
      List<byte[]> expected = sorted.subList(start, end + 1).stream().map(Item::member).toList();
      assertThat(forward).containsExactlyElementsOf(expected);
      List<byte[]> reversed = new ArrayList<>(expected);
      Collections.reverse(reversed);
      assertThat(backward).containsExactlyElementsOf(reversed);
    }
    List<byte[]> all = new ArrayList<>();
    tree.visit(0, sorted.size() - 1, false, (member, score) -> all.add(member));
    assertThat(all).containsExactlyElementsOf(sorted.stream().map(Item::member).toList());
  }

  /**
   * Pops from both ends interleaved with inserts next to either end, so that the end leaves'
   * entries keep moving within their arrays (the start offset up by pops from the front, down by
   * inserts in front; the back's room used up until inserts must shift the front down), with
   * removals and inserts inside leaves too: the tree must match the model and keep its invariants
   * (which include that the slots outside a leaf's entries hold no member) after every step.
   */
  @Test
  void popsFromBothEndsInterleavedWithInsertsNearThemMatchTheModel() {
    for (long seed = 1; seed <= 4; seed++) {
      Random random = new Random(seed);
      ScoreTree tree = new ScoreTree();
      TreeSet<Item> model = new TreeSet<>(ORDER);
      int sequence = 0;
      for (int step = 0; step < 40_000; step++) {
        // Grows to a few thousand entries, then shrinks to empty, then grows again.
        boolean growing = step < 15_000 || step >= 32_000;
        int operation = random.nextInt(20);
        int pops = growing ? 7 : 12;
        if (operation < pops && !model.isEmpty()) {
          boolean front = operation % 2 == 0;
          long rank = front ? 0 : model.size() - 1;
          Item expected = front ? model.pollFirst() : model.pollLast();
          List<Item> removed = new ArrayList<>();
          tree.deleteRange(rank, rank, (m, s, h) -> removed.add(new Item(s, m)));
          assertThat(removed).usingElementComparator(ORDER).containsExactly(expected);
        } else if (operation < 18) {
          // Next to an end: just before or after the first (or last) entry, or at its score.
          double score;
          if (model.isEmpty()) {
            score = random.nextInt(100);
          } else {
            Item end = operation % 2 == 0 ? model.first() : model.last();
            score = end.score() + random.nextInt(3) - 1;
          }
          Item item = new Item(score, bytes("n" + sequence++));
          model.add(item);
          tree.insert(item.score(), item.member(), 0);
        } else if (operation == 18 && !model.isEmpty()) {
          // Somewhere inside: a removal that shifts the shorter side of its leaf.
          List<Item> sorted = new ArrayList<>(model);
          Item target = sorted.get(random.nextInt(sorted.size()));
          assertThat(tree.delete(target.score(), target.member())).isTrue();
          model.remove(target);
        } else {
          Item item = new Item(random.nextInt(100) + random.nextDouble(), bytes("r" + sequence++));
          model.add(item);
          tree.insert(item.score(), item.member(), 0);
        }
        assertThat(tree.length()).isEqualTo(model.size());
        if (step % 3 == 0 || model.size() < 300) {
          assertThat(tree.invariantsHold()).as("seed %d step %d", seed, step).isTrue();
        }
        if (step % 5000 == 4999) {
          checkRanksAndRanges(tree, new ArrayList<>(model), random);
        }
      }
      assertThat(tree.invariantsHold()).isTrue();
      checkRanksAndRanges(tree, new ArrayList<>(model), random);
    }
  }

  /** The prefetch of a batch of pops names the hashes of the entries the pops will take. */
  @Test
  void theEndHashesAreThoseOfTheEntriesPopsTake() {
    ScoreTree tree = new ScoreTree();
    Random random = new Random(3);
    for (int i = 0; i < 5000; i++) {
      byte[] member = bytes("e" + i);
      tree.insert(random.nextInt(100_000), member, java.util.Arrays.hashCode(member));
    }
    for (int round = 0; round < 300; round++) {
      boolean high = round % 3 == 0;
      int batch = 1 + random.nextInt(20);
      int[] expected = new int[batch];
      for (int k = 0; k < batch; k++) {
        expected[k] = tree.prefetchEndHash(high, k);
      }
      for (int k = 0; k < batch; k++) {
        long rank = high ? tree.length() - 1 : 0;
        int at = k;
        tree.deleteRange(rank, rank, (member, score, hash) -> assertThat(hash).as("pop %d", at).isEqualTo(expected[at]));
      }
      for (int k = 0; k < batch / 2; k++) {
        byte[] member = bytes("r" + round + "-" + k);
        tree.insert(random.nextInt(100_000), member, java.util.Arrays.hashCode(member));
      }
    }
    assertThat(tree.invariantsHold()).isTrue();
    assertThat(new ScoreTree().prefetchEndHash(false, 0)).isZero();
  }

  @Test
  void popsFromTheFrontMoveTheLeafStartAndInsertsUseTheRoomOnEitherSide() {
    ScoreTree tree = new ScoreTree();
    for (int i = 0; i < 64; i++) {
      tree.insert(i, bytes("e" + i), 0);
    }
    assertThat(tree.height()).isZero();
    for (int i = 0; i < 10; i++) {
      tree.deleteRange(0, 0, (member, score, hash) -> { });
    }
    // Ten pops from the front of the one (full) leaf moved nothing: its entries begin at 10.
    assertThat(tree.leafStart(0)).isEqualTo(10);
    // Inserts at the back: no room after the entries, so those before shift down into the room
    // the pops left in front.
    for (int i = 64; i < 74; i++) {
      tree.insert(i, bytes("e" + i), 0);
      assertThat(tree.invariantsHold()).isTrue();
    }
    assertThat(tree.leafStart(0)).isZero();
    assertThat(tree.height()).isZero();
    tree.deleteRange(0, 0, (member, score, hash) -> { });
    tree.insert(5, bytes("front"), 0);
    assertThat(tree.leafStart(0)).isZero();
    assertThat(tree.memberAt(0)).isEqualTo(bytes("front"));
    // A full leaf again: the next insert splits it.
    tree.insert(100, bytes("last"), 0);
    assertThat(tree.height()).isEqualTo(1);
    assertThat(tree.invariantsHold()).isTrue();
    List<Double> scores = new ArrayList<>();
    tree.visit(0, tree.length() - 1, false, (member, score) -> scores.add(score));
    List<Double> expected = new ArrayList<>(List.of(5.0));
    for (int i = 11; i < 74; i++) {
      expected.add((double) i);
    }
    expected.add(100.0);
    assertThat(scores).containsExactlyElementsOf(expected);
  }

  @Test
  void membersCompareAsUnsignedBytesWithinAScore() {
    ScoreTree tree = new ScoreTree();
    for (int i = 0; i < 300; i++) {
      tree.insert(1, new byte[] {(byte) (i >= 150 ? 0xFF : 0x01), (byte) i}, 0);
    }
    tree.insert(1, new byte[] {(byte) 0x80}, 0);
    assertThat(tree.rank(1, new byte[] {(byte) 0x80})).isEqualTo(150);
    assertThat(tree.memberAt(299)[0]).isEqualTo((byte) 0xFF);
    assertThat(tree.invariantsHold()).isTrue();
  }

  @Test
  void ascendingInsertsFillLeavesAndPopsEmptyTheTree() {
    ScoreTree tree = new ScoreTree();
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      tree.insert(i, bytes("e" + i), 0);
    }
    assertThat(tree.invariantsHold()).isTrue();
    // Full leaves of 64 below full inner nodes of 64 hold 200,000 entries under 2 levels of inner
    // nodes (up to 262,144); half-full ones, as even splits would leave, would need 3.
    assertThat(tree.height()).isEqualTo(2);
    for (int i = 0; i < n; i++) {
      int at = i;
      tree.deleteRange(0, 0, (member, score, hash) -> assertThat(score).isEqualTo(at));
      if (i % 9973 == 0) {
        assertThat(tree.invariantsHold()).isTrue();
      }
    }
    assertThat(tree.length()).isZero();
    assertThat(tree.height()).isZero();
    assertThat(tree.invariantsHold()).isTrue();
    tree.insert(2, bytes("again"), 0);
    assertThat(tree.memberAt(0)).isEqualTo(bytes("again"));
  }

  @Test
  void descendingInsertsAndPopsFromTheTopKeepOrder() {
    ScoreTree tree = new ScoreTree();
    for (int i = 200_000; i > 0; i--) {
      tree.insert(i, bytes("e" + i), 0);
    }
    assertThat(tree.invariantsHold()).isTrue();
    // An RDB load inserts in this order: the leaves and inner nodes fill up as in ascending order.
    assertThat(tree.height()).isEqualTo(2);
    for (int i = 200_000; i > 50_000; i--) {
      tree.delete(i, bytes("e" + i));
    }
    assertThat(tree.invariantsHold()).isTrue();
    for (int i = 50_000; i > 0; i--) {
      long last = tree.length() - 1;
      int at = i;
      tree.deleteRange(last, last, (member, score, hash) -> assertThat(score).isEqualTo(at));
    }
    assertThat(tree.invariantsHold()).isTrue();
    assertThat(tree.length()).isZero();
  }

  @Test
  void negativeZeroAndZeroAreOneScore() {
    ScoreTree tree = new ScoreTree();
    tree.insert(0.0, bytes("b"), 0);
    tree.insert(-0.0, bytes("a"), 0);
    tree.insert(-0.0, bytes("c"), 0);
    assertThat(tree.rank(0.0, bytes("a"))).isEqualTo(0);
    assertThat(tree.rank(-0.0, bytes("b"))).isEqualTo(1);
    assertThat(tree.delete(0.0, bytes("c"))).isTrue();
    assertThat(tree.invariantsHold()).isTrue();
  }

  /**
   * Reads write nothing in the tree: threads that only read one tree at once (as a snapshot's
   * thread and the clients' read-only commands do) all get right answers. With a search path
   * shared by reads, one thread's descent sends another's to the wrong leaf.
   */
  @Test
  void threadsThatOnlyReadOneTreeAtOnceAllGetRightAnswers() throws Exception {
    int size = 50_000;
    ScoreTree tree = new ScoreTree();
    for (int i = 0; i < size; i++) {
      byte[] member = bytes("m" + i);
      tree.insert(i, member, java.util.Arrays.hashCode(member));
    }
    java.util.concurrent.atomic.AtomicReference<String> wrong = new java.util.concurrent.atomic.AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      long seed = t;
      Thread reader = new Thread(() -> {
        Random random = new Random(seed);
        for (int step = 0; step < 200_000 && wrong.get() == null; step++) {
          int rank = random.nextInt(size - 3);
          if (tree.scoreAt(rank) != rank || !java.util.Arrays.equals(tree.memberAt(rank), bytes("m" + rank))) {
            wrong.set("entry at rank " + rank);
          }
          long[] seen = new long[1];
          boolean reverse = random.nextBoolean();
          tree.visit(rank, rank + 2, reverse, (member, score) -> {
            long expected = reverse ? rank + 2 - seen[0] : rank + seen[0];
            if (score != expected) {
              wrong.compareAndSet(null, "visit from rank " + rank + ": score " + score + " for " + expected);
            }
            seen[0]++;
          });
          if (tree.rank(rank, bytes("m" + rank)) != rank) {
            wrong.compareAndSet(null, "rank of m" + rank);
          }
        }
      });
      reader.start();
      readers.add(reader);
    }
    for (Thread reader : readers) {
      reader.join(60_000);
    }
    assertThat(wrong.get()).isNull();
  }
}
