package io.shoal.server.command.server;

import io.shoal.server.blocking.BlockingRegistry;
import io.shoal.server.blocking.ClientUnblock;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.connection.ClientNames;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CLIENT: the connection's own identity (ID, SETNAME, GETNAME, SETINFO, INFO, REPLY, NO-EVICT)
 * and the operator's view of all connections (LIST, KILL, PAUSE, UNPAUSE), with Redis 7's
 * argument checks and error texts ({@code clientCommand} in networking.c).
 */
public final class ClientCommand implements ServerModule {
  private ClientPause pause;

  @Override
  public void install(ShoalServer server) {
    pause = new ClientPause(server);
    server.addHold(pause);
    server.register(CommandSpec.builder("client", -2).acl("@slow").group("connection")
        .doc("A container for client connection commands.", "2.4.0", "Depends on subcommand.")
        .subcommand(ClientUnblock.spec(server.module(BlockingRegistry.class)))
        .subcommand(sub("id", 2, "Returns the unique client ID of the connection.", "5.0.0", c -> c.reply().integer(c.client().id())))
        .subcommand(sub("setname", 3, "Sets the connection name.", "2.6.9", ClientCommand::setName))
        .subcommand(sub("getname", 2, "Returns the name of the connection.", "2.6.9", ClientCommand::getName))
        .subcommand(sub("setinfo", 4, "Sets information specific to the client or connection.", "7.2.0", ClientCommand::setInfo))
        .subcommand(sub("info", 2, "Returns information about the connection.", "6.2.0",
            c -> c.reply().verbatim(ClientLine.of(c.client(), c.server().nowMillis()) + "\n")))
        .subcommand(admin("list", -2, "Lists open connections.", "2.4.0", ClientCommand::list))
        .subcommand(admin("kill", -3, "Terminates open connections.", "2.4.0", ClientCommand::kill))
        .subcommand(admin("pause", -3, "Suspends commands processing.", "3.0.0", this::pause))
        .subcommand(admin("unpause", 2, "Resumes processing commands from paused clients.", "6.2.0", c -> {
          pause.unpause();
          c.reply().ok();
        }))
        .subcommand(admin("no-evict", 3, "Sets the client eviction mode of the connection.", "7.0.0", ClientCommand::noEvict))
        .subcommand(sub("reply", 3, "Instructs the server whether to reply to commands.", "3.2.0", ClientCommand::reply))
        .subcommand(sub("help", 2, "Returns helpful text about the different subcommands.", "5.0.0", ClientCommand::help))
        .build());
  }

  public ClientPause pause() {
    return pause;
  }

  /** The pause state of a node, or null if this module is not installed. */
  static ClientPause pauseOf(ShoalServer server) {
    try {
      return server.module(ClientCommand.class).pause();
    } catch (IllegalStateException e) {
      return null;
    }
  }

  private static CommandSpec sub(String name, int arity, String summary, String since, CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(NOSCRIPT, LOADING, STALE).acl("@slow", "@connection")
        .group("connection").doc(summary, since, "O(1)").handler(handler).build();
  }

  private static CommandSpec admin(String name, int arity, String summary, String since, CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl("@admin", "@slow", "@dangerous", "@connection")
        .group("connection").doc(summary, since, "O(N) where N is the number of client connections").handler(handler).build();
  }

  private static void setName(CommandContext c) {
    String name = c.argString(2);
    ClientNames.check(name);
    c.client().name(name);
    c.reply().ok();
  }

  private static void getName(CommandContext c) {
    String name = c.client().name();
    if (name.isEmpty()) {
      c.reply().nullBulk();
    } else {
      c.reply().bulk(name);
    }
  }

  private static void setInfo(CommandContext c) {
    String option = c.option(2);
    String value = c.argString(3);
    if (!option.equals("LIB-NAME") && !option.equals("LIB-VER")) {
      throw ShoalError.err("Unrecognized option '" + c.argString(2) + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch < '!' || ch > '~') {
        throw ShoalError.err(option.toLowerCase() + " cannot contain spaces, newlines or special characters.");
      }
    }
    if (option.equals("LIB-NAME")) {
      c.client().libraryName(value);
    } else {
      c.client().libraryVersion(value);
    }
    c.reply().ok();
  }

  private static void list(CommandContext c) {
    String type = null;
    Set<Long> ids = null;
    int i = 2;
    while (i < c.argc()) {
      if (c.argIs(i, "TYPE") && i + 1 < c.argc()) {
        type = clientType(c.argString(i + 1));
        i += 2;
      } else if (c.argIs(i, "ID") && i + 1 < c.argc()) {
        ids = new HashSet<>();
        for (i = i + 1; i < c.argc(); i++) {
          long id;
          try {
            id = NumberFormat.parseLong(c.arg(i));
          } catch (ShoalError e) {
            throw ShoalError.err("Invalid client ID");
          }
          if (id <= 0) {
            throw ShoalError.err("Invalid client ID");
          }
          ids.add(id);
        }
      } else {
        throw ShoalError.syntax();
      }
    }
    long now = c.server().nowMillis();
    StringBuilder text = new StringBuilder();
    for (ClientConnection client : c.server().clients().all()) {
      if (type != null && !type.equals(typeOf(client))) {
        continue;
      }
      if (ids != null && !ids.contains(client.id())) {
        continue;
      }
      text.append(ClientLine.of(client, now)).append('\n');
    }
    c.reply().verbatim(text.toString());
  }

