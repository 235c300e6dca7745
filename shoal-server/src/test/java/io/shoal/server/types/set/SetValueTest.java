package io.shoal.server.types.set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SetValueTest {
  private static byte[] b(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> members(SetValue set) {
    List<String> seen = new ArrayList<>();
    set.forEach(member -> seen.add(new String(member, StandardCharsets.UTF_8)));
    return seen;
  }

  @Test
  void canonicalIntegersStayAnIntsetSortedAscending() {
    SetValue set = new SetValue();
    for (String member : List.of("5", "-3", "100", "0", "-9223372036854775808", "9223372036854775807")) {
      assertThat(set.add(b(member), SetLimits.DEFAULT)).isTrue();
    }
    assertThat(set.add(b("5"), SetLimits.DEFAULT)).isFalse();
    assertThat(set.encoding()).isEqualTo("intset");
    assertThat(members(set)).containsExactly("-9223372036854775808", "-3", "0", "5", "100", "9223372036854775807");
    List<Long> integers = new ArrayList<>();
    set.forEachInteger(integers::add);
    assertThat(integers).hasSize(6).isSorted();
  }

  @Test
  void nonCanonicalIntegersAreNotIntsetMembers() {
    for (String member : List.of("012", "+1", " 1", "1.0", "9223372036854775808")) {
      SetValue set = new SetValue();
      set.add(b("1"), SetLimits.DEFAULT);
      set.add(b(member), SetLimits.DEFAULT);
      assertThat(set.encoding()).as(member).isEqualTo("listpack");
      assertThat(members(set)).as(member).containsExactly("1", member);
      assertThat(set.contains(b(member))).isTrue();
    }
    SetValue set = new SetValue();
    set.add(b("12"), SetLimits.DEFAULT);
    assertThat(set.contains(b("012"))).isFalse();
    assertThat(set.remove(b("012"))).isFalse();
  }

  @Test
  void intsetPastItsLimitBecomesHashtable() {
    SetValue set = new SetValue();
    for (int i = 0; i < 512; i++) {
      set.add(b(Integer.toString(i)), SetLimits.DEFAULT);
    }
    assertThat(set.encoding()).isEqualTo("intset");
    set.add(b("512"), SetLimits.DEFAULT);
    assertThat(set.encoding()).isEqualTo("hashtable");
    assertThat(set.size()).isEqualTo(513);
    assertThat(set.contains(b("17"))).isTrue();
  }

  @Test
  void largeIntsetGettingAStringSkipsListpack() {
    SetValue set = new SetValue();
    for (int i = 0; i < 200; i++) {
      set.add(b(Integer.toString(i)), SetLimits.DEFAULT);
    }
    set.add(b("abc"), SetLimits.DEFAULT);
    assertThat(set.encoding()).isEqualTo("hashtable");
    assertThat(set.size()).isEqualTo(201);
  }

  @Test
  void listpackPastEntriesOrValueLimitBecomesHashtable() {
    SetValue set = new SetValue();
    for (int i = 0; i < 128; i++) {
      set.add(b("m" + i), SetLimits.DEFAULT);
    }
    assertThat(set.encoding()).isEqualTo("listpack");
    set.add(b("m128"), SetLimits.DEFAULT);
    assertThat(set.encoding()).isEqualTo("hashtable");

    SetValue longMember = new SetValue();
    longMember.add(b("a"), SetLimits.DEFAULT);
    longMember.add(new byte[65], SetLimits.DEFAULT);
    assertThat(longMember.encoding()).isEqualTo("hashtable");
  }

  @Test
  void createPicksTheEncodingTheWholeAddWillNeed() {
    assertThat(SetValue.create(b("1"), 10, SetLimits.DEFAULT).encoding()).isEqualTo("intset");
    assertThat(SetValue.create(b("1"), 600, SetLimits.DEFAULT).encoding()).isEqualTo("hashtable");
    assertThat(SetValue.create(b("x"), 10, SetLimits.DEFAULT).encoding()).isEqualTo("listpack");
    assertThat(SetValue.create(b("x"), 200, SetLimits.DEFAULT).encoding()).isEqualTo("hashtable");
  }

  @Test
  void popRandomEmptiesTheSetInEveryEncoding() {
    for (int size : new int[] {10, 100, 1000}) {
      for (String prefix : new String[] {"", "m"}) {
        SetValue set = new SetValue();
        for (int i = 0; i < size; i++) {
          set.add(b(prefix + i), SetLimits.DEFAULT);
        }
        long emptyEstimateFloor = 0;
        List<String> popped = new ArrayList<>();
        Random random = new Random(5);
        byte[] member;
        while ((member = set.popRandom(random)) != null) {
          popped.add(new String(member, StandardCharsets.UTF_8));
        }
        assertThat(popped).doesNotHaveDuplicates().hasSize(size);
        assertThat(set.size()).isZero();
        assertThat(set.memoryBytes()).isGreaterThan(emptyEstimateFloor);
      }
    }
  }

  /**
   * SPOP with numbers drawn ahead (as the connection's prefetch draws them): each pop of a
   * hashtable takes one number, in order; the set empties without duplicates, and every member is
   * the first popped about as often as with fresh draws (the numbers are fresh draws, only earlier).
   */
  @Test
  void popRandomWithNumbersDrawnAheadUsesThemAndStaysFair() {
    SetValue set = new SetValue();
    for (int i = 0; i < 1000; i++) {
      set.add(b("m" + i), SetLimits.DEFAULT);
    }
    assertThat(set.encoding()).isEqualTo("hashtable");
    io.shoal.server.keyspace.RandomDraws draws = new io.shoal.server.keyspace.RandomDraws();
    for (int i = 0; i < 10; i++) {
      assertThat(set.prefetchPopHash(io.shoal.server.keyspace.PopPrefetch.RANDOM, i, draws)).isNotNull();
    }
    Random random = new Random(9);
    List<String> popped = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      popped.add(new String(set.popRandom(random, draws), StandardCharsets.UTF_8));
    }
    // All ten numbers were used: the next comes fresh, and a new batch starts empty.
    assertThat(set.prefetchPopHash(io.shoal.server.keyspace.PopPrefetch.LOW, 0, draws)).isZero();
    byte[] member;
    while ((member = set.popRandom(random, draws)) != null) {
      popped.add(new String(member, StandardCharsets.UTF_8));
    }
    assertThat(popped).doesNotHaveDuplicates().hasSize(1000);
    // A small encoding takes no number: none is drawn for it either.
    SetValue small = new SetValue();
    small.add(b("a"), SetLimits.DEFAULT);
    assertThat(small.prefetchPopHash(io.shoal.server.keyspace.PopPrefetch.RANDOM, 0, draws)).isZero();

    // Fairness: the first pop of a 64-member hashtable, 64,000 times with a number drawn ahead
    // and 64,000 times without, lands on each member at the same rate within the noise (the
    // rates themselves are not all 1/64: a bucket is drawn, then a node of its chain, as Redis's
    // dictGetFairRandomKey does without its sampling; the layout is the same every round).
    int[] ahead = new int[64];
    int[] fresh = new int[64];
    for (int round = 0; round < 64_000; round++) {
      SetValue sample = new SetValue();
      for (int i = 0; i < 64; i++) {
        sample.add(b("x" + i), new SetLimits(512, 0, 64));
      }
      draws.clear();
      sample.prefetchPopHash(io.shoal.server.keyspace.PopPrefetch.RANDOM, 0, draws);
      ahead[Integer.parseInt(new String(sample.popRandom(random, draws), StandardCharsets.UTF_8).substring(1))]++;
      fresh[Integer.parseInt(new String(sample.popRandom(random), StandardCharsets.UTF_8).substring(1))]++;
    }
    for (int i = 0; i < 64; i++) {
      // ~1000 each on average; the difference of two counts has a standard deviation under 50.
      assertThat(ahead[i]).as("member %d", i).isPositive().isCloseTo(fresh[i], org.assertj.core.data.Offset.offset(250));
    }
  }

  @Test
  void forEachIntegerRefusesOtherEncodings() {
    SetValue set = new SetValue();
    set.add(b("x"), SetLimits.DEFAULT);
    assertThatThrownBy(() -> set.forEachInteger(v -> { })).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void copyIsIndependent() {
    SetValue set = new SetValue();
    set.add(b("x"), SetLimits.DEFAULT);
    SetValue copy = set.copy();
    copy.add(b("y"), SetLimits.DEFAULT);
    assertThat(set.size()).isEqualTo(1);
    assertThat(copy.size()).isEqualTo(2);
    assertThat(copy.encoding()).isEqualTo("listpack");
  }

  /**
   * In each encoding a copy has the same members in the same order and encoding and memory
   * estimate, and adds and removals on either side afterwards never show on the other.
   */
  @Test
  void aCopyEqualsTheOriginalInEachEncodingAndWritesStayOnTheirSide() {
    for (String kind : List.of("intset", "listpack", "hashtable")) {
      SetValue set = new SetValue();
      java.util.Set<String> model = new java.util.HashSet<>();
      int count = kind.equals("hashtable") ? 5000 : 100;
      for (int i = 0; i < count; i++) {
        String member = kind.equals("intset") ? Integer.toString(i * 7 - 300) : "m" + i;
        set.add(b(member), SetLimits.DEFAULT);
        model.add(member);
      }
      assertThat(set.encoding()).isEqualTo(kind);
      SetValue copy = set.copy();
      assertThat(copy.encoding()).isEqualTo(kind);
      assertThat(members(copy)).isEqualTo(members(set));
      assertThat(copy.memoryBytes()).isEqualTo(set.memoryBytes());
      assertThat(copy.size()).isEqualTo(model.size());
      List<String> before = members(set);
      for (int i = 0; i < count; i += 2) {
        copy.remove(b(kind.equals("intset") ? Integer.toString(i * 7 - 300) : "m" + i));
      }
      copy.add(b("added"), SetLimits.DEFAULT);
      assertThat(members(set)).isEqualTo(before);
      List<String> copied = members(copy);
      assertThat(copied).contains("added").hasSize(count - (count + 1) / 2 + 1);
      set.add(b("other"), SetLimits.DEFAULT);
      for (int i = 1; i < count; i += 2) {
        set.remove(b(kind.equals("intset") ? Integer.toString(i * 7 - 300) : "m" + i));
      }
      assertThat(members(copy)).isEqualTo(copied);
      assertThat(members(set)).contains("other").doesNotContain("added").hasSize((count + 1) / 2 + 1);
    }
  }
}
