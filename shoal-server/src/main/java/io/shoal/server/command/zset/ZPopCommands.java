package io.shoal.server.command.zset;

import io.shoal.server.command.CommandContext;
import io.shoal.server.command.KeyFinder;
import io.shoal.server.propagation.ReplayCommands;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.types.zset.ZSetValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * ZPOPMIN, ZPOPMAX and ZMPOP. The pop itself is {@link #popAndReply}, public so that the blocking
 * forms (BZPOPMIN, BZPOPMAX, BZMPOP) can call it when a key they wait on is written.
 */
public final class ZPopCommands {
  /** The reply shapes Redis uses for the pop family. */
  public enum Shape {
    /** ZPOPMIN key: a flat [member, score]. */
    SINGLE,
    /** ZPOPMIN key count: flat in RESP2, an array of [member, score] pairs in RESP3. */
    COUNTED,
    /** ZMPOP and BZMPOP: [key, [[member, score], ...]]. */
    WITH_KEY,
    /** BZPOPMIN and BZPOPMAX: a flat [key, member, score]. */
    KEY_MEMBER_SCORE
  }

  private ZPopCommands() {}

  static void zpopmin(CommandContext c) {
    zpop(c, false);
  }

  static void zpopmax(CommandContext c) {
    zpop(c, true);
  }

  private static void zpop(CommandContext c, boolean max) {
    if (c.argc() > 3) {
      throw ShoalError.syntax();
    }
    long count = c.argc() == 3 ? ZSets.positiveCount(c, 2) : 1;
    ZSetValue set = ZSets.get(c, c.arg(1));
    if (set == null || count == 0) {
      c.reply().emptyArray();
      return;
    }
    popAndReply(c, c.arg(1), set, max, count, c.argc() == 3 ? Shape.COUNTED : Shape.SINGLE);
  }

  /** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]. */
  static void zmpop(CommandContext c) {
    MultiPop request = MultiPop.parse(c, 1);
    for (int i = 0; i < request.keyCount(); i++) {
      byte[] key = c.arg(2 + i);
      if (ZSets.get(c, key) != null) {
        popAndReply(c, key, request.max(), request.count(), Shape.WITH_KEY);
        return;
      }
    }
    c.propagateNothing();
    c.reply().nullArray();
  }

  /** A parsed [numkeys key ... MIN|MAX [COUNT count]] tail, shared with BZMPOP. */
  public record MultiPop(int keyCount, boolean max, long count) {
    /** Parses from {@code numKeysIndex}; keys follow it. */
    public static MultiPop parse(CommandContext c, int numKeysIndex) {
      long numKeys = ZSets.numKeys(c, numKeysIndex, "numkeys should be greater than 0");
      long whereIndex = numKeysIndex + numKeys + 1;
      if (whereIndex >= c.argc()) {
        throw ShoalError.syntax();
      }
      boolean max;
      if (c.argIs((int) whereIndex, "MIN")) {
        max = false;
      } else if (c.argIs((int) whereIndex, "MAX")) {
        max = true;
      } else {
        throw ShoalError.syntax();
      }
      long count = -1;
      for (int i = (int) whereIndex + 1; i < c.argc(); i++) {
        if (count == -1 && c.argIs(i, "COUNT") && i + 1 < c.argc()) {
          count = ZSets.numKeys(c, i + 1, "count should be greater than 0");
          i++;
        } else {
          throw ShoalError.syntax();
        }
      }
      return new MultiPop((int) numKeys, max, count == -1 ? 1 : count);
    }
  }

  /** Key positions of ZMPOP-style commands: numkeys at {@code numKeysIndex}, keys after it. */
  public static KeyFinder multiPopKeys(int numKeysIndex) {
    return args -> {
      if (args.length <= numKeysIndex || !NumberFormat.isLong(args[numKeysIndex])) {
        return new int[0];
      }
      long numKeys = NumberFormat.parseLong(args[numKeysIndex]);
      int available = args.length - numKeysIndex - 1;
      int n = (int) Math.max(0, Math.min(numKeys, available));
      int[] positions = new int[n];
      for (int i = 0; i < n; i++) {
        positions[i] = numKeysIndex + 1 + i;
      }
      return positions;
    };
  }

  /**
   * Pops up to {@code count} entries from the low (or high, when {@code max}) end of the set at
   * {@code key} and writes the reply in the given shape. Returns false, writing nothing, when the
   * key holds no sorted set: a blocking wrapper then keeps waiting. Throws WRONGTYPE for another
   * type. Fires the zpopmin/zpopmax notification and "del" when the set empties. The SINGLE and
   * KEY_MEMBER_SCORE shapes pop one entry whatever {@code count} says.
   */
  public static boolean popAndReply(CommandContext c, byte[] key, boolean max, long count, Shape shape) {
    return popAndReply(c, key, ZSets.get(c, key), max, count, shape);
  }

  /** As above for the set the caller has already looked up at {@code key} (null if none). */
  private static boolean popAndReply(CommandContext c, byte[] key, ZSetValue set, boolean max, long count, Shape shape) {
    if (set == null || set.length() == 0) {
      return false;
    }
    long length = set.length();
    // The single-entry shapes cannot show more than one entry, so they never pop more.
    boolean single = shape == Shape.SINGLE || shape == Shape.KEY_MEMBER_SCORE;
    long taken = Math.min(single ? 1 : count, length);
    List<ZSets.Entry> popped = new ArrayList<>((int) Math.min(taken, 1024));
    long start = max ? length - taken : 0;
    // One pass: the removal visits in ascending order, so ZPOPMAX's highest-first reply reverses it.
    set.removeRange(start, start + taken - 1, (member, score) -> popped.add(new ZSets.Entry(member, score)));
    if (max && taken > 1) {
      Collections.reverse(popped);
    }
    c.notify('z', max ? "zpopmax" : "zpopmin", key);
    ZSets.notifyIfEmptied(c, set, key);
    if (shape == Shape.WITH_KEY || shape == Shape.KEY_MEMBER_SCORE) {
      // ZMPOP and the blocking pops chose their key from the data: the plain pop propagates.
      byte[] name = max ? ReplayCommands.ZPOPMAX : ReplayCommands.ZPOPMIN;
      c.propagateAs(taken == 1 ? new byte[][] {name, key} : new byte[][] {name, key, ReplayCommands.number(taken)});
    }
    Reply reply = c.reply();
    switch (shape) {
      case SINGLE -> ZSets.replyEntries(reply, popped, true, false);
      case COUNTED -> ZSets.replyEntries(reply, popped, true, reply.resp3());
      case WITH_KEY -> {
        reply.array(2);
        reply.bulk(key);
        ZSets.replyEntries(reply, popped, true, true);
      }
      case KEY_MEMBER_SCORE -> {
        reply.array(3);
        reply.bulk(key);
        reply.bulk(popped.get(0).member());
        reply.doubleValue(popped.get(0).score());
      }
      default -> throw new IllegalStateException();
    }
    return true;
  }
}
