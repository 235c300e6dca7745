package io.shoal.server.command.hash;

import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.config.Setting;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import io.shoal.server.types.hash.HashLimits;
import io.shoal.server.types.hash.HashValue;
import io.shoal.server.propagation.ReplayCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hashes: HSET and the rest of Redis's t_hash.c, with its reply types and error texts. Values
 * live in {@link HashValue}; the encoding limits come from {@code hash-max-listpack-entries} and
 * {@code hash-max-listpack-value} (old names: {@code hash-max-ziplist-*}), read at each write as
 * Redis does, so CONFIG SET affects the next conversion.
 */
public final class HashCommands implements ServerModule {
  private volatile HashLimits limits = HashLimits.DEFAULT;
  private final Random random = new Random();

  @Override
  public void install(ShoalServer server) {
    Setting entries = server.settings().define("hash-max-listpack-entries", Setting.Kind.INTEGER, "128", true,
        List.of(), 0, Long.MAX_VALUE, null, List.of("hash-max-ziplist-entries"));
    Setting valueBytes = server.settings().define("hash-max-listpack-value", Setting.Kind.INTEGER, "64", true,
        List.of(), 0, Long.MAX_VALUE, null, List.of("hash-max-ziplist-value"));
    Runnable update = () -> limits = new HashLimits(entries.asLong(), valueBytes.asLong());
    update.run();
    entries.onChange(s -> update.run());
    valueBytes.onChange(s -> update.run());

    write(server, "hset", -4, "Creates or modifies the value of a field in a hash.", "2.0.0", "O(1) for each field/value pair added", this::hset);
    write(server, "hmset", -4, "Sets the values of multiple fields.", "2.0.0", "O(N) where N is the number of fields being set.", this::hmset);
    write(server, "hsetnx", 4, "Sets the value of a field in a hash only when the field doesn't exist.", "2.0.0", "O(1)", this::hsetnx);
    write(server, "hincrby", 4, "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", "2.0.0", "O(1)", this::hincrby);
    write(server, "hincrbyfloat", 4, "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", "2.6.0", "O(1)", this::hincrbyfloat);
    server.register(CommandSpec.builder("hdel", -3).flags(WRITE, FAST).keys(1, 1, 1).member(2)
        .acl("@write", "@hash", "@fast").group("hash")
        .doc("Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", "2.0.0", "O(N) where N is the number of fields to be removed.")
        .handler(HashCommands::hdel).build());
    read(server, "hget", 3, true, "Returns the value of a field in a hash.", "2.0.0", "O(1)", HashCommands::hget);
    read(server, "hmget", -3, true, "Returns the values of all fields in a hash.", "2.0.0", "O(N) where N is the number of fields being requested.", HashCommands::hmget);
    read(server, "hexists", 3, true, "Determines whether a field exists in a hash.", "2.0.0", "O(1)", HashCommands::hexists);
    read(server, "hlen", 2, true, "Returns the number of fields in a hash.", "2.0.0", "O(1)", HashCommands::hlen);
    read(server, "hstrlen", 3, true, "Returns the length of the value of a field.", "3.2.0", "O(1)", HashCommands::hstrlen);
    read(server, "hkeys", 2, false, "Returns all fields in a hash.", "2.0.0", "O(N) where N is the size of the hash.", c -> all(c, true, false));
    read(server, "hvals", 2, false, "Returns all values in a hash.", "2.0.0", "O(N) where N is the size of the hash.", c -> all(c, false, true));
    read(server, "hgetall", 2, false, "Returns all fields and values in a hash.", "2.0.0", "O(N) where N is the size of the hash.", c -> all(c, true, true));
    read(server, "hrandfield", -2, false, "Returns one or more random fields from a hash.", "6.2.0", "O(N) where N is the number of fields returned", this::hrandfield);
    read(server, "hscan", -3, false, "Iterates over fields and values of a hash.", "2.8.0", "O(1) for every call. O(N) for a complete iteration.", HashCommands::hscan);
  }

