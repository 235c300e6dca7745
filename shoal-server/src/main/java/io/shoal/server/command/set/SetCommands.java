package io.shoal.server.command.set;

import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.hash.RandomCount;
import io.shoal.server.propagation.ReplayCommands;
import io.shoal.server.command.hash.ScanRequest;
import io.shoal.server.config.Setting;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import io.shoal.server.types.Bytes;
import io.shoal.server.types.set.SetLimits;
import io.shoal.server.types.set.SetValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Set;

/**
 * Sets: SADD and the rest of Redis's t_set.c, with its reply types, error texts and keyspace
 * events. Values live in {@link SetValue}; its encoding limits come from
 * {@code set-max-intset-entries}, {@code set-max-listpack-entries} and
 * {@code set-max-listpack-value}, read at each write as Redis does.
 */
public final class SetCommands implements ServerModule {
  private volatile SetLimits limits = SetLimits.DEFAULT;

  @Override
  public void install(ShoalServer server) {
    Setting intsetEntries = server.settings().defineInteger("set-max-intset-entries", "512", 0, Long.MAX_VALUE);
    Setting listpackEntries = server.settings().defineInteger("set-max-listpack-entries", "128", 0, Long.MAX_VALUE);
    Setting listpackValue = server.settings().defineInteger("set-max-listpack-value", "64", 0, Long.MAX_VALUE);
    Runnable update = () -> limits = new SetLimits(intsetEntries.asLong(), listpackEntries.asLong(), listpackValue.asLong());
    update.run();
    intsetEntries.onChange(s -> update.run());
    listpackEntries.onChange(s -> update.run());
    listpackValue.onChange(s -> update.run());

    register(server, "sadd", -3, 1, 1, true, "Adds one or more members to a set. Creates the key if it doesn't exist.", "1.0.0", this::sadd);
    register(server, "srem", -3, 1, 1, true, "Removes one or more members from a set. Deletes the set if the last member was removed.", "1.0.0", SetCommands::srem);
    register(server, "spop", -2, 1, 1, true, "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", "1.0.0", this::spop);
    register(server, "smove", 4, 1, 2, true, "Moves a member from one set to another.", "1.0.0", this::smove);
    register(server, "sinterstore", -3, 1, -1, true, "Stores the intersect of multiple sets in a key.", "1.0.0", c -> combine(c, Operation.INTER, true));
    register(server, "sunionstore", -3, 1, -1, true, "Stores the union of multiple sets in a key.", "1.0.0", c -> combine(c, Operation.UNION, true));
    register(server, "sdiffstore", -3, 1, -1, true, "Stores the difference of multiple sets in a key.", "1.0.0", c -> combine(c, Operation.DIFF, true));
    register(server, "smembers", 2, 1, 1, false, "Returns all members of a set.", "1.0.0", SetCommands::smembers);
    register(server, "sismember", 3, 1, 1, false, "Determines whether a member belongs to a set.", "1.0.0", SetCommands::sismember);
    register(server, "smismember", -3, 1, 1, false, "Determines whether multiple members belong to a set.", "6.2.0", SetCommands::smismember);
    register(server, "scard", 2, 1, 1, false, "Returns the number of members in a set.", "1.0.0", SetCommands::scard);
    register(server, "srandmember", -2, 1, 1, false, "Get one or multiple random members from a set", "1.0.0", this::srandmember);
    register(server, "sinter", -2, 1, -1, false, "Returns the intersect of multiple sets.", "1.0.0", c -> combine(c, Operation.INTER, false));
    register(server, "sunion", -2, 1, -1, false, "Returns the union of multiple sets.", "1.0.0", c -> combine(c, Operation.UNION, false));
    register(server, "sdiff", -2, 1, -1, false, "Returns the difference of multiple sets.", "1.0.0", c -> combine(c, Operation.DIFF, false));
    register(server, "sscan", -3, 1, 1, false, "Iterates over members of a set.", "2.8.0", SetCommands::sscan);
    server.register(CommandSpec.builder("sintercard", -3).flags(READONLY).keys(SetCommands::sintercardKeys)
        .acl("@read", "@set", "@slow").group("set")
        .doc("Returns the number of members of the intersect of multiple sets.", "7.0.0",
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
        .handler(SetCommands::sintercard).build());
  }

  private static final java.util.Set<String> FAST_COMMANDS =
      java.util.Set.of("sadd", "srem", "spop", "smove", "sismember", "smismember", "scard");

  /** Where the commands that look up one member of the first key's set name it (SMOVE's is in its source). */
  private static final java.util.Map<String, Integer> MEMBER_ARGS =
      java.util.Map.of("sadd", 2, "srem", 2, "sismember", 2, "smismember", 2, "smove", 3);

  private static void register(ShoalServer server, String name, int arity, int firstKey, int lastKey, boolean write,
      String summary, String since, CommandHandler handler) {
    boolean fast = FAST_COMMANDS.contains(name);
    List<CommandFlag> flags = new ArrayList<>();
    flags.add(write ? WRITE : READONLY);
    // As Redis's command table: commands that only remove or move members never refuse under OOM.
    if (write && !name.equals("srem") && !name.equals("spop") && !name.equals("smove")) {
      flags.add(DENYOOM);
    }
    if (fast) {
      flags.add(FAST);
    }
    CommandSpec.Builder builder = CommandSpec.builder(name, arity).flags(flags.toArray(new CommandFlag[0]))
        .keys(firstKey, lastKey, 1).acl(write ? "@write" : "@read", "@set", fast ? "@fast" : "@slow").group("set")
        .doc(summary, since).handler(handler);
    int member = MEMBER_ARGS.getOrDefault(name, 0);
    if (member > 0) {
      builder.member(member);
    }
    if (name.equals("spop")) {
      builder.pops(CommandSpec.POPS_RANDOM); // the prefetch loads the bucket each SPOP starts from
    }
    server.register(builder.build());
  }

  /** SINTERCARD numkeys key [key ...] [LIMIT limit]: the keys are the numkeys arguments after numkeys. */
  static int[] sintercardKeys(byte[][] args) {
    if (args.length < 3 || !NumberFormat.isLong(args[1])) {
      return new int[0];
    }
    long numkeys = NumberFormat.parseLong(args[1]);
    if (numkeys <= 0 || numkeys > args.length - 2) {
      return new int[0];
    }
    int[] positions = new int[(int) numkeys];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = 2 + i;
    }
    return positions;
  }

