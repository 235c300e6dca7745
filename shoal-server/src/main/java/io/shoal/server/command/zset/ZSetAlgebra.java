package io.shoal.server.command.zset;

import io.shoal.server.command.CommandContext;
import io.shoal.server.command.KeyFinder;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.types.zset.MemberKey;
import io.shoal.server.types.zset.ZSetValue;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE forms, as Redis's zunionInterDiffGenericCommand:
 * scores are multiplied by WEIGHTS and combined with AGGREGATE SUM, MIN or MAX, and a NaN from
 * either step (inf * 0, inf + -inf) becomes 0. Intersections walk the smallest input and look
 * members up in the others; the result is built as a sorted set so it comes out in rank order.
 */
final class ZSetAlgebra {
  enum Operation { UNION, INTER, DIFF }

  enum Aggregate { SUM, MIN, MAX }

  private ZSetAlgebra() {}

  static void zunion(CommandContext c) {
    run(c, 1, Operation.UNION, false, false);
  }

  static void zinter(CommandContext c) {
    run(c, 1, Operation.INTER, false, false);
  }

  static void zdiff(CommandContext c) {
    run(c, 1, Operation.DIFF, false, false);
  }

  static void zintercard(CommandContext c) {
    run(c, 1, Operation.INTER, false, true);
  }

  static void zunionstore(CommandContext c) {
    run(c, 2, Operation.UNION, true, false);
  }

  static void zinterstore(CommandContext c) {
    run(c, 2, Operation.INTER, true, false);
  }

  static void zdiffstore(CommandContext c) {
    run(c, 2, Operation.DIFF, true, false);
  }

  /** Key positions: the destination (when {@code store}) and the numkeys keys after numkeys. */
  static KeyFinder keys(int numKeysIndex, boolean store) {
    KeyFinder sources = ZPopCommands.multiPopKeys(numKeysIndex);
    return args -> {
      int[] found = sources.find(args);
      if (!store || args.length < 2) {
        return found;
      }
      int[] all = new int[found.length + 1];
      all[0] = 1;
      System.arraycopy(found, 0, all, 1, found.length);
      return all;
    };
  }

  /** A sorted set, or a plain set read as a sorted set whose scores are all 1 (Redis accepts both). */
  private static ZSetValue sourceOf(CommandContext c, byte[] key) {
    Object value = c.db().get(key);
    if (value instanceof io.shoal.server.types.set.SetValue set) {
      ZSetValue scored = new ZSetValue(0, 0);
      set.forEach(member -> scored.insert(member, 1));
      return scored;
    }
    return ZSets.get(c, key);
  }

  private static void run(CommandContext c, int numKeysIndex, Operation operation, boolean store, boolean cardinality) {
    long numKeys = c.argLong(numKeysIndex);
    if (numKeys < 1) {
      throw ShoalError.err("at least 1 input key is needed for '" + c.spec().fullName() + "' command");
    }
    if (numKeys > c.argc() - (numKeysIndex + 1)) {
      throw ShoalError.syntax();
    }
    int count = (int) numKeys;
    ZSetValue[] sources = new ZSetValue[count];
    for (int i = 0; i < count; i++) {
      sources[i] = sourceOf(c, c.arg(numKeysIndex + 1 + i));
    }
    double[] weights = new double[count];
    Arrays.fill(weights, 1);
    Aggregate aggregate = Aggregate.SUM;
    boolean withScores = false;
    long limit = 0;
    int j = numKeysIndex + 1 + count;
    while (j < c.argc()) {
      int remaining = c.argc() - j;
      boolean weighted = operation != Operation.DIFF && !cardinality;
      if (weighted && remaining >= count + 1 && c.argIs(j, "WEIGHTS")) {
        j++;
        for (int i = 0; i < count; i++, j++) {
          Double weight = io.shoal.server.resp.NumberFormat.tryParseDouble(c.arg(j));
          if (weight == null) {
            throw ShoalError.err("weight value is not a float");
          }
          weights[i] = weight;
        }
      } else if (weighted && remaining >= 2 && c.argIs(j, "AGGREGATE")) {
        if (c.argIs(j + 1, "SUM")) {
          aggregate = Aggregate.SUM;
        } else if (c.argIs(j + 1, "MIN")) {
          aggregate = Aggregate.MIN;
        } else if (c.argIs(j + 1, "MAX")) {
          aggregate = Aggregate.MAX;
        } else {
          throw ShoalError.syntax();
        }
        j += 2;
      } else if (!store && !cardinality && c.argIs(j, "WITHSCORES")) {
        withScores = true;
        j++;
      } else if (cardinality && remaining >= 2 && c.argIs(j, "LIMIT")) {
        limit = ZSets.atLeast(c, j + 1, 0, "LIMIT can't be negative");
        j += 2;
      } else {
        throw ShoalError.syntax();
      }
    }
    if (cardinality) {
      c.reply().integer(interCard(sources, limit));
      return;
    }
    // Like Redis, a result that is only replied is a skip list, so a -0 score prints as "-0";
    // a stored one takes the listpack encoding when it is small enough.
    ZSetValue result = store ? ZSets.create(c) : new ZSetValue(0, 0);
    switch (operation) {
      case UNION -> union(sources, weights, aggregate, result);
      case INTER -> inter(sources, weights, aggregate, result);
      default -> diff(sources, result);
    }
    if (!store) {
      ZSets.replyRange(c.reply(), result, 0, result.length() - 1, false, withScores);
      return;
    }
    byte[] destination = c.arg(1);
    if (result.length() == 0) {
      if (c.db().remove(destination)) {
        c.notify('g', "del", destination);
      }
    } else {
      c.db().set(destination, result);
      c.notify('z', operation == Operation.UNION ? "zunionstore"
          : operation == Operation.INTER ? "zinterstore" : "zdiffstore", destination);
    }
    c.reply().integer(result.length());
  }

