package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.ShoalError;

/**
 * LATENCY LATEST | HISTORY | RESET | DOCTOR | GRAPH | HISTOGRAM. Shoal records no latency events
 * yet (Redis records them only when latency-monitor-threshold is above 0, which is off by
 * default), so the replies have Redis's shapes and are empty.
 */
final class LatencyCommand {
  private LatencyCommand() {}

  static CommandSpec spec() {
    return CommandSpec.builder("latency", -2).acl("@slow").group("server")
        .doc("A container for latency diagnostics commands.", "2.8.13", "Depends on subcommand.")
        .subcommand(sub("latest", 2, "Returns the latest latency samples for all events.", c -> c.reply().emptyArray()))
        .subcommand(sub("history", 3, "Returns timestamp-latency samples for an event.", c -> c.reply().emptyArray()))
        .subcommand(sub("reset", -2, "Resets the latency data for one or more events.", c -> c.reply().integer(0)))
        .subcommand(sub("doctor", 2, "Returns a human-readable latency analysis report.", c -> c.reply().verbatim(
            "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n")))
        .subcommand(sub("graph", 3, "Returns a latency graph for an event.", c -> {
          throw ShoalError.err("No samples available for event '" + c.argString(2) + "'");
        }))
        .subcommand(sub("histogram", -2, "Returns the cumulative distribution of latencies of a subset or all commands.", c -> c.reply().map(0)))
        .subcommand(sub("help", 2, "Returns helpful text about the different subcommands.", c -> Help.reply(c.reply(), "LATENCY",
            "DOCTOR", "    Return a human readable latency analysis report.",
            "GRAPH <event>", "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>", "    Return time-latency samples for the <event> class.",
            "LATEST", "    Return the latest latency samples for all events.",
            "RESET [<event> ...]", "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]", "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.")))
        .build();
  }

  private static CommandSpec sub(String name, int arity, String summary, CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl("@admin", "@slow", "@dangerous")
        .group("server").doc(summary, "2.8.13", "O(1)").handler(handler).build();
  }
}