  private static SetValue set(CommandContext c, int index) {
    return c.db().get(c.arg(index), SetValue.class);
  }

  private void sadd(CommandContext c) {
    SetValue set = set(c, 1);
    if (set == null) {
      set = SetValue.create(c.arg(2), c.argc() - 2, limits);
      c.db().set(c.arg(1), set);
    } else {
      set.maybeConvert(c.argc() - 2, limits);
    }
    SetLimits current = limits;
    int added = 0;
    for (int i = 2; i < c.argc(); i++) {
      if (set.add(c.arg(i), current)) {
        added++;
      }
    }
    if (added > 0) {
      c.notify('s', "sadd", c.arg(1));
    } else {
      c.propagateNothing();
    }
    c.reply().integer(added);
  }

  /** Removes the key of a set that became empty and fires "del", as Redis's t_set.c does. */
  private static void deleteIfEmpty(CommandContext c, byte[] key, SetValue set) {
    if (set.size() == 0) {
      c.db().remove(key);
      c.notify('g', "del", key);
    }
  }

  private static void srem(CommandContext c) {
    SetValue set = set(c, 1);
    if (set == null) {
      c.propagateNothing();
      c.reply().integer(0);
      return;
    }
    int removed = 0;
    for (int i = 2; i < c.argc(); i++) {
      if (set.remove(c.arg(i))) {
        removed++;
        if (set.size() == 0) {
          break;
        }
      }
    }
    if (removed > 0) {
      c.notify('s', "srem", c.arg(1));
      deleteIfEmpty(c, c.arg(1), set);
    } else {
      c.propagateNothing();
    }
    c.reply().integer(removed);
  }

  private void spop(CommandContext c) {
    if (c.argc() > 3) {
      throw ShoalError.syntax();
    }
    if (c.argc() == 2) {
      SetValue set = set(c, 1);
      if (set == null) {
        c.propagateNothing();
        c.reply().nullBulk();
        return;
      }
      byte[] member = set.popRandom(ThreadLocalRandom.current(), c.randomDraws());
      c.notify('s', "spop", c.arg(1));
      deleteIfEmpty(c, c.arg(1), set);
      // The member was drawn at random: replaying SPOP would draw another.
      c.propagateAs(ReplayCommands.SREM, c.arg(1), member);
      c.reply().bulk(member);
      return;
    }
    long count = NumberFormat.parseLong(c.arg(2), "ERR value is out of range, must be positive");
    if (count < 0) {
      throw ShoalError.err("value is out of range, must be positive");
    }
    SetValue set = set(c, 1);
    if (set == null || count == 0) {
      c.propagateNothing();
      c.reply().set(0);
      return;
    }
    int n = (int) Math.min(count, set.size());
    c.reply().set(n);
    if (n == set.size()) {
      // Everything goes, as in Redis's spopWithCountCommand: the set is simply deleted.
      c.propagateAs(ReplayCommands.DEL, c.arg(1));
    }
    byte[][] srem = n == set.size() ? null : new byte[2 + n][];
    for (int i = 0; i < n; i++) {
      byte[] member = set.popRandom(ThreadLocalRandom.current());
      if (srem != null) {
        srem[2 + i] = member;
      }
      c.reply().bulk(member);
    }
    if (srem != null) {
      srem[0] = ReplayCommands.SREM;
      srem[1] = c.arg(1);
      c.propagateAs(srem);
    }
    c.notify('s', "spop", c.arg(1));
    deleteIfEmpty(c, c.arg(1), set);
  }