  private static double weighted(double score, double weight) {
    double value = score * weight;
    return Double.isNaN(value) ? 0 : value;
  }

  private static double combine(double target, double value, Aggregate aggregate) {
    return switch (aggregate) {
      case SUM -> {
        double sum = target + value;
        yield Double.isNaN(sum) ? 0 : sum;
      }
      // Plain comparisons, not Math.min/max: Redis keeps the first of 0 and -0.
      case MIN -> value < target ? value : target;
      case MAX -> value > target ? value : target;
    };
  }

  private static void union(ZSetValue[] sources, double[] weights, Aggregate aggregate, ZSetValue result) {
    Map<MemberKey, double[]> scores = new LinkedHashMap<>();
    // Smallest input first, as Redis sorts its inputs; it decides which of 0 and -0 survives.
    Integer[] order = new Integer[sources.length];
    for (int k = 0; k < sources.length; k++) {
      order[k] = k;
    }
    Arrays.sort(order, Comparator.comparingLong(k -> sources[k] == null ? 0 : sources[k].length()));
    for (int i : order) {
      if (sources[i] == null) {
        continue;
      }
      double weight = weights[i];
      sources[i].forEach((member, score) -> {
        double value = weighted(score, weight);
        double[] target = scores.get(new MemberKey(member));
        if (target == null) {
          scores.put(new MemberKey(member), new double[] {value});
        } else {
          target[0] = combine(target[0], value, aggregate);
        }
      });
    }
    scores.forEach((member, score) -> result.insert(member.bytes(), score[0]));
  }

  /** Source indexes ordered by size, smallest first; null when some input is missing. */
  private static Integer[] bySize(ZSetValue[] sources) {
    Integer[] order = new Integer[sources.length];
    for (int i = 0; i < sources.length; i++) {
      if (sources[i] == null) {
        return null;
      }
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> sources[i].length()));
    return order;
  }

  private static void inter(ZSetValue[] sources, double[] weights, Aggregate aggregate, ZSetValue result) {
    Integer[] order = bySize(sources);
    if (order == null) {
      return;
    }
    ZSetValue smallest = sources[order[0]];
    smallest.forEach((member, score) -> {
      double value = weighted(score, weights[order[0]]);
      for (int k = 1; k < order.length; k++) {
        Double other = sources[order[k]].score(member);
        if (other == null) {
          return;
        }
        value = combine(value, weighted(other, weights[order[k]]), aggregate);
      }
      result.insert(member, value);
    });
  }

  private static long interCard(ZSetValue[] sources, long limit) {
    Integer[] order = bySize(sources);
    if (order == null) {
      return 0;
    }
    ZSetValue smallest = sources[order[0]];
    long found = 0;
    for (long rank = 0; rank < smallest.length(); rank++) {
      byte[] member = smallest.memberAt(rank);
      boolean everywhere = true;
      for (int k = 1; k < order.length && everywhere; k++) {
        everywhere = sources[order[k]].score(member) != null;
      }
      if (everywhere && ++found == limit) {
        break;
      }
    }
    return found;
  }

  private static void diff(ZSetValue[] sources, ZSetValue result) {
    if (sources[0] == null) {
      return;
    }
    sources[0].forEach((member, score) -> {
      for (int k = 1; k < sources.length; k++) {
        if (sources[k] != null && sources[k].score(member) != null) {
          return;
        }
      }
      result.insert(member, score);
    });
  }
}
