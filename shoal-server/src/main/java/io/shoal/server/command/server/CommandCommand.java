package io.shoal.server.command.server;

import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandRegistry;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import io.shoal.server.util.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * COMMAND and its subcommands, answered from the registry alone: every command is data
 * ({@link CommandSpec}), so nothing here knows any particular command.
 *
 * <p>The reply shapes are Redis 7's ({@code commandCommand}, {@code addReplyCommandInfo},
 * {@code addReplyCommandDocs}): a ten-element entry per command in COMMAND INFO, with the key
 * specifications derived from first/last/step the way Redis derives its legacy range from them,
 * and a map per command in COMMAND DOCS. redis-cli reads COMMAND DOCS at start-up for its hints.
 */
public final class CommandCommand implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.register(CommandSpec.builder("command", -1).flags(LOADING, STALE).acl("@slow", "@connection")
        .group("server").doc("Returns detailed information about all commands.", "2.8.13", "O(N) where N is the total number of Redis commands")
        .handler(c -> writeInfo(c.reply(), c.server().commands().all()))
        .subcommand(sub("count", 2, "Returns a count of commands.", "2.8.13", "O(1)",
            c -> c.reply().integer(c.server().commands().size())))
        .subcommand(sub("info", -2, "Returns information about one, multiple or all commands.", "2.8.13",
            "O(N) where N is the number of commands to look up", CommandCommand::info))
        .subcommand(sub("docs", -2, "Returns documentary information about one, multiple or all commands.", "7.0.0",
            "O(N) where N is the number of commands to look up", CommandCommand::docs))
        .subcommand(sub("getkeys", -3, "Extracts the key names from an arbitrary command.", "2.8.13",
            "O(N) where N is the number of arguments to the command", CommandCommand::getKeys))
        .subcommand(sub("list", -2, "Returns a list of command names.", "7.0.0",
            "O(N) where N is the total number of Redis commands", CommandCommand::list))
        .subcommand(sub("help", 2, "Returns helpful text about the different subcommands.", "5.0.0", "O(1)",
            c -> Help.reply(c.reply(), "COMMAND",
                "(no subcommand)", "    Return details about all commands.",
                "COUNT", "    Return the total number of commands in this server.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                "    Return a list of all commands in this server.",
                "INFO [<command-name> ...]", "    Return details about multiple commands.",
                "DOCS [<command-name> ...]", "    Return documentation details about multiple commands.",
                "GETKEYS <full-command>", "    Return the keys from a full command.")))
        .build());
  }

  private static CommandSpec sub(String name, int arity, String summary, String since, String complexity,
      io.shoal.server.command.CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(LOADING, STALE).acl("@slow", "@connection").group("server")
        .doc(summary, since, complexity).handler(handler).build();
  }

  private static void info(CommandContext c) {
    if (c.argc() == 2) {
      writeInfo(c.reply(), c.server().commands().all());
      return;
    }
    Reply reply = c.reply();
    reply.array(c.argc() - 2);
    for (int i = 2; i < c.argc(); i++) {
      CommandSpec spec = find(c.server(), c.argString(i));
      if (spec == null) {
        reply.nullArray();
      } else {
        writeEntry(reply, spec);
      }
    }
  }

  /** Finds "get" or "client|kill" as COMMAND INFO and COMMAND DOCS accept them. */
  static CommandSpec find(ShoalServer server, String name) {
    int bar = name.indexOf('|');
    if (bar < 0) {
      return server.commands().lookup(name);
    }
    CommandSpec container = server.commands().lookup(name.substring(0, bar));
    return container == null ? null : container.subcommands().get(name.substring(bar + 1).toLowerCase());
  }

  private static void writeInfo(Reply reply, Collection<CommandSpec> specs) {
    reply.array(specs.size());
    for (CommandSpec spec : specs) {
      writeEntry(reply, spec);
    }
  }

  /** One Redis 7 COMMAND INFO entry: name, arity, flags, first, last, step, ACL, tips, key specs, subcommands. */
  static void writeEntry(Reply reply, CommandSpec spec) {
    reply.array(10);
    reply.bulk(spec.fullName());
    reply.integer(spec.arity());
    List<String> flags = spec.flagNames();
    reply.set(flags.size());
    for (String flag : flags) {
      reply.simple(flag);
    }
    boolean hasRange = spec.firstKey() > 0;
    reply.integer(hasRange ? spec.firstKey() : 0);
    reply.integer(hasRange ? spec.lastKey() : 0);
    reply.integer(hasRange ? spec.keyStep() : 0);
    List<String> categories = spec.aclCategories();
    reply.set(categories.size());
    for (String category : categories) {
      reply.simple(category);
    }
    reply.emptyArray();
    writeKeySpecs(reply, spec);
    reply.array(spec.subcommands().size());
    for (CommandSpec sub : spec.subcommands().values()) {
      writeEntry(reply, sub);
    }
  }

  /**
   * Key specifications as Redis 7 describes them. A fixed range becomes an "index" begin-search
   * and a "range" find-keys whose last key is relative to the first, as in Redis's own tables;
   * movable keys become "unknown", which tells a client to call COMMAND GETKEYS.
   */
  private static void writeKeySpecs(Reply reply, CommandSpec spec) {
    boolean range = spec.firstKey() > 0;
    boolean movable = spec.movableKeys();
    if (!range && !movable) {
      reply.emptyArray();
      return;
    }
    reply.array(1);
    reply.map(3);
    reply.bulk("flags");
    List<String> flags = keySpecFlags(spec);
    reply.set(flags.size());
    for (String flag : flags) {
      reply.simple(flag);
    }
    reply.bulk("begin_search");
    reply.map(2);
    reply.bulk("type");
    if (range && !movable) {
      reply.bulk("index");
      reply.bulk("spec");
      reply.map(1);
      reply.bulk("index");
      reply.integer(spec.firstKey());
    } else {
      reply.bulk("unknown");
      reply.bulk("spec");
      reply.map(0);
    }
    reply.bulk("find_keys");
    reply.map(2);
    reply.bulk("type");
    if (range && !movable) {
      reply.bulk("range");
      reply.bulk("spec");
      reply.map(3);
      reply.bulk("lastkey");
      reply.integer(spec.lastKey() < 0 ? spec.lastKey() : spec.lastKey() - spec.firstKey());
      reply.bulk("keystep");
      reply.integer(spec.keyStep());
      reply.bulk("limit");
      reply.integer(0);
    } else {
      reply.bulk("unknown");
      reply.bulk("spec");
      reply.map(0);
    }
  }

  private static List<String> keySpecFlags(CommandSpec spec) {
    if (spec.isWrite()) {
      return List.of("RW", "UPDATE");
    }
    if (spec.has(CommandFlag.READONLY)) {
      return List.of("RO", "ACCESS");
    }
    return List.of("RO");
  }

  private static void docs(CommandContext c) {
    Reply reply = c.reply();
    List<CommandSpec> specs = new ArrayList<>();
    if (c.argc() == 2) {
      specs.addAll(c.server().commands().all());
    } else {
      for (int i = 2; i < c.argc(); i++) {
        CommandSpec spec = find(c.server(), c.argString(i));
        if (spec != null) {
          specs.add(spec);
        }
      }
    }
    reply.map(specs.size());
    for (CommandSpec spec : specs) {
      reply.bulk(spec.fullName());
      writeDocs(reply, spec);
    }
  }

  private static void writeDocs(Reply reply, CommandSpec spec) {
    boolean hasSubs = spec.hasSubcommands();
    reply.map(hasSubs ? 5 : 4);
    reply.bulk("summary");
    reply.bulk(spec.summary());
    reply.bulk("since");
    reply.bulk(spec.since());
    reply.bulk("group");
    reply.bulk(spec.group());
    reply.bulk("complexity");
    reply.bulk(spec.complexity());
    if (hasSubs) {
      reply.bulk("subcommands");
      reply.map(spec.subcommands().size());
      for (CommandSpec sub : spec.subcommands().values()) {
        reply.bulk(sub.fullName());
        writeDocs(reply, sub);
      }
    }
  }

  /** COMMAND GETKEYS with Redis's checks and error texts ({@code getKeysSubcommandImpl}). */
  private static void getKeys(CommandContext c) {
    byte[][] command = Arrays.copyOfRange(c.args(), 2, c.argc());
    CommandSpec spec = c.server().commands().lookup(command[0]);
    if (spec != null && spec.hasSubcommands() && command.length >= 2) {
      CommandSpec sub = CommandRegistry.subcommand(spec, command[1]);
      if (sub != null) {
        spec = sub;
      } else if (spec.handler() == null) {
        spec = null;
      }
    }
    if (spec == null) {
      throw ShoalError.err("Invalid command specified");
    }
    if (spec.firstKey() <= 0 && !spec.movableKeys()) {
      throw ShoalError.err("The command has no key arguments");
    }
    if (!spec.arityAccepts(command.length)) {
      throw ShoalError.err("Invalid number of arguments specified for command");
    }
    int[] positions = spec.keyPositions(command);
    int valid = 0;
    for (int position : positions) {
      if (position < command.length) {
        valid++;
      }
    }
    if (valid == 0 && !spec.has(CommandFlag.NO_MANDATORY_KEYS)) {
      throw ShoalError.err("Invalid arguments specified for command");
    }
    Reply reply = c.reply();
    reply.array(valid);
    for (int position : positions) {
      if (position < command.length) {
        reply.bulk(command[position]);
      }
    }
  }

  private static void list(CommandContext c) {
    List<String> names = new ArrayList<>();
    String filter = null;
    String value = null;
    if (c.argc() == 5 && c.argIs(2, "FILTERBY")) {
      filter = c.option(3);
      value = c.argString(4);
      if (!filter.equals("MODULE") && !filter.equals("ACLCAT") && !filter.equals("PATTERN")) {
        throw ShoalError.syntax();
      }
    } else if (c.argc() != 2) {
      throw ShoalError.syntax();
    }
    for (CommandSpec spec : c.server().commands().all()) {
      addMatching(names, spec, filter, value);
      for (CommandSpec sub : spec.subcommands().values()) {
        addMatching(names, sub, filter, value);
      }
    }
    Reply reply = c.reply();
    reply.array(names.size());
    for (String name : names) {
      reply.bulk(name);
    }
  }

  private static void addMatching(List<String> names, CommandSpec spec, String filter, String value) {
    if (filter == null) {
      names.add(spec.fullName());
    } else if (filter.equals("ACLCAT")) {
      String wanted = value.startsWith("@") ? value : "@" + value;
      for (String category : spec.aclCategories()) {
        if (category.equalsIgnoreCase(wanted)) {
          names.add(spec.fullName());
          return;
        }
      }
    } else if (filter.equals("PATTERN")) {
      if (Glob.matches(value.toLowerCase(), spec.fullName())) {
        names.add(spec.fullName());
      }
    }
  }
}