  /** Normalises a TYPE argument; replicas and masters are never plain clients of this module. */
  private static String clientType(String value) {
    switch (value.toLowerCase()) {
      case "normal": return "normal";
      case "pubsub": return "pubsub";
      case "master": return "master";
      case "replica": case "slave": return "replica";
      default: throw ShoalError.err("Unknown client type '" + value + "'");
    }
  }

  static String typeOf(ClientConnection client) {
    if (!"normal".equals(client.kind())) {
      return client.kind();
    }
    return client.subscriptionCount() > 0 ? "pubsub" : "normal";
  }

  private static void kill(CommandContext c) {
    if (c.argc() == 3) {
      String address = c.argString(2);
      for (ClientConnection client : c.server().clients().all()) {
        if (client.address().equals(address)) {
          close(c, client);
          c.reply().ok();
          return;
        }
      }
      throw ShoalError.err("No such client");
    }
    if (c.argc() % 2 != 0) {
      throw ShoalError.syntax();
    }
    Long id = null;
    String type = null;
    String address = null;
    String localAddress = null;
    String user = null;
    long maxAgeSeconds = 0;
    boolean skipMe = true;
    for (int i = 2; i < c.argc(); i += 2) {
      String option = c.option(i);
      String value = c.argString(i + 1);
      switch (option) {
        case "ID":
          long parsed;
          try {
            parsed = NumberFormat.parseLong(c.arg(i + 1));
          } catch (ShoalError e) {
            throw ShoalError.err("client-id should be greater than 0");
          }
          if (parsed <= 0) {
            throw ShoalError.err("client-id should be greater than 0");
          }
          id = parsed;
          break;
        case "TYPE":
          type = clientType(value);
          break;
        case "ADDR":
          address = value;
          break;
        case "LADDR":
          localAddress = value;
          break;
        case "USER":
          user = value;
          break;
        case "MAXAGE":
          maxAgeSeconds = c.argLong(i + 1);
          break;
        case "SKIPME":
          if (value.equalsIgnoreCase("yes")) {
            skipMe = true;
          } else if (value.equalsIgnoreCase("no")) {
            skipMe = false;
          } else {
            throw ShoalError.syntax();
          }
          break;
        default:
          throw ShoalError.syntax();
      }
    }
    long now = c.server().nowMillis();
    List<ClientConnection> victims = new ArrayList<>();
    for (ClientConnection client : c.server().clients().all()) {
      if ((id != null && client.id() != id)
          || (type != null && !type.equals(typeOf(client)))
          || (address != null && !client.address().equals(address))
          || (localAddress != null && !client.localAddress().equals(localAddress))
          || (user != null && !client.user().equals(user))
          || (maxAgeSeconds > 0 && (now - client.createdMillis()) / 1000 < maxAgeSeconds)
          || (skipMe && client == c.client())) {
        continue;
      }
      victims.add(client);
    }
    for (ClientConnection victim : victims) {
      close(c, victim);
    }
    c.reply().integer(victims.size());
  }

  /** Closes a connection; the calling client is closed after its reply is written, as Redis does. */
  private static void close(CommandContext c, ClientConnection victim) {
    victim.closing(true);
    if (victim != c.client() && victim.channel() != null) {
      victim.channel().close();
    }
  }

  private void pause(CommandContext c) {
    long millis;
    try {
      millis = NumberFormat.parseLong(c.arg(2));
    } catch (ShoalError e) {
      throw ShoalError.err("timeout is not an integer or out of range");
    }
    if (millis < 0) {
      throw ShoalError.err("timeout is negative");
    }
    ClientPause.Mode mode = ClientPause.Mode.ALL;
    if (c.argc() == 4) {
      if (c.argIs(3, "WRITE")) {
        mode = ClientPause.Mode.WRITE;
      } else if (!c.argIs(3, "ALL")) {
        throw ShoalError.err("CLIENT PAUSE mode must be WRITE or ALL");
      }
    } else if (c.argc() > 4) {
      throw ShoalError.syntax();
    }
    pause.pause(millis, mode);
    c.reply().ok();
  }

  private static void noEvict(CommandContext c) {
    if (c.argIs(2, "ON")) {
      c.client().noEvict(true);
    } else if (c.argIs(2, "OFF")) {
      c.client().noEvict(false);
    } else {
      throw ShoalError.syntax();
    }
    c.reply().ok();
  }

  /** REPLY OFF and SKIP are not answered; ON is (the connection handler lets that OK through). */
  private static void reply(CommandContext c) {
    if (c.argIs(2, "ON")) {
      c.client().replyMode(ClientConnection.ReplyMode.ON);
      c.reply().ok();
    } else if (c.argIs(2, "OFF")) {
      c.client().replyMode(ClientConnection.ReplyMode.OFF);
    } else if (c.argIs(2, "SKIP")) {
      if (c.client().replyMode() == ClientConnection.ReplyMode.ON) {
        c.client().skipNextReply(true);
      }
    } else {
      throw ShoalError.syntax();
    }
  }

  private static void help(CommandContext c) {
    Help.reply(c.reply(), "CLIENT",
        "GETNAME", "    Return the name of the current connection.",
        "ID", "    Return the ID of the current connection.",
        "INFO", "    Return information about the current client connection.",
        "KILL <ip:port>", "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
        "    * USER <username>", "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
        "    * ID <client-id>", "      Kill connections by client id.",
        "    * MAXAGE <maxage>", "      Kill connections older than the specified age.",
        "LIST [options ...]", "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]", "      Return clients of specified IDs only.",
        "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "UNPAUSE", "    Stop the current client pause, resuming traffic.",
        "SETNAME <name>", "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>", "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.", "    * LIB-VER: the client lib version.",
        "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
        "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.");
  }
}
