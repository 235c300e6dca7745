package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CONFIG GET/SET/RESETSTAT/REWRITE over {@link io.shoal.server.config.Settings}, which already
 * knows every parameter the core and the modules defined: GET takes several patterns, SET several
 * pairs and applies all or none, as Redis 7 does.
 */
public final class ConfigCommand implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.register(CommandSpec.builder("config", -2).acl("@slow").group("server")
        .doc("A container for server configuration commands.", "2.0.0", "Depends on subcommand.")
        .subcommand(sub("get", -3, "Returns the effective values of configuration parameters.", "2.0.0",
            "O(N) when N is the number of configuration parameters provided", ConfigCommand::get))
        .subcommand(sub("set", -4, "Sets configuration parameters in-flight.", "2.0.0",
            "O(N) when N is the number of configuration parameters provided", ConfigCommand::set))
        .subcommand(sub("resetstat", 2, "Resets the server's statistics.", "2.0.0", "O(1)", ConfigCommand::resetStat))
        .subcommand(sub("rewrite", 2, "Persists the effective configuration to file.", "2.8.0", "O(1)", ConfigCommand::rewrite))
        .subcommand(CommandSpec.builder("help", 2).flags(LOADING, STALE).acl("@slow").group("server")
            .doc("Returns helpful text about the different subcommands.", "5.0.0", "O(1)")
            .handler(c -> Help.reply(c.reply(), "CONFIG",
                "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                "RESETSTAT", "    Reset statistics reported by the INFO command.",
                "REWRITE", "    Rewrite the configuration file."))
            .build())
        .build());
  }

  private static CommandSpec sub(String name, int arity, String summary, String since, String complexity, CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl("@admin", "@slow", "@dangerous")
        .group("server").doc(summary, since, complexity).handler(handler).build();
  }

  private static void get(CommandContext c) {
    List<String> patterns = new ArrayList<>();
    for (int i = 2; i < c.argc(); i++) {
      patterns.add(c.argString(i));
    }
    Map<String, String> values = c.server().settings().matching(patterns);
    Reply reply = c.reply();
    reply.map(values.size());
    for (Map.Entry<String, String> entry : values.entrySet()) {
      reply.bulk(entry.getKey());
      reply.bulk(entry.getValue());
    }
  }

  private static void set(CommandContext c) {
    if ((c.argc() - 2) % 2 != 0) {
      throw c.wrongArgs();
    }
    List<String[]> pairs = new ArrayList<>();
    for (int i = 2; i < c.argc(); i += 2) {
      pairs.add(new String[] {c.argString(i), c.argString(i + 1)});
    }
    c.server().settings().set(pairs);
    c.reply().ok();
  }

  private static void resetStat(CommandContext c) {
    resetStatistics(c.server());
    c.reply().ok();
  }

  /** What CONFIG RESETSTAT clears: server counters, per-command statistics and the slow log. */
  static void resetStatistics(ShoalServer server) {
    server.stats().reset();
    for (CommandSpec spec : server.commands().all()) {
      spec.stats().reset();
      for (CommandSpec sub : spec.subcommands().values()) {
        sub.stats().reset();
      }
    }
    server.slowLog().reset();
  }

  private static void rewrite(CommandContext c) {
    try {
      c.server().settings().rewrite();
    } catch (IOException e) {
      throw ShoalError.err("Rewriting config file: " + e.getMessage());
    }
    c.reply().ok();
  }
}
