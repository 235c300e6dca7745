package io.shoal.server.types.zset;

/**
 * A test on entries that holds for a prefix of the (score, member) order and fails for the rest,
 * such as "score below the range minimum". Counting how many entries pass gives a rank in
 * O(log n) on the skip list.
 */
@FunctionalInterface
public interface ElementTest {
  boolean test(double score, byte[] member);
}
