package io.shoal.server.types.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashValueTest {
  private static byte[] b(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void staysListpackUpToTheEntryLimitThenBecomesHashtable() {
    HashValue hash = new HashValue();
    for (int i = 0; i < 128; i++) {
      hash.put(b("f" + i), b("v"), HashLimits.DEFAULT);
    }
    assertThat(hash.encoding()).isEqualTo("listpack");
    hash.put(b("f128"), b("v"), HashLimits.DEFAULT);
    assertThat(hash.encoding()).isEqualTo("hashtable");
    assertThat(hash.size()).isEqualTo(129);
    assertThat(hash.get(b("f5"))).isEqualTo(b("v"));
  }

  @Test
  void aLongFieldOrValueConvertsAtOnce() {
    HashValue byValue = new HashValue();
    byValue.put(b("f"), new byte[64], HashLimits.DEFAULT);
    assertThat(byValue.encoding()).isEqualTo("listpack");
    byValue.put(b("g"), new byte[65], HashLimits.DEFAULT);
    assertThat(byValue.encoding()).isEqualTo("hashtable");
    HashValue byField = new HashValue();
    byField.put(new byte[65], b("v"), HashLimits.DEFAULT);
    assertThat(byField.encoding()).isEqualTo("hashtable");
  }

  @Test
  void neverConvertsBackAfterShrinking() {
    HashValue hash = new HashValue();
    HashLimits small = new HashLimits(2, 64);
    hash.put(b("a"), b("1"), small);
    hash.put(b("b"), b("2"), small);
    hash.put(b("c"), b("3"), small);
    assertThat(hash.encoding()).isEqualTo("hashtable");
    hash.remove(b("a"));
    hash.remove(b("b"));
    assertThat(hash.encoding()).isEqualTo("hashtable");
    assertThat(hash.size()).isEqualTo(1);
  }

  @Test
  void listpackKeepsInsertionOrderAcrossRemovals() {
    HashValue hash = new HashValue();
    for (String field : List.of("x", "y", "z", "w")) {
      hash.put(b(field), b(field + "!"), HashLimits.DEFAULT);
    }
    hash.remove(b("y"));
    List<String> seen = new ArrayList<>();
    hash.forEach((field, value) -> seen.add(new String(field, StandardCharsets.UTF_8) + "=" + new String(value, StandardCharsets.UTF_8)));
    assertThat(seen).containsExactly("x=x!", "z=z!", "w=w!");
  }

  @Test
  void memoryEstimateFollowsChangesInBothEncodings() {
    HashValue hash = new HashValue();
    long empty = hash.memoryBytes();
    hash.put(b("field"), new byte[40], HashLimits.DEFAULT);
    long one = hash.memoryBytes();
    assertThat(one).isGreaterThan(empty + 40);
    hash.put(b("field"), new byte[8], HashLimits.DEFAULT);
    assertThat(hash.memoryBytes()).isLessThan(one);
    hash.remove(b("field"));
    assertThat(hash.memoryBytes()).isEqualTo(empty);
    for (int i = 0; i < 300; i++) {
      hash.put(b("f" + i), b("value" + i), HashLimits.DEFAULT);
    }
    long big = hash.memoryBytes();
    assertThat(big).isGreaterThan(300 * 50);
    hash.remove(b("f1"));
    assertThat(hash.memoryBytes()).isLessThan(big);
  }

  @Test
  void copyIsDeepAndIndependent() {
    HashValue hash = new HashValue();
    hash.put(b("a"), b("1"), HashLimits.DEFAULT);
    HashValue copy = hash.copy();
    copy.put(b("a"), b("2"), HashLimits.DEFAULT);
    assertThat(hash.get(b("a"))).isEqualTo(b("1"));
    assertThat(copy.memoryBytes()).isEqualTo(hash.memoryBytes());
  }

  private static java.util.List<String> pairs(HashValue hash) {
    java.util.List<String> seen = new java.util.ArrayList<>();
    hash.forEach((field, value) -> seen.add(new String(field) + "=" + new String(value)));
    return seen;
  }

  /**
   * In each encoding a copy has the same fields and values in the same order and encoding and
   * memory estimate, and new values, new fields and removals on either side never show on the other.
   */
  @Test
  void aCopyEqualsTheOriginalInEachEncodingAndWritesStayOnTheirSide() {
    for (int count : new int[] {50, 5000}) {
      HashValue hash = new HashValue();
      for (int i = 0; i < count; i++) {
        hash.put(b("f" + i), b("v" + i), HashLimits.DEFAULT);
      }
      assertThat(hash.encoding()).isEqualTo(count == 50 ? "listpack" : "hashtable");
      HashValue copy = hash.copy();
      assertThat(copy.encoding()).isEqualTo(hash.encoding());
      assertThat(pairs(copy)).isEqualTo(pairs(hash));
      assertThat(copy.memoryBytes()).isEqualTo(hash.memoryBytes());
      java.util.List<String> before = pairs(hash);
      for (int i = 0; i < count; i += 3) {
        copy.put(b("f" + i), b("changed"), HashLimits.DEFAULT);
        copy.remove(b("f" + (i + 1)));
      }
      copy.put(b("new"), b("field"), HashLimits.DEFAULT);
      assertThat(pairs(hash)).isEqualTo(before);
      assertThat(copy.get(b("f0"))).isEqualTo(b("changed"));
      java.util.List<String> copied = pairs(copy);
      hash.put(b("f0"), b("mine"), HashLimits.DEFAULT);
      hash.remove(b("f2"));
      assertThat(pairs(copy)).isEqualTo(copied);
      assertThat(hash.get(b("f0"))).isEqualTo(b("mine"));
      assertThat(hash.get(b("f1"))).isEqualTo(b("v1"));
      assertThat(copy.get(b("f2"))).isEqualTo(b("v2"));
    }
  }
}
