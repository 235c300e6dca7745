package io.shoal.server.types.zset;

import io.shoal.server.resp.NumberFormat;
import java.util.Arrays;

/**
 * A score interval as ZRANGEBYSCORE takes it: each end a float ("inf", "-inf" allowed), "(" in
 * front making it exclusive (Redis's zslParseRange).
 */
public record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
  /** Parses both ends, or returns null where Redis replies "min or max is not a float". */
  public static ScoreRange parse(byte[] min, byte[] max) {
    Double low = parseEnd(min);
    Double high = parseEnd(max);
    if (low == null || high == null) {
      return null;
    }
    return new ScoreRange(low, isExclusive(min), high, isExclusive(max));
  }

  private static boolean isExclusive(byte[] end) {
    return end.length > 0 && end[0] == '(';
  }

  private static Double parseEnd(byte[] end) {
    return NumberFormat.tryParseDouble(isExclusive(end) ? Arrays.copyOfRange(end, 1, end.length) : end);
  }

  /** True when no score can be in the range. */
  public boolean isEmpty() {
    return min > max || (min == max && (minExclusive || maxExclusive));
  }

  /** Prefix test: the score is below the range (counts the entries before it). */
  public boolean belowMin(double score) {
    return minExclusive ? score <= min : score < min;
  }

  /** Prefix test: the score is not above the range (counts the entries up to its end). */
  public boolean notAboveMax(double score) {
    return maxExclusive ? score < max : score <= max;
  }

  /** The ranks {first, last} of the entries of a set inside this range; last < first if none. */
  public long[] ranks(ZSetValue set) {
    if (isEmpty()) {
      return new long[] {0, -1};
    }
    long first = set.countWhile((score, member) -> belowMin(score));
    long last = set.countWhile((score, member) -> notAboveMax(score)) - 1;
    return new long[] {first, last};
  }
}
