package io.shoal.server.command.keys;

import static io.shoal.server.command.CommandFlag.READONLY;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.AccessClock;
import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;

/**
 * OBJECT ENCODING, FREQ, IDLETIME, REFCOUNT and HELP. None of them touches the key's access
 * clock. FREQ needs an LFU policy and IDLETIME a non-LFU one, with Redis's errors, because a key
 * keeps one clock whose meaning depends on the policy.
 */
public final class ObjectCommand {
  private static final String[] HELP = {
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Print this help.",
  };

  /** Redis's OBJ_SHARED_REFCOUNT, the count it reports for a shared object. */
  private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

  private ObjectCommand() {}

  static void install(ShoalServer server) {
    server.register(CommandSpec.builder("object", -2).group("generic").acl("@slow")
        .doc("A container for object introspection commands.", "2.2.3")
        .subcommand(sub("encoding", "Returns the internal encoding of a Redis object.", ObjectCommand::encoding))
        .subcommand(sub("freq", "Returns the logarithmic access frequency counter of a Redis object.", ObjectCommand::freq))
        .subcommand(sub("idletime", "Returns the time since the last access to a Redis object.", ObjectCommand::idletime))
        .subcommand(sub("refcount", "Returns the reference count of a value of a key.", ObjectCommand::refcount))
        .subcommand(CommandSpec.builder("help", 2).flags(READONLY).acl("@keyspace", "@slow")
            .doc("Returns helpful text about the different subcommands.", "6.2.0").handler(ObjectCommand::help).build())
        .build());
  }

  private static CommandSpec sub(String name, String summary, CommandHandler handler) {
    return CommandSpec.builder(name, 3).flags(READONLY).keys(2, 2, 1).acl("@keyspace", "@read", "@slow")
        .doc(summary, "2.2.3").handler(handler).build();
  }

  private static void encoding(CommandContext c) {
    Object value = c.db().peek(c.arg(2));
    if (value == null) {
      c.reply().nullBulk();
    } else {
      c.reply().bulk(encoding(value));
    }
  }

  /**
   * OBJECT ENCODING's name (DEBUG OBJECT's too): for strings Redis's tryObjectEncoding, integers
   * "int", short strings "embstr", the rest "raw"; a collection's own otherwise.
   */
  public static String encoding(Object value) {
    if (value instanceof byte[] bytes) {
      if (bytes.length <= 20 && NumberFormat.isLong(bytes)) {
        return "int";
      }
      return bytes.length <= 44 ? "embstr" : "raw";
    }
    return ((CollectionValue) value).encoding();
  }

  private static void freq(CommandContext c) {
    AccessClock clock = c.server().keyspace().eviction();
    int access = c.db().accessClock(c.arg(2));
    if (access < 0) {
      c.reply().nullBulk();
      return;
    }
    if (!clock.lfu()) {
      throw ShoalError.err("An LFU maxmemory policy is not selected, access frequency not tracked. Please note that"
          + " when switching between policies at runtime LRU and LFU data will take some time to adjust.");
    }
    c.reply().integer(clock.frequency(access));
  }

  private static void idletime(CommandContext c) {
    AccessClock clock = c.server().keyspace().eviction();
    int access = c.db().accessClock(c.arg(2));
    if (access < 0) {
      c.reply().nullBulk();
      return;
    }
    if (clock.lfu()) {
      throw ShoalError.err("An LFU maxmemory policy is selected, idle time not tracked. Please note that"
          + " when switching between policies at runtime LRU and LFU data will take some time to adjust.");
    }
    c.reply().integer(clock.idleSeconds(access));
  }

  private static void refcount(CommandContext c) {
    Object value = c.db().peek(c.arg(2));
    if (value == null) {
      c.reply().nullBulk();
    } else {
      c.reply().integer(refcount(c.server(), value));
    }
  }

  /** OBJECT REFCOUNT's answer (DEBUG OBJECT's too). */
  public static long refcount(ShoalServer server, Object value) {
    return value instanceof byte[] bytes && sharedInteger(server, bytes) ? SHARED_REFCOUNT : 1;
  }

  /**
   * Whether Redis would hold this string as one of its shared integers 0-9999: a canonical
   * number in that range, unless an LRU or LFU policy is in force with a memory limit (each key
   * then needs its own object for its access clock). Shoal shares only counters' texts, but a
   * client reading the count sees Redis's answer either way.
   */
  private static boolean sharedInteger(ShoalServer server, byte[] value) {
    if (value.length > 4 || !NumberFormat.isLong(value) || value[0] == '-') {
      return false;
    }
    String policy = server.settings().get("maxmemory-policy").text();
    return server.settings().get("maxmemory").asLong() == 0 || !(policy.contains("lru") || policy.contains("lfu"));
  }

  private static void help(CommandContext c) {
    c.reply().array(HELP.length);
    for (String line : HELP) {
      c.reply().simple(line);
    }
  }
}
