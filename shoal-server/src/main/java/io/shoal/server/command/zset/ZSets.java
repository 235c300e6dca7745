package io.shoal.server.command.zset;

import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.types.zset.ZSetValue;
import java.util.List;

/** What the sorted-set command classes share: lookup, creation and the reply shapes of entries. */
final class ZSets {
  static final String MAX_LISTPACK_ENTRIES = "zset-max-listpack-entries";
  static final String MAX_LISTPACK_VALUE = "zset-max-listpack-value";

  /** One (member, score) pair taken out of a set: popped, computed or about to be stored. */
  record Entry(byte[] member, double score) {}

  private ZSets() {}

  /** The sorted set at a key, null if absent, WRONGTYPE for another type. */
  static ZSetValue get(CommandContext c, byte[] key) {
    return c.db().get(key, ZSetValue.class);
  }

  /** An empty set that converts at the configured listpack limits. */
  static ZSetValue create(CommandContext c) {
    return new ZSetValue(c.server().settings().get(MAX_LISTPACK_ENTRIES).asLong(),
        c.server().settings().get(MAX_LISTPACK_VALUE).asLong());
  }

  /** An empty set for a ZADD of {@code sizeHint} members, the longest {@code longestMember} bytes. */
  static ZSetValue createForSize(CommandContext c, long sizeHint, long longestMember) {
    return ZSetValue.forSize(c.server().settings().get(MAX_LISTPACK_ENTRIES).asLong(),
        c.server().settings().get(MAX_LISTPACK_VALUE).asLong(), sizeHint, longestMember);
  }

  /** The set at a key, created (and stored) if absent. */
  static ZSetValue getOrCreate(CommandContext c, byte[] key) {
    ZSetValue set = get(c, key);
    if (set == null) {
      set = create(c);
      c.db().set(key, set);
    }
    return set;
  }

  /** Fires "del" when a command emptied a set, which the dispatcher then removes. */
  static void notifyIfEmptied(CommandContext c, ZSetValue set, byte[] key) {
    if (set.length() == 0) {
      c.notify('g', "del", key);
    }
  }

  /**
   * Writes ranks {@code start..end} (in bounds; empty when end < start) as ZRANGE does: members,
   * or with scores a flat member/score array in RESP2 and an array of pairs in RESP3.
   */
  static void replyRange(Reply reply, ZSetValue set, long start, long end, boolean reverse, boolean withScores) {
    int count = (int) Math.max(0, end - start + 1);
    boolean pairs = withScores && reply.resp3();
    reply.array(withScores && !pairs ? count * 2 : count);
    if (count == 0) {
      return;
    }
    set.visit(start, end, reverse, (member, score) -> {
      if (pairs) {
        reply.array(2);
      }
      reply.bulk(member);
      if (withScores) {
        reply.doubleValue(score);
      }
    });
  }

  /** Writes entries in the same shapes as {@link #replyRange}; {@code nested} forces pairs. */
  static void replyEntries(Reply reply, List<Entry> entries, boolean withScores, boolean nested) {
    boolean pairs = withScores && nested;
    reply.array(withScores && !pairs ? entries.size() * 2 : entries.size());
    for (Entry entry : entries) {
      if (pairs) {
        reply.array(2);
      }
      reply.bulk(entry.member());
      if (withScores) {
        reply.doubleValue(entry.score());
      }
    }
  }

  /**
   * Parses a count that must be >= 0; anything else, not a number included, gets Redis's "value
   * is out of range, must be positive".
   */
  static long positiveCount(CommandContext c, int index) {
    return atLeast(c, index, 0, "value is out of range, must be positive");
  }

  /** Parses numkeys or COUNT in [1, LONG_MAX]; anything else gets the given error text. */
  static long numKeys(CommandContext c, int index, String error) {
    return atLeast(c, index, 1, error);
  }

  /** Redis's getRangeLongFromObjectOrReply with a message: one error for every bad value. */
  static long atLeast(CommandContext c, int index, long minimum, String error) {
    if (!NumberFormat.isLong(c.arg(index))) {
      throw ShoalError.err(error);
    }
    long value = NumberFormat.parseLong(c.arg(index));
    if (value < minimum) {
      throw ShoalError.err(error);
    }
    return value;
  }
}
