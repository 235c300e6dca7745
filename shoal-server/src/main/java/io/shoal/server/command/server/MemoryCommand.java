package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.READONLY;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.MemorySize;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;

/**
 * MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP. USAGE reports Shoal's own
 * estimate of an entry ({@link MemorySize#ofEntry}), the same figure maxmemory accounting uses,
 * so it is exact for the estimate rather than sampled; SAMPLES is accepted and checked.
 */
final class MemoryCommand {
  private MemoryCommand() {}

  static CommandSpec spec() {
    return CommandSpec.builder("memory", -2).acl("@slow").group("server")
        .doc("A container for memory diagnostics commands.", "4.0.0", "Depends on subcommand.")
        .subcommand(CommandSpec.builder("usage", -3).flags(READONLY).keys(2, 2, 1).acl("@read", "@slow")
            .group("server").doc("Estimates the memory usage of a key.", "4.0.0", "O(N) where N is the number of samples.")
            .handler(MemoryCommand::usage).build())
        .subcommand(sub("stats", 2, "Returns details about memory usage.", MemoryCommand::stats))
        .subcommand(sub("doctor", 2, "Outputs a memory problems report.", c -> c.reply().verbatim(
            "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n")))
        .subcommand(sub("malloc-stats", 2, "Returns the allocator statistics.", c -> c.reply().verbatim(
            "Stats not supported for the current allocator\n")))
        .subcommand(sub("purge", 2, "Asks the allocator to release memory.", c -> c.reply().ok()))
        .subcommand(sub("help", 2, "Returns helpful text about the different subcommands.", c -> Help.reply(c.reply(), "MEMORY",
            "DOCTOR", "    Return memory problems reports.",
            "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
            "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS", "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).")))
        .build();
  }

  private static CommandSpec sub(String name, int arity, String summary, CommandHandler handler) {
    return CommandSpec.builder(name, arity).acl("@slow").group("server").doc(summary, "4.0.0", "O(1)").handler(handler).build();
  }

  private static void usage(CommandContext c) {
    for (int i = 3; i < c.argc(); i++) {
      if (c.argIs(i, "SAMPLES") && i + 1 < c.argc()) {
        if (c.argLong(i + 1) < 0) {
          throw ShoalError.outOfRange();
        }
        i++;
      } else {
        throw ShoalError.syntax();
      }
    }
    Object value = c.db().peek(c.arg(2));
    if (value == null) {
      c.reply().nullBulk();
      return;
    }
    c.reply().integer(MemorySize.ofEntry(c.arg(2), value));
  }

  private static void stats(CommandContext c) {
    ShoalServer server = c.server();
    long used = server.keyspace().usedBytes();
    long keys = server.keyspace().totalKeys();
    long rss = StandardInfoSections.residentBytes();
    Reply reply = c.reply();
    reply.map(9);
    reply.bulk("peak.allocated");
    reply.integer(Math.max(used, rss));
    reply.bulk("total.allocated");
    reply.integer(used);
    reply.bulk("startup.allocated");
    reply.integer(0);
    reply.bulk("replication.backlog");
    reply.integer(0);
    reply.bulk("keys.count");
    reply.integer(keys);
    reply.bulk("keys.bytes-per-key");
    reply.integer(keys == 0 ? 0 : used / keys);
    reply.bulk("dataset.bytes");
    reply.integer(used);
    reply.bulk("dataset.percentage");
    reply.doubleValue(used == 0 ? 0.0 : 100.0);
    reply.bulk("fragmentation");
    reply.doubleValue(used == 0 ? 1.0 : (double) rss / used);
  }
}
