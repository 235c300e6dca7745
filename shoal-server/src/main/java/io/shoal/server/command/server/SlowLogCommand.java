package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.SlowLog;
import java.util.List;

/** SLOWLOG GET [count] | LEN | RESET | HELP over the node's {@link SlowLog}. */
final class SlowLogCommand {
  private SlowLogCommand() {}

  static CommandSpec spec() {
    return CommandSpec.builder("slowlog", -2).acl("@slow").group("server")
        .doc("A container for slow log commands.", "2.2.12", "Depends on subcommand.")
        .subcommand(sub("get", -2, "Returns the slow log's entries.", "O(N) where N is the number of entries returned", SlowLogCommand::get))
        .subcommand(sub("len", 2, "Returns the number of entries in the slow log.", "O(1)",
            c -> c.reply().integer(c.server().slowLog().size())))
        .subcommand(sub("reset", 2, "Clears all entries from the slow log.", "O(N) where N is the number of entries in the slowlog", c -> {
          c.server().slowLog().reset();
          c.reply().ok();
        }))
        .subcommand(CommandSpec.builder("help", 2).flags(LOADING, STALE).acl("@slow").group("server")
            .doc("Show helpful text about the different subcommands", "6.2.0", "O(1)")
            .handler(c -> Help.reply(c.reply(), "SLOWLOG",
                "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name", "LEN", "    Return the length of the slowlog.", "RESET", "    Reset the slowlog."))
            .build())
        .build();
  }

  private static CommandSpec sub(String name, int arity, String summary, String complexity, CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(ADMIN, LOADING, STALE).acl("@admin", "@slow", "@dangerous")
        .group("server").doc(summary, "2.2.12", complexity).handler(handler).build();
  }

  private static void get(CommandContext c) {
    if (c.argc() > 3) {
      throw c.wrongArgs();
    }
    long count = 10;
    if (c.argc() == 3) {
      try {
        count = NumberFormat.parseLong(c.arg(2));
      } catch (ShoalError e) {
        throw ShoalError.err("count should be greater than or equal to -1");
      }
      if (count < -1) {
        throw ShoalError.err("count should be greater than or equal to -1");
      }
    }
    List<SlowLog.Entry> entries = c.server().slowLog().latest(count == -1 ? -1 : (int) Math.min(count, Integer.MAX_VALUE));
    Reply reply = c.reply();
    reply.array(entries.size());
    for (SlowLog.Entry entry : entries) {
      ServerCommands.writeSlowLogEntry(reply, entry);
    }
  }
}