  private void srandmember(CommandContext c) {
    if (c.argc() > 3) {
      throw ShoalError.syntax();
    }
    if (c.argc() == 2) {
      SetValue set = set(c, 1);
      c.reply().bulk(set == null ? null : set.randomMember(ThreadLocalRandom.current()));
      return;
    }
    long count = RandomCount.parse(c, 2, false);
    SetValue set = set(c, 1);
    Reply reply = c.reply();
    if (set == null || count == 0) {
      reply.emptyArray();
      return;
    }
    if (count < 0) {
      if (count < -Integer.MAX_VALUE) {
        throw ShoalError.err("value is out of range");
      }
      int n = (int) -count;
      reply.array(n);
      for (int i = 0; i < n; i++) {
        reply.bulk(set.randomMember(ThreadLocalRandom.current()));
      }
      return;
    }
    if (count >= set.size()) {
      reply.array(set.size());
      set.forEach(reply::bulk);
      return;
    }
    List<byte[]> picked = new ArrayList<>();
    if (count * 3 > set.size()) {
      set.forEach(picked::add);
      while (picked.size() > count) {
        int index = ThreadLocalRandom.current().nextInt(picked.size());
        picked.set(index, picked.get(picked.size() - 1));
        picked.remove(picked.size() - 1);
      }
    } else {
      Set<Bytes> seen = new HashSet<>();
      while (picked.size() < count) {
        byte[] member = set.randomMember(ThreadLocalRandom.current());
        if (seen.add(new Bytes(member))) {
          picked.add(member);
        }
      }
    }
    reply.array(picked.size());
    picked.forEach(reply::bulk);
  }

  private void smove(CommandContext c) {
    SetValue source = set(c, 1);
    if (source == null) {
      // Redis answers 0 for a missing source before it looks at the destination's type.
      c.reply().integer(0);
      return;
    }
    SetValue destination = set(c, 2);
    byte[] member = c.arg(3);
    if (source == destination) {
      c.reply().integer(source.contains(member) ? 1 : 0);
      return;
    }
    if (!source.remove(member)) {
      c.reply().integer(0);
      return;
    }
    c.notify('s', "srem", c.arg(1));
    deleteIfEmpty(c, c.arg(1), source);
    if (destination == null) {
      destination = SetValue.create(member, 1, limits);
      c.db().set(c.arg(2), destination);
    }
    if (destination.add(member, limits)) {
      c.notify('s', "sadd", c.arg(2));
    }
    c.reply().integer(1);
  }

  private static void smembers(CommandContext c) {
    SetValue set = set(c, 1);
    Reply reply = c.reply();
    if (set == null) {
      reply.set(0);
      return;
    }
    reply.set(set.size());
    set.forEach(reply::bulk);
  }

  private static void sismember(CommandContext c) {
    SetValue set = set(c, 1);
    c.reply().integer(set != null && set.contains(c.arg(2)) ? 1 : 0);
  }

  private static void smismember(CommandContext c) {
    SetValue set = set(c, 1);
    c.reply().array(c.argc() - 2);
    for (int i = 2; i < c.argc(); i++) {
      c.reply().integer(set != null && set.contains(c.arg(i)) ? 1 : 0);
    }
  }

  private static void scard(CommandContext c) {
    SetValue set = set(c, 1);
    c.reply().integer(set == null ? 0 : set.size());
  }

  private static void sscan(CommandContext c) {
    ScanRequest request = ScanRequest.parse(c, 2, false);
    SetValue set = set(c, 1);
    List<byte[]> found = new ArrayList<>();
    long cursor = 0;
    if (set != null) {
      cursor = request.cursor();
      long visits = 0;
      long maxVisits = request.maxBucketVisits();
      do {
        cursor = set.scan(cursor, member -> {
          if (request.matches(member)) {
            found.add(member);
          }
        });
        visits++;
      } while (cursor != 0 && found.size() < request.count() && visits < maxVisits);
    }
    Reply reply = c.reply();
    reply.array(2);
    reply.bulk(Long.toUnsignedString(cursor));
    reply.array(found.size());
    found.forEach(reply::bulk);
  }

