package io.shoal.server.command.zset;

import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.types.zset.ZSetValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ZRANDMEMBER key [count [WITHSCORES]], with Redis's count semantics: a positive count returns
 * distinct members (the whole set when it is at least the size), a negative count returns exactly
 * |count| members that may repeat. Picks are by rank, O(log n) each on a skip list.
 */
final class ZRandMember {
  private ZRandMember() {}

  static void zrandmember(CommandContext c) {
    if (c.argc() == 2) {
      ZSetValue set = ZSets.get(c, c.arg(1));
      if (set == null) {
        c.reply().nullBulk();
      } else {
        c.reply().bulk(set.memberAt(ThreadLocalRandom.current().nextLong(set.length())));
      }
      return;
    }
    long count = c.argLong(2);
    if (count == Long.MIN_VALUE) {
      throw ShoalError.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    }
    boolean withScores = false;
    if (c.argc() == 4) {
      if (!c.argIs(3, "WITHSCORES")) {
        throw ShoalError.syntax();
      }
      withScores = true;
      if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
        throw ShoalError.err("value is out of range");
      }
    } else if (c.argc() > 4) {
      throw ShoalError.syntax();
    }
    ZSetValue set = ZSets.get(c, c.arg(1));
    if (set == null || count == 0) {
      c.reply().emptyArray();
      return;
    }
    long length = set.length();
    boolean nested = c.reply().resp3();
    if (count >= length) {
      ZSets.replyRange(c.reply(), set, 0, length - 1, false, withScores);
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (count < 0) {
      // Streamed rather than collected: a large negative count costs output, not heap.
      long wanted = -count;
      if (wanted > Integer.MAX_VALUE / 2) {
        throw ShoalError.err("value is out of range");
      }
      boolean pairs = withScores && nested;
      c.reply().array((int) (withScores && !pairs ? wanted * 2 : wanted));
      for (long i = 0; i < wanted; i++) {
        long rank = random.nextLong(length);
        if (pairs) {
          c.reply().array(2);
        }
        c.reply().bulk(set.memberAt(rank));
        if (withScores) {
          c.reply().doubleValue(set.scoreAt(rank));
        }
      }
      return;
    }
    // Floyd's algorithm: count distinct ranks with one draw each (count < length here).
    Set<Long> ranks = new HashSet<>();
    for (long j = length - count; j < length; j++) {
      long rank = random.nextLong(j + 1);
      ranks.add(ranks.contains(rank) ? j : rank);
    }
    List<ZSets.Entry> picked = new ArrayList<>(ranks.size());
    for (long rank : ranks) {
      picked.add(new ZSets.Entry(set.memberAt(rank), set.scoreAt(rank)));
    }
    ZSets.replyEntries(c.reply(), picked, withScores, nested);
  }
}