  private static void write(ShoalServer server, String name, int arity, String summary, String since, String complexity,
      CommandHandler handler) {
    // Every one of these names a field at argument 2 (the first field of HSET and HMSET).
    server.register(CommandSpec.builder(name, arity).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).member(2)
        .acl("@write", "@hash", "@fast").group("hash").doc(summary, since, complexity).handler(handler).build());
  }

  private static void read(ShoalServer server, String name, int arity, boolean fast, String summary, String since,
      String complexity, CommandHandler handler) {
    CommandSpec.Builder builder = CommandSpec.builder(name, arity).keys(1, 1, 1).group("hash").doc(summary, since, complexity)
        .handler(handler);
    if (fast) {
      builder.flags(READONLY, FAST).acl("@read", "@hash", "@fast");
      if (arity != 2) {
        builder.member(2); // HGET, HMGET, HEXISTS, HSTRLEN: a field at argument 2 (HLEN has none)
      }
    } else {
      builder.flags(READONLY).acl("@read", "@hash", "@slow");
    }
    server.register(builder.build());
  }

  /** The hash at argument 1 for writing, created if absent; WRONGTYPE for another type. */
  private static HashValue hashForWrite(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    if (hash == null) {
      hash = new HashValue();
      c.db().set(c.arg(1), hash);
    }
    return hash;
  }

  private int setPairs(CommandContext c) {
    if (c.argc() % 2 != 0) {
      throw c.wrongArgs();
    }
    HashValue hash = hashForWrite(c);
    HashLimits current = limits;
    int created = 0;
    for (int i = 2; i < c.argc(); i += 2) {
      if (hash.put(c.arg(i), c.arg(i + 1), current)) {
        created++;
      }
    }
    c.notify('h', "hset", c.arg(1));
    return created;
  }

  private void hset(CommandContext c) {
    c.reply().integer(setPairs(c));
  }

  private void hmset(CommandContext c) {
    setPairs(c);
    c.reply().ok();
  }

  private void hsetnx(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    if (hash != null && hash.contains(c.arg(2))) {
      c.propagateNothing();
      c.reply().integer(0);
      return;
    }
    hashForWrite(c).put(c.arg(2), c.arg(3), limits);
    c.notify('h', "hset", c.arg(1));
    c.reply().integer(1);
  }

  private void hincrby(CommandContext c) {
    long increment = c.argLong(3);
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    long current = 0;
    byte[] old = hash == null ? null : hash.get(c.arg(2));
    if (old != null) {
      current = NumberFormat.parseLong(old, "ERR hash value is not an integer");
    }
    if ((increment < 0 && current < 0 && increment < Long.MIN_VALUE - current)
        || (increment > 0 && current > 0 && increment > Long.MAX_VALUE - current)) {
      throw ShoalError.err("increment or decrement would overflow");
    }
    long result = current + increment;
    hashForWrite(c).put(c.arg(2), NumberFormat.toBytes(result), limits);
    c.notify('h', "hincrby", c.arg(1));
    c.reply().integer(result);
  }

  /** Adds in Redis's long double precision and prints its digits (see {@link LongDouble}). */
  private void hincrbyfloat(CommandContext c) {
    double increment = c.argDouble(3);
    if (Double.isNaN(increment) || Double.isInfinite(increment)) {
      throw ShoalError.err("value is NaN or Infinity");
    }
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    byte[] old = hash == null ? null : hash.get(c.arg(2));
    double current = 0;
    if (old != null) {
      Double parsed = NumberFormat.tryParseDouble(old);
      if (parsed == null) {
        throw ShoalError.err("hash value is not a float");
      }
      current = parsed;
    }
    double sum = current + increment;
    if (Double.isNaN(sum) || Double.isInfinite(sum)) {
      throw ShoalError.err("increment would produce NaN or Infinity");
    }
    byte[] text = formatSum(old, c.arg(3), sum).getBytes(StandardCharsets.US_ASCII);
    hashForWrite(c).put(c.arg(2), text, limits);
    c.propagateAs(ReplayCommands.HSET, c.arg(1), c.arg(2), text);
    c.notify('h', "hincrbyfloat", c.arg(1));
    c.reply().bulk(text);
  }

  static String formatSum(byte[] old, byte[] increment, double fallback) {
    String text = LongDouble.add(old, increment);
    return text != null ? text : NumberFormat.formatHumanFriendly(fallback);
  }

  private static void hdel(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    if (hash == null) {
      c.propagateNothing();
      c.reply().integer(0);
      return;
    }
    int deleted = 0;
    for (int i = 2; i < c.argc(); i++) {
      if (hash.remove(c.arg(i))) {
        deleted++;
      }
    }
    if (deleted > 0) {
      c.notify('h', "hdel", c.arg(1));
      if (hash.size() == 0) {
        c.db().remove(c.arg(1));
        c.notify('g', "del", c.arg(1));
      }
    } else {
      c.propagateNothing();
    }
    c.reply().integer(deleted);
  }

  private static void hget(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    c.reply().bulk(hash == null ? null : hash.get(c.arg(2)));
  }

  private static void hmget(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    c.reply().array(c.argc() - 2);
    for (int i = 2; i < c.argc(); i++) {
      c.reply().bulk(hash == null ? null : hash.get(c.arg(i)));
    }
  }

  private static void hexists(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    c.reply().integer(hash != null && hash.contains(c.arg(2)) ? 1 : 0);
  }

  private static void hlen(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    c.reply().integer(hash == null ? 0 : hash.size());
  }

  private static void hstrlen(CommandContext c) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    byte[] value = hash == null ? null : hash.get(c.arg(2));
    c.reply().integer(value == null ? 0 : value.length);
  }

  /** HKEYS and HVALS reply with arrays, HGETALL with a map, as Redis's genericHgetallCommand. */
  private static void all(CommandContext c, boolean fields, boolean values) {
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    int size = hash == null ? 0 : hash.size();
    Reply reply = c.reply();
    if (fields && values) {
      reply.map(size);
    } else {
      reply.array(size);
    }
    if (hash == null) {
      return;
    }
    hash.forEach((field, value) -> {
      if (fields) {
        reply.bulk(field);
      }
      if (values) {
        reply.bulk(value);
      }
    });
  }

  /** HRANDFIELD key [count [WITHVALUES]], following Redis's hrandfieldWithCountCommand. */
  private void hrandfield(CommandContext c) {
    if (c.argc() == 2) {
      HashValue hash = c.db().get(c.arg(1), HashValue.class);
      c.reply().bulk(hash == null ? null : hash.randomEntry(random)[0]);
      return;
    }
    if (c.argc() > 4 || (c.argc() == 4 && !c.argIs(3, "WITHVALUES"))) {
      throw ShoalError.syntax();
    }
    boolean withValues = c.argc() == 4;
    long count = RandomCount.parse(c, 2, withValues);
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    Reply reply = c.reply();
    if (hash == null || count == 0) {
      reply.emptyArray();
      return;
    }
    if (count < 0) {
      if (count < -Integer.MAX_VALUE / 2) {
        throw ShoalError.err("value is out of range");
      }
      int n = (int) -count;
      replyEntriesHeader(reply, n, withValues);
      for (int i = 0; i < n; i++) {
        byte[][] entry = hash.randomEntry(random);
        replyEntry(reply, entry[0], entry[1], withValues);
      }
      return;
    }
    if (count >= hash.size()) {
      replyEntriesHeader(reply, hash.size(), withValues);
      hash.forEach((field, value) -> replyEntry(reply, field, value, withValues));
      return;
    }
    List<byte[][]> picked = distinctEntries(hash, (int) count);
    replyEntriesHeader(reply, picked.size(), withValues);
    for (byte[][] entry : picked) {
      replyEntry(reply, entry[0], entry[1], withValues);
    }
  }

  /**
   * {@code count} distinct entries, count below the size. As Redis: when count is close to the
   * size, remove random entries from a full copy; otherwise draw until enough distinct ones.
   */
  private List<byte[][]> distinctEntries(HashValue hash, int count) {
    List<byte[][]> all = new ArrayList<>(hash.size());
    if (count * 3L > hash.size()) {
      hash.forEach((field, value) -> all.add(new byte[][] {field, value}));
      while (all.size() > count) {
        int index = random.nextInt(all.size());
        all.set(index, all.get(all.size() - 1));
        all.remove(all.size() - 1);
      }
      return all;
    }
    java.util.Set<io.shoal.server.types.Bytes> seen = new java.util.HashSet<>();
    while (all.size() < count) {
      byte[][] entry = hash.randomEntry(random);
      if (seen.add(new io.shoal.server.types.Bytes(entry[0]))) {
        all.add(entry);
      }
    }
    return all;
  }

  /** RESP3 gets an array of [field, value] pairs, RESP2 a flat array (Redis 7 hrandfield). */
  private static void replyEntriesHeader(Reply reply, int entries, boolean withValues) {
    reply.array(withValues && !reply.resp3() ? entries * 2 : entries);
  }

  private static void replyEntry(Reply reply, byte[] field, byte[] value, boolean withValues) {
    if (!withValues) {
      reply.bulk(field);
      return;
    }
    if (reply.resp3()) {
      reply.array(2);
    }
    reply.bulk(field);
    reply.bulk(value);
  }

  private static void hscan(CommandContext c) {
    ScanRequest request = ScanRequest.parse(c, 2, true);
    HashValue hash = c.db().get(c.arg(1), HashValue.class);
    List<byte[]> found = new ArrayList<>();
    long cursor = 0;
    if (hash != null) {
      cursor = request.cursor();
      long visits = 0;
      long maxVisits = request.maxBucketVisits();
      do {
        cursor = hash.scan(cursor, (field, value) -> {
          if (request.matches(field)) {
            found.add(field);
            found.add(value);
          }
        });
        visits++;
      } while (cursor != 0 && found.size() / 2 < request.count() && visits < maxVisits);
    }
    Reply reply = c.reply();
    reply.array(2);
    reply.bulk(Long.toUnsignedString(cursor));
    int step = request.noValues() ? 2 : 1;
    reply.array(found.size() / step);
    for (int i = 0; i < found.size(); i += step) {
      reply.bulk(found.get(i));
    }
  }
}
