package io.shoal.server.command.zset;

import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.types.zset.LexRange;
import io.shoal.server.types.zset.ScoreRange;
import io.shoal.server.types.zset.ZSetValue;

/**
 * ZRANGE in its unified form and the older commands it subsumes, as one parser the way Redis's
 * zrangeGenericCommand does: the older commands fix the range type and direction, so naming them
 * again (ZRANGEBYSCORE ... REV) is a syntax error. Every range is first turned into an interval of
 * ranks in O(log n), LIMIT is applied to that interval arithmetically, and only the entries that
 * are returned are visited.
 */
final class ZRangeCommands {
  enum Type { AUTO, RANK, SCORE, LEX }

  private ZRangeCommands() {}

  static void zrange(CommandContext c) {
    range(c, 1, false, Type.AUTO, null);
  }

  static void zrangestore(CommandContext c) {
    range(c, 2, true, Type.AUTO, null);
  }

  static void zrevrange(CommandContext c) {
    range(c, 1, false, Type.RANK, true);
  }

  static void zrangebyscore(CommandContext c) {
    range(c, 1, false, Type.SCORE, false);
  }

  static void zrevrangebyscore(CommandContext c) {
    range(c, 1, false, Type.SCORE, true);
  }

  static void zrangebylex(CommandContext c) {
    range(c, 1, false, Type.LEX, false);
  }

  static void zrevrangebylex(CommandContext c) {
    range(c, 1, false, Type.LEX, true);
  }

  /** Clamps a ZRANGE-style rank pair (negative from the end) to {first, last}; last < first if empty. */
  static long[] rankRange(long start, long end, long length) {
    if (start < 0) {
      start += length;
    }
    if (end < 0) {
      end += length;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > end || start >= length) {
      return new long[] {0, -1};
    }
    return new long[] {start, Math.min(end, length - 1)};
  }

  private static void range(CommandContext c, int keyIndex, boolean store, Type fixedType, Boolean fixedReverse) {
    Type type = fixedType;
    Boolean reverse = fixedReverse;
    boolean withScores = false;
    long offset = 0;
    long limit = -1;
    boolean limited = false;
    for (int i = keyIndex + 3; i < c.argc(); i++) {
      int left = c.argc() - i - 1;
      if (!store && c.argIs(i, "WITHSCORES")) {
        withScores = true;
      } else if (c.argIs(i, "LIMIT") && left >= 2) {
        offset = c.argLong(i + 1);
        limit = c.argLong(i + 2);
        limited = true;
        i += 2;
      } else if (reverse == null && c.argIs(i, "REV")) {
        reverse = true;
      } else if (type == Type.AUTO && c.argIs(i, "BYLEX")) {
        type = Type.LEX;
      } else if (type == Type.AUTO && c.argIs(i, "BYSCORE")) {
        type = Type.SCORE;
      } else {
        throw ShoalError.syntax();
      }
    }
    boolean rev = reverse != null && reverse;
    if (type == Type.AUTO) {
      type = Type.RANK;
    }
    if (limited && type == Type.RANK) {
      throw ShoalError.err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
    if (withScores && type == Type.LEX) {
      throw ShoalError.err("syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    byte[] low = c.arg(keyIndex + (rev && type != Type.RANK ? 2 : 1));
    byte[] high = c.arg(keyIndex + (rev && type != Type.RANK ? 1 : 2));
    long start = 0;
    long end = 0;
    ScoreRange scores = null;
    LexRange lex = null;
    switch (type) {
      case SCORE -> {
        scores = ScoreRange.parse(low, high);
        if (scores == null) {
          throw ShoalError.err("min or max is not a float");
        }
      }
      case LEX -> {
        lex = LexRange.parse(low, high);
        if (lex == null) {
          throw ShoalError.err("min or max not valid string range item");
        }
      }
      default -> {
        start = c.argLong(keyIndex + 1);
        end = c.argLong(keyIndex + 2);
      }
    }
    ZSetValue set = ZSets.get(c, c.arg(keyIndex));
    long[] ranks;
    if (set == null) {
      ranks = new long[] {0, -1};
    } else if (type == Type.RANK) {
      ranks = rankRange(start, end, set.length());
      if (rev && ranks[1] >= ranks[0]) {
        ranks = new long[] {set.length() - 1 - ranks[1], set.length() - 1 - ranks[0]};
      }
    } else {
      ranks = limit(type == Type.SCORE ? scores.ranks(set) : lex.ranks(set), offset, limit, rev);
    }
    if (store) {
      store(c, set, ranks);
    } else {
      ZSets.replyRange(c.reply(), set, ranks[0], ranks[1], rev, withScores);
    }
  }

  /** Applies LIMIT offset count to a rank interval read forwards, or backwards when reversed. */
  private static long[] limit(long[] ranks, long offset, long count, boolean reverse) {
    long first = ranks[0];
    long last = ranks[1];
    if (last < first || offset < 0 || offset > last - first) {
      return new long[] {0, -1};
    }
    long available = last - first + 1 - offset;
    long taken = count < 0 ? available : Math.min(count, available);
    if (reverse) {
      long top = last - offset;
      return new long[] {top - taken + 1, top};
    }
    return new long[] {first + offset, first + offset + taken - 1};
  }

  private static void store(CommandContext c, ZSetValue source, long[] ranks) {
    byte[] destination = c.arg(1);
    long count = Math.max(0, ranks[1] - ranks[0] + 1);
    if (count == 0) {
      if (c.db().remove(destination)) {
        c.notify('g', "del", destination);
      }
      c.reply().integer(0);
      return;
    }
    ZSetValue result = ZSets.create(c);
    source.visit(ranks[0], ranks[1], false, (member, score) -> result.insert(member, score));
    c.db().set(destination, result);
    c.notify('z', "zrangestore", destination);
    c.reply().integer(count);
  }
}
