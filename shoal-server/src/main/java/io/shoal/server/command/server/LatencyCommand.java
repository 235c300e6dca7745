package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import java.util.ArrayList;
import java.util.List;

/**
 * LATENCY LATEST | HISTORY | RESET | DOCTOR | GRAPH | HISTOGRAM | HELP over the node's
 * {@link LatencyMonitor}, with Redis's reply shapes. Nothing is recorded while
 * latency-monitor-threshold is 0, Redis's default, so the replies are then empty.
 */
final class LatencyCommand {
  private LatencyCommand() {}

  static CommandSpec spec(LatencyMonitor monitor) {
    return CommandSpec.builder("latency", -2).acl("@slow").group("server")
        .doc("A container for latency diagnostics commands.", "2.8.13", "Depends on subcommand.")
        .subcommand(sub("latest", 2, "Returns the latest latency samples for all events.", c -> latest(c, monitor)))
        .subcommand(sub("history", 3, "Returns timestamp-latency samples for an event.", c -> history(c, monitor)))
        .subcommand(sub("reset", -2, "Resets the latency data for one or more events.", c -> {
          List<String> names = new ArrayList<>();
          for (int i = 2; i < c.argc(); i++) {
            names.add(c.argString(i));
          }
          c.reply().integer(monitor.reset(names));
        }))
        .subcommand(sub("doctor", 2, "Returns a human-readable latency analysis report.", c -> c.reply().verbatim(doctor(monitor))))
        .subcommand(sub("graph", 3, "Returns a latency graph for an event.", c -> {
          if (monitor.history(c.argString(2)).isEmpty()) {
            throw ShoalError.err("No samples available for event '" + c.argString(2) + "'");
          }
          StringBuilder graph = new StringBuilder(c.argString(2)).append('\n');
          for (LatencyMonitor.Sample sample : monitor.history(c.argString(2))) {
            graph.append(sample.unixSeconds()).append(' ').append("#".repeat((int) Math.min(60, sample.millis()))).append(' ')
                .append(sample.millis()).append(" ms\n");
          }
          c.reply().verbatim(graph.toString());
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

  private static void latest(CommandContext c, LatencyMonitor monitor) {
    List<Object[]> events = monitor.latest();
    Reply reply = c.reply();
    reply.array(events.size());
    for (Object[] event : events) {
      reply.array(4);
      reply.bulk((String) event[0]);
      reply.integer((Long) event[1]);
      reply.integer((Long) event[2]);
      reply.integer((Long) event[3]);
    }
  }

  private static void history(CommandContext c, LatencyMonitor monitor) {
    List<LatencyMonitor.Sample> samples = monitor.history(c.argString(2));
    Reply reply = c.reply();
    reply.array(samples.size());
    for (LatencyMonitor.Sample sample : samples) {
      reply.array(2);
      reply.integer(sample.unixSeconds());
      reply.integer(sample.millis());
    }
  }

  private static String doctor(LatencyMonitor monitor) {
    List<Object[]> events = monitor.latest();
    if (events.isEmpty()) {
      return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n";
    }
    StringBuilder text = new StringBuilder("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
    int index = 1;
    for (Object[] event : events) {
      text.append(index++).append(". ").append(event[0]).append(": latest ").append(event[2])
          .append(" milliseconds, all time high ").append(event[3]).append(" milliseconds.\n");
    }
    return text.toString();
  }
}
