package io.shoal.server.types.zset;

import java.util.Arrays;

/**
 * A member interval as ZRANGEBYLEX takes it: "[" inclusive or "(" exclusive before a member, or
 * "-" and "+" alone for the lowest and highest possible member (Redis's zslParseLexRange). Members
 * compare as unsigned bytes; the ranges only make sense when every score is the same.
 */
public record LexRange(Bound min, Bound max) {
  /** One end: a member, or negative/positive infinity. */
  public record Bound(int infinity, byte[] member, boolean exclusive) {
    int compareTo(Bound other) {
      if (infinity != 0 || other.infinity != 0) {
        return Integer.compare(infinity, other.infinity);
      }
      return Arrays.compareUnsigned(member, other.member);
    }
  }

  /** Parses both ends, or returns null where Redis replies "min or max not valid string range item". */
  public static LexRange parse(byte[] min, byte[] max) {
    Bound low = parseBound(min);
    Bound high = parseBound(max);
    return low == null || high == null ? null : new LexRange(low, high);
  }

  private static Bound parseBound(byte[] text) {
    if (text.length == 0) {
      return null;
    }
    switch (text[0]) {
      case '+':
        return text.length == 1 ? new Bound(1, null, true) : null;
      case '-':
        return text.length == 1 ? new Bound(-1, null, true) : null;
      case '(':
        return new Bound(0, Arrays.copyOfRange(text, 1, text.length), true);
      case '[':
        return new Bound(0, Arrays.copyOfRange(text, 1, text.length), false);
      default:
        return null;
    }
  }

  public boolean isEmpty() {
    int order = min.compareTo(max);
    return order > 0 || (order == 0 && (min.exclusive || max.exclusive));
  }

  /** Prefix test: the member is below the range. */
  public boolean belowMin(byte[] member) {
    if (min.infinity != 0) {
      return min.infinity > 0;
    }
    int order = Arrays.compareUnsigned(member, min.member);
    return min.exclusive ? order <= 0 : order < 0;
  }

  /** Prefix test: the member is not above the range. */
  public boolean notAboveMax(byte[] member) {
    if (max.infinity != 0) {
      return max.infinity > 0;
    }
    int order = Arrays.compareUnsigned(member, max.member);
    return max.exclusive ? order < 0 : order <= 0;
  }

  /** The ranks {first, last} of the entries of a set inside this range; last < first if none. */
  public long[] ranks(ZSetValue set) {
    if (isEmpty()) {
      return new long[] {0, -1};
    }
    long first = set.countWhile((score, member) -> belowMin(member));
    long last = set.countWhile((score, member) -> notAboveMax(member)) - 1;
    return new long[] {first, last};
  }
}
