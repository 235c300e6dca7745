package io.shoal.server.command.hyperloglog;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.MAY_REPLICATE;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import io.shoal.server.types.hyperloglog.HyperLogLog;
import java.util.Locale;

/**
 * PFADD, PFCOUNT and PFMERGE over string values in Redis's HyperLogLog format
 * ({@link HyperLogLog}). PFCOUNT of a single key stores the value with its cardinality cached, as
 * Redis does (a copy: stored strings are never changed in place); that changes no register and no
 * length, so memory accounting is unaffected.
 */
public final class HyperLogLogCommands implements ServerModule {
  static final String SPARSE_MAX_BYTES = "hll-sparse-max-bytes";

  @Override
  public void install(ShoalServer server) {
    server.settings().defineInteger(SPARSE_MAX_BYTES, "3000", 0, Long.MAX_VALUE);
    server.register(CommandSpec.builder("pfadd", -2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
        .acl("@write", "@hyperloglog", "@fast").group("hyperloglog")
        .doc("Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.", "2.8.9", "O(1) to add every element.")
        .handler(HyperLogLogCommands::pfadd).build());
    server.register(CommandSpec.builder("pfcount", -2).flags(READONLY, MAY_REPLICATE).keys(1, -1, 1)
        .acl("@read", "@hyperloglog", "@slow").group("hyperloglog")
        .doc("Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).", "2.8.9",
            "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys.")
        .handler(HyperLogLogCommands::pfcount).build());
    server.register(CommandSpec.builder("pfmerge", -2).flags(WRITE, DENYOOM).keys(1, -1, 1)
        .acl("@write", "@hyperloglog", "@slow").group("hyperloglog")
        .doc("Merges one or more HyperLogLog values into a single key.", "2.8.9", "O(N) to merge N HyperLogLogs.")
        .handler(HyperLogLogCommands::pfmerge).build());
    server.register(CommandSpec.builder("pfdebug", 3).flags(WRITE, ADMIN).keys(2, 2, 1)
        .acl("@write", "@hyperloglog", "@admin", "@slow", "@dangerous").group("hyperloglog")
        .doc("Internal commands for debugging HyperLogLog values.", "2.8.9", "N/A")
        .handler(HyperLogLogCommands::pfdebug).build());
  }

  private static void pfdebug(CommandContext c) {
    String subcommand = c.argString(1);
    byte[] key = c.arg(2);
    byte[] value = lookup(c, key);
    if (value == null) {
      throw ShoalError.err("The specified key does not exist");
    }
    String name = subcommand.toLowerCase(Locale.ROOT);
    boolean known = name.equals("getreg") || name.equals("decode") || name.equals("encoding") || name.equals("todense");
    if (!known) {
      throw ShoalError.err("Unknown PFDEBUG subcommand '" + subcommand + "'");
    }
    if (c.argc() != 3) {
      throw ShoalError.err("Wrong number of arguments for the '" + subcommand + "' subcommand");
    }
    switch (name) {
      case "getreg" -> {
        byte[] dense = toDense(c, key, value);
        byte[] registers = HyperLogLog.registers(dense);
        c.reply().array(registers.length);
        for (byte register : registers) {
          c.reply().integer(register);
        }
      }
      case "decode" -> {
        if (HyperLogLog.isDense(value)) {
          throw ShoalError.err("HLL encoding is not sparse");
        }
        c.reply().bulk(HyperLogLog.decodeSparse(value));
      }
      case "encoding" -> c.reply().simple(HyperLogLog.isDense(value) ? "dense" : "sparse");
      default -> {
        boolean converted = !HyperLogLog.isDense(value);
        toDense(c, key, value);
        c.reply().integer(converted ? 1 : 0);
      }
    }
  }

  private static byte[] toDense(CommandContext c, byte[] key, byte[] value) {
    if (HyperLogLog.isDense(value)) {
      return value;
    }
    byte[] dense = HyperLogLog.toDense(value);
    c.db().setKeepTtl(key, dense);
    return dense;
  }

  /** The HLL string at a key, null if absent; WRONGTYPE for other types and non-HLL strings. */
  private static byte[] lookup(CommandContext c, byte[] key) {
    byte[] value = c.db().getString(key);
    if (value != null && !HyperLogLog.isValid(value)) {
      throw HyperLogLog.notHyperLogLog();
    }
    return value;
  }

  private static long sparseMaxBytes(CommandContext c) {
    return c.server().settings().get(SPARSE_MAX_BYTES).asLong();
  }

  private static void pfadd(CommandContext c) {
    byte[] key = c.arg(1);
    byte[] value = lookup(c, key);
    boolean[] changed = new boolean[1];
    if (value == null) {
      value = HyperLogLog.createEmpty();
      changed[0] = true;
    }
    byte[] updated = HyperLogLog.add(value, c.args(), 2, sparseMaxBytes(c), changed);
    if (changed[0]) {
      c.db().setKeepTtl(key, updated);
      c.notify('$', "pfadd", key);
    }
    c.reply().integer(changed[0] ? 1 : 0);
  }

  private static void pfcount(CommandContext c) {
    if (c.argc() == 2) {
      byte[] value = lookup(c, c.arg(1));
      if (value == null) {
        c.reply().integer(0);
        return;
      }
      byte[] cached = HyperLogLog.withCache(value);
      if (cached != value) {
        c.db().setKeepTtl(c.arg(1), cached);
      }
      c.reply().integer(HyperLogLog.count(cached));
      return;
    }
    byte[] registers = new byte[HyperLogLog.REGISTERS];
    for (int i = 1; i < c.argc(); i++) {
      byte[] value = lookup(c, c.arg(i));
      if (value != null) {
        HyperLogLog.maxInto(value, registers);
      }
    }
    c.reply().integer(HyperLogLog.estimate(registers));
  }

  private static void pfmerge(CommandContext c) {
    byte[] registers = new byte[HyperLogLog.REGISTERS];
    boolean dense = false;
    for (int i = 1; i < c.argc(); i++) {
      byte[] value = lookup(c, c.arg(i));
      if (value != null) {
        dense |= HyperLogLog.isDense(value);
        HyperLogLog.maxInto(value, registers);
      }
    }
    byte[] merged = dense ? HyperLogLog.encodeDense(registers) : HyperLogLog.encode(registers, sparseMaxBytes(c));
    c.db().setKeepTtl(c.arg(1), merged);
    c.notify('$', "pfadd", c.arg(1));
    c.reply().ok();
  }
}