  private enum Operation { INTER, UNION, DIFF }

  /**
   * SINTER, SUNION, SDIFF and their STORE forms. Every key is type-checked before any work, as
   * Redis does; a missing key is an empty set. The store forms replace the destination (dropping
   * its TTL), or delete it when the result is empty, firing "sinterstore"/"sunionstore"/
   * "sdiffstore" or "del".
   */
  private void combine(CommandContext c, Operation operation, boolean store) {
    int first = store ? 2 : 1;
    List<SetValue> sets = new ArrayList<>(c.argc() - first);
    for (int i = first; i < c.argc(); i++) {
      sets.add(set(c, i));
    }
    List<byte[]> result = compute(sets, operation, Long.MAX_VALUE);
    if (!store) {
      c.reply().set(result.size());
      result.forEach(c.reply()::bulk);
      return;
    }
    byte[] destination = c.arg(1);
    if (result.isEmpty()) {
      if (c.db().remove(destination)) {
        c.notify('g', "del", destination);
      }
      c.reply().integer(0);
      return;
    }
    SetValue stored = new SetValue();
    SetLimits current = limits;
    for (byte[] member : result) {
      stored.add(member, current);
    }
    c.db().set(destination, stored);
    String event = operation == Operation.INTER ? "sinterstore" : operation == Operation.UNION ? "sunionstore" : "sdiffstore";
    c.notify('s', event, destination);
    c.reply().integer(stored.size());
  }

  /** The members of the result, each once; stops after {@code limit} members (SINTERCARD LIMIT). */
  private static List<byte[]> compute(List<SetValue> sets, Operation operation, long limit) {
    List<byte[]> result = new ArrayList<>();
    switch (operation) {
      case INTER: {
        SetValue smallest = null;
        for (SetValue set : sets) {
          if (set == null) {
            return result;
          }
          if (smallest == null || set.size() < smallest.size()) {
            smallest = set;
          }
        }
        SetValue base = smallest;
        try {
          base.forEach(member -> {
            for (SetValue other : sets) {
              if (other != base && !other.contains(member)) {
                return;
              }
            }
            result.add(member);
            if (result.size() >= limit) {
              throw LimitReached.INSTANCE;
            }
          });
        } catch (LimitReached done) {
          // SINTERCARD's LIMIT: enough members counted.
        }
        return result;
      }
      case UNION: {
        Set<Bytes> seen = new HashSet<>();
        for (SetValue set : sets) {
          if (set != null) {
            set.forEach(member -> {
              if (seen.add(new Bytes(member))) {
                result.add(member);
              }
            });
          }
        }
        return result;
      }
      default: {
        SetValue base = sets.get(0);
        if (base == null) {
          return result;
        }
        base.forEach(member -> {
          for (int i = 1; i < sets.size(); i++) {
            SetValue other = sets.get(i);
            if (other != null && other.contains(member)) {
              return;
            }
          }
          result.add(member);
        });
        return result;
      }
    }
  }

  /** Stops an intersection early; carries no stack trace. */
  private static final class LimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final LimitReached INSTANCE = new LimitReached();

    private LimitReached() {
      super(null, null, false, false);
    }
  }

  private static void sintercard(CommandContext c) {
    long numkeys;
    try {
      numkeys = c.argLong(1);
    } catch (ShoalError e) {
      throw ShoalError.err("numkeys should be greater than 0");
    }
    if (numkeys <= 0) {
      throw ShoalError.err("numkeys should be greater than 0");
    }
    if (numkeys > c.argc() - 2) {
      throw ShoalError.err("Number of keys can't be greater than number of args");
    }
    long limit = 0;
    for (int i = 2 + (int) numkeys; i < c.argc(); i += 2) {
      if (c.argIs(i, "LIMIT") && i + 1 < c.argc()) {
        limit = NumberFormat.parseLong(c.arg(i + 1), "ERR LIMIT can't be negative");
        if (limit < 0) {
          throw ShoalError.err("LIMIT can't be negative");
        }
      } else {
        throw ShoalError.syntax();
      }
    }
    List<SetValue> sets = new ArrayList<>((int) numkeys);
    for (int i = 0; i < numkeys; i++) {
      sets.add(set(c, 2 + i));
    }
    c.reply().integer(compute(sets, Operation.INTER, limit == 0 ? Long.MAX_VALUE : limit).size());
  }
}
