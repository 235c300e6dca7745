package io.shoal.server.command.zset;

import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.types.zset.LexRange;
import io.shoal.server.types.zset.ScoreRange;
import io.shoal.server.types.zset.ZSetValue;

/** ZADD, ZINCRBY, ZREM and ZREMRANGEBYRANK/BYSCORE/BYLEX, following t_zset.c. */
final class ZSetWriteCommands {
  private ZSetWriteCommands() {}

  static void zadd(CommandContext c) {
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    boolean ch = false;
    boolean incr = false;
    int index = 2;
    for (; index < c.argc(); index++) {
      if (c.argIs(index, "NX")) {
        nx = true;
      } else if (c.argIs(index, "XX")) {
        xx = true;
      } else if (c.argIs(index, "GT")) {
        gt = true;
      } else if (c.argIs(index, "LT")) {
        lt = true;
      } else if (c.argIs(index, "CH")) {
        ch = true;
      } else if (c.argIs(index, "INCR")) {
        incr = true;
      } else {
        break;
      }
    }
    int elements = c.argc() - index;
    if (elements == 0 || elements % 2 != 0) {
      throw ShoalError.syntax();
    }
    if (nx && xx) {
      throw ShoalError.err("XX and NX options at the same time are not compatible");
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
      throw ShoalError.err("GT, LT, and/or NX options at the same time are not compatible");
    }
    if (incr && elements > 2) {
      throw ShoalError.err("INCR option supports a single increment-element pair");
    }
    double[] scores = new double[elements / 2];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = c.argDouble(index + 2 * i);
    }
    byte[] key = c.arg(1);
    ZSetValue set = ZSets.get(c, key);
    if (set == null) {
      if (xx) {
        if (incr) {
          c.reply().nullBulk();
        } else {
          c.reply().integer(0);
        }
        return;
      }
      long longest = 0;
      for (int i = index + 1; i < c.argc(); i += 2) {
        longest = Math.max(longest, c.arg(i).length);
      }
      set = ZSets.createForSize(c, scores.length, longest);
      c.db().set(key, set);
    }
    int options = flags(nx, xx, gt, lt, incr);
    int added = 0;
    int updated = 0;
    boolean processed = false;
    double[] last = new double[1];
    for (int i = 0; i < scores.length; i++) {
      int outcome = add(set, c.arg(index + 2 * i + 1), scores[i], options, last);
      if (outcome == NOP) {
        continue;
      }
      processed = true;
      if (outcome == ADDED) {
        added++;
      } else if (outcome == UPDATED) {
        updated++;
      }
    }
    if (added + updated > 0) {
      c.notify('z', incr ? "zincr" : "zadd", key);
    }
    if (incr) {
      if (processed) {
        c.reply().doubleValue(last[0]);
      } else {
        c.reply().nullBulk();
      }
    } else {
      c.reply().integer(ch ? added + updated : added);
    }
  }

  static void zincrby(CommandContext c) {
    double increment = c.argDouble(2);
    byte[] key = c.arg(1);
    ZSetValue set = ZSets.getOrCreate(c, key);
    double[] score = new double[1];
    add(set, c.arg(3), increment, ZSetValue.FLAG_INCR, score);
    c.notify('z', "zincr", key);
    c.reply().doubleValue(score[0]);
  }

  private static int flags(boolean nx, boolean xx, boolean gt, boolean lt, boolean incr) {
    return (nx ? ZSetValue.FLAG_NX : 0) | (xx ? ZSetValue.FLAG_XX : 0) | (gt ? ZSetValue.FLAG_GT : 0)
        | (lt ? ZSetValue.FLAG_LT : 0) | (incr ? ZSetValue.FLAG_INCR : 0);
  }

  private static final int NOP = ZSetValue.NOP;
  private static final int ADDED = ZSetValue.ADDED;
  private static final int UPDATED = ZSetValue.UPDATED;

  /** Redis's zsetAdd (see {@link ZSetValue#add}); leaves the score in newScore[0]. */
  private static int add(ZSetValue set, byte[] member, double score, int flags, double[] newScore) {
    int outcome = set.add(member, score, flags, newScore);
    if (outcome == ZSetValue.NAN) {
      throw ShoalError.err("resulting score is not a number (NaN)");
    }
    return outcome;
  }

  static void zrem(CommandContext c) {
    byte[] key = c.arg(1);
    ZSetValue set = ZSets.get(c, key);
    if (set == null) {
      c.propagateNothing();
      c.reply().integer(0);
      return;
    }
    int removed = 0;
    for (int i = 2; i < c.argc(); i++) {
      if (set.remove(c.arg(i))) {
        removed++;
      }
    }
    if (removed > 0) {
      c.notify('z', "zrem", key);
      ZSets.notifyIfEmptied(c, set, key);
    } else {
      c.propagateNothing();
    }
    c.reply().integer(removed);
  }

  static void zremrangebyrank(CommandContext c) {
    long start = c.argLong(2);
    long end = c.argLong(3);
    ZSetValue set = ZSets.get(c, c.arg(1));
    if (set == null) {
      c.reply().integer(0);
      return;
    }
    long[] ranks = ZRangeCommands.rankRange(start, end, set.length());
    removeRanks(c, set, ranks, "zremrangebyrank");
  }

  static void zremrangebyscore(CommandContext c) {
    ScoreRange range = ScoreRange.parse(c.arg(2), c.arg(3));
    if (range == null) {
      throw ShoalError.err("min or max is not a float");
    }
    ZSetValue set = ZSets.get(c, c.arg(1));
    if (set == null) {
      c.reply().integer(0);
      return;
    }
    removeRanks(c, set, range.ranks(set), "zremrangebyscore");
  }

  static void zremrangebylex(CommandContext c) {
    LexRange range = LexRange.parse(c.arg(2), c.arg(3));
    if (range == null) {
      throw ShoalError.err("min or max not valid string range item");
    }
    ZSetValue set = ZSets.get(c, c.arg(1));
    if (set == null) {
      c.reply().integer(0);
      return;
    }
    removeRanks(c, set, range.ranks(set), "zremrangebylex");
  }

  private static void removeRanks(CommandContext c, ZSetValue set, long[] ranks, String event) {
    long removed = Math.max(0, ranks[1] - ranks[0] + 1);
    if (removed > 0) {
      set.removeRange(ranks[0], ranks[1], (member, score) -> { });
      c.notify('z', event, c.arg(1));
      ZSets.notifyIfEmptied(c, set, c.arg(1));
    }
    c.reply().integer(removed);
  }
}
