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
}
