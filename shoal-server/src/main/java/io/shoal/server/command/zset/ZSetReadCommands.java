package io.shoal.server.command.zset;

import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.types.zset.LexRange;
import io.shoal.server.types.zset.ScoreRange;
import io.shoal.server.types.zset.ZSetValue;
import io.shoal.server.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT and ZSCAN. */
final class ZSetReadCommands {
  private ZSetReadCommands() {}

  static void zcard(CommandContext c) {
    ZSetValue set = ZSets.get(c, c.arg(1));
    c.reply().integer(set == null ? 0 : set.length());
  }

  static void zscore(CommandContext c) {
    ZSetValue set = ZSets.get(c, c.arg(1));
    Double score = set == null ? null : set.score(c.arg(2));
    if (score == null) {
      c.reply().nullBulk();
    } else {
      c.reply().doubleValue(score);
    }
  }

  static void zmscore(CommandContext c) {
    ZSetValue set = ZSets.get(c, c.arg(1));
    c.reply().array(c.argc() - 2);
    for (int i = 2; i < c.argc(); i++) {
      Double score = set == null ? null : set.score(c.arg(i));
      if (score == null) {
        c.reply().nullBulk();
      } else {
        c.reply().doubleValue(score);
      }
    }
  }

  static void zrank(CommandContext c) {
    rank(c, false);
  }

  static void zrevrank(CommandContext c) {
    rank(c, true);
  }

  private static void rank(CommandContext c, boolean reverse) {
    if (c.argc() > 4) {
      throw ShoalError.syntax();
    }
    boolean withScore = false;
    if (c.argc() == 4) {
      if (!c.argIs(3, "WITHSCORE")) {
        throw ShoalError.syntax();
      }
      withScore = true;
    }
    ZSetValue set = ZSets.get(c, c.arg(1));
    long rank = set == null ? -1 : set.rank(c.arg(2));
    if (rank < 0) {
      if (withScore) {
        c.reply().nullArray();
      } else {
        c.reply().nullBulk();
      }
      return;
    }
    if (reverse) {
      rank = set.length() - 1 - rank;
    }
    if (withScore) {
      c.reply().array(2);
      c.reply().integer(rank);
      c.reply().doubleValue(set.score(c.arg(2)));
    } else {
      c.reply().integer(rank);
    }
  }

  static void zcount(CommandContext c) {
    ScoreRange range = ScoreRange.parse(c.arg(2), c.arg(3));
    if (range == null) {
      throw ShoalError.err("min or max is not a float");
    }
    ZSetValue set = ZSets.get(c, c.arg(1));
    c.reply().integer(set == null ? 0 : count(range.ranks(set)));
  }

  static void zlexcount(CommandContext c) {
    LexRange range = LexRange.parse(c.arg(2), c.arg(3));
    if (range == null) {
      throw ShoalError.err("min or max not valid string range item");
    }
    ZSetValue set = ZSets.get(c, c.arg(1));
    c.reply().integer(set == null ? 0 : count(range.ranks(set)));
  }

  private static long count(long[] ranks) {
    return Math.max(0, ranks[1] - ranks[0] + 1);
  }

  /**
   * ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack set is returned whole with cursor
   * 0, as Redis does. A skip-list set is scanned over its member hash table with Redis's
   * reverse-binary cursor, so every member present for the whole scan is returned; COUNT bounds
   * the members visited per call (before MATCH filters them), with at most 10 x COUNT buckets.
   */
  static void zscan(CommandContext c) {
    long cursor = parseCursor(c.arg(2));
    byte[] pattern = null;
    long count = 10;
    for (int i = 3; i < c.argc(); i++) {
      int left = c.argc() - i - 1;
      if (c.argIs(i, "COUNT") && left >= 1) {
        count = c.argLong(i + 1);
        if (count < 1) {
          throw ShoalError.syntax();
        }
        i++;
      } else if (c.argIs(i, "MATCH") && left >= 1) {
        pattern = c.arg(i + 1);
        i++;
      } else {
        throw ShoalError.syntax();
      }
    }
    ZSetValue set = ZSets.get(c, c.arg(1));
    List<ZSets.Entry> visited = new ArrayList<>();
    long next = 0;
    if (set != null) {
      if (set.encoding().equals("listpack")) {
        set.forEach((member, score) -> visited.add(new ZSets.Entry(member, score)));
      } else {
        long budget = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
        next = cursor;
        do {
          next = set.scanStep(next, (member, score) -> visited.add(new ZSets.Entry(member, score)));
        } while (next != 0 && --budget > 0 && visited.size() < count);
      }
    }
    List<ZSets.Entry> found = visited;
    if (pattern != null) {
      byte[] match = pattern;
      found = visited.stream().filter(entry -> Glob.matches(match, entry.member(), false)).toList();
    }
    Reply reply = c.reply();
    reply.array(2);
    reply.bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII));
    reply.array(found.size() * 2);
    for (ZSets.Entry entry : found) {
      reply.bulk(entry.member());
      reply.bulk(NumberFormat.formatDouble(entry.score()));
    }
  }

  /**
   * Parses a SCAN cursor as Redis's parseScanCursorOrReply does with strtoul: an unsigned 64-bit
   * number, where a leading '-' wraps around (so "-1" is the largest cursor).
   */
  private static long parseCursor(byte[] text) {
    String value = new String(text, StandardCharsets.US_ASCII);
    boolean negative = value.startsWith("-");
    String digits = negative || value.startsWith("+") ? value.substring(1) : value;
    if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw ShoalError.err("invalid cursor");
    }
    try {
      long cursor = Long.parseUnsignedLong(digits);
      return negative ? -cursor : cursor;
    } catch (NumberFormatException e) {
      throw ShoalError.err("invalid cursor");
    }
  }
}
