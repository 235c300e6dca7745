package io.shoal.server.command.connection;

import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NO_AUTH;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/** PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET: the commands about the connection itself. */
public final class ConnectionCommands implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.register(CommandSpec.builder("ping", -1).flags(FAST, STALE, LOADING).acl("@fast", "@connection")
        .group("connection").doc("Returns the server's liveliness response.", "1.0.0", "O(1)")
        .handler(ConnectionCommands::ping).build());
    server.register(CommandSpec.builder("echo", 2).flags(FAST, STALE, LOADING).acl("@fast", "@connection")
        .group("connection").doc("Returns the given string.", "1.0.0", "O(1)")
        .handler(c -> c.reply().bulk(c.arg(1))).build());
    server.register(CommandSpec.builder("quit", -1).flags(NO_AUTH, FAST, STALE, LOADING, NOSCRIPT)
        .acl("@fast", "@connection").group("connection").doc("Closes the connection.", "1.0.0", "O(1)")
        .handler(c -> {
          c.reply().ok();
          c.client().closing(true);
        }).build());
    server.register(CommandSpec.builder("select", 2).flags(FAST, STALE, LOADING).acl("@fast", "@connection")
        .group("connection").doc("Changes the selected database.", "1.0.0", "O(1)")
        .handler(ConnectionCommands::select).build());
    server.register(CommandSpec.builder("auth", -2).flags(NO_AUTH, FAST, STALE, LOADING, NOSCRIPT)
        .acl("@fast", "@connection").group("connection").doc("Authenticates the connection.", "1.0.0", "O(N)")
        .handler(ConnectionCommands::auth).build());
    server.register(CommandSpec.builder("hello", -1).flags(NO_AUTH, FAST, STALE, LOADING, NOSCRIPT)
        .acl("@fast", "@connection").group("connection").doc("Handshakes with the Redis server.", "6.0.0", "O(1)")
        .handler(ConnectionCommands::hello).build());
    server.register(CommandSpec.builder("reset", 1).flags(NO_AUTH, FAST, STALE, LOADING, NOSCRIPT)
        .acl("@fast", "@connection").group("connection").doc("Resets the connection.", "6.2.0", "O(1)")
        .handler(ConnectionCommands::reset).build());
  }

  private static void ping(CommandContext c) {
    if (c.argc() > 2) {
      throw c.wrongArgs();
    }
    if (c.client().inSubscribeMode()) {
      // A subscribed RESP2 client gets PING's answer as a pub/sub-style message, as in Redis.
      c.reply().array(2);
      c.reply().bulk("pong");
      c.reply().bulk(c.argc() == 2 ? c.arg(1) : new byte[0]);
      return;
    }
    if (c.argc() == 2) {
      c.reply().bulk(c.arg(1));
    } else {
      c.reply().simple("PONG");
    }
  }

  private static void select(CommandContext c) {
    long index;
    try {
      index = c.argLong(1);
    } catch (ShoalError e) {
      throw ShoalError.err("value is not an integer or out of range");
    }
    if (c.server().clusterEnabled() && index != 0) {
      throw ShoalError.err("SELECT is not allowed in cluster mode");
    }
    if (index < 0 || index >= c.server().keyspace().databaseCount()) {
      throw ShoalError.err("DB index is out of range");
    }
    c.client().db((int) index);
    c.reply().ok();
  }

  private static void auth(CommandContext c) {
    if (c.argc() > 3) {
      throw ShoalError.syntax();
    }
    String user = c.argc() == 3 ? c.argString(1) : "default";
    byte[] password = c.arg(c.argc() - 1);
    String required = c.server().core().requirepass.text();
    if (required.isEmpty() && c.argc() == 2) {
      throw ShoalError.err("AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
    }
    if (!checkPassword(c.server(), user, password)) {
      throw new ShoalError("WRONGPASS invalid username-password pair or user is disabled.");
    }
    c.client().authenticated(true);
    c.client().user(user);
    c.reply().ok();
  }

  /** Compares in constant time, so response timing does not leak the password. */
  static boolean checkPassword(ShoalServer server, String user, byte[] password) {
    if (!user.equals("default")) {
      return false;
    }
    String required = server.core().requirepass.text();
    if (required.isEmpty()) {
      return true;
    }
    return MessageDigest.isEqual(required.getBytes(StandardCharsets.UTF_8), password);
  }

  private static void hello(CommandContext c) {
    int protocol = c.client().protocol();
    int next = 1;
    if (c.argc() >= 2) {
      long version;
      try {
        version = c.argLong(1);
      } catch (ShoalError e) {
        throw ShoalError.err("Protocol version is not an integer or out of range");
      }
      if (version < 2 || version > 3) {
        throw new ShoalError("NOPROTO unsupported protocol version");
      }
      protocol = (int) version;
      next = 2;
    }
    String name = null;
    for (int i = next; i < c.argc(); i++) {
      if (c.argIs(i, "AUTH") && i + 2 < c.argc()) {
        if (!checkPassword(c.server(), c.argString(i + 1), c.arg(i + 2))) {
          throw new ShoalError("WRONGPASS invalid username-password pair or user is disabled.");
        }
        c.client().authenticated(true);
        c.client().user(c.argString(i + 1));
        i += 2;
      } else if (c.argIs(i, "SETNAME") && i + 1 < c.argc()) {
        name = c.argString(i + 1);
        ClientNames.check(name);
        i += 1;
      } else {
        throw ShoalError.err("Syntax error in HELLO option '" + c.argString(i) + "'");
      }
    }
    if (!c.client().authenticated()) {
      throw new ShoalError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    }
    if (name != null) {
      c.client().name(name);
    }
    c.client().protocol(protocol);
    Reply reply = c.reply();
    reply.map(7);
    reply.bulk("server");
    reply.bulk("redis");
    reply.bulk("version");
    reply.bulk(ServerInfo.REDIS_VERSION);
    reply.bulk("proto");
    reply.integer(protocol);
    reply.bulk("id");
    reply.integer(c.client().id());
    reply.bulk("mode");
    reply.bulk(c.server().clusterEnabled() ? "cluster" : "standalone");
    reply.bulk("role");
    reply.bulk(c.server().roleName());
    reply.bulk("modules");
    reply.emptyArray();
  }

  private static void reset(CommandContext c) {
    ClientConnection client = c.client();
    c.server().resetClient(client);
    client.db(0);
    client.protocol(2);
    client.name("");
    client.replyMode(ClientConnection.ReplyMode.ON);
    client.noEvict(false);
    client.readOnlyCluster(false);
    client.asking(false);
    client.authenticated(c.server().core().requirepass.text().isEmpty());
    c.reply().simple("RESET");
  }
}
