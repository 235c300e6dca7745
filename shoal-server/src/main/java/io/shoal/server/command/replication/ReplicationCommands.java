package io.shoal.server.command.replication;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.ALLOW_BUSY;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.NO_ASYNC_LOADING;
import static io.shoal.server.command.CommandFlag.NO_MULTI;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.replication.ReplicationControl;
import io.shoal.server.replication.ReplicationModule;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import java.util.List;

/**
 * REPLICAOF (SLAVEOF), PSYNC, SYNC, REPLCONF, ROLE and WAIT, with Redis's replies and errors; the
 * replication itself is {@link ReplicationModule}.
 */
public final class ReplicationCommands implements ServerModule {
  private ReplicationModule replication;

  @Override
  public void install(ShoalServer server) {
    replication = server.module(ReplicationModule.class);
    for (String name : List.of("replicaof", "slaveof")) {
      server.register(CommandSpec.builder(name, 3).flags(ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING)
          .acl("@admin", "@slow", "@dangerous").group("server")
          .doc("Configures a server as replica of another, or promotes it to a master.", "5.0.0", "O(1)")
          .handler(this::replicaof).build());
    }
    server.register(CommandSpec.builder("psync", -3).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI)
        .acl("@admin", "@slow", "@dangerous").group("server")
        .doc("An internal command used in replication.", "2.8.0").handler(this::psync).build());
    server.register(CommandSpec.builder("sync", 1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI)
        .acl("@admin", "@slow", "@dangerous").group("server")
        .doc("An internal command used in replication.", "1.0.0").handler(this::sync).build());
    server.register(CommandSpec.builder("replconf", -1).flags(ADMIN, NOSCRIPT, LOADING, STALE, ALLOW_BUSY)
        .acl("@admin", "@slow", "@dangerous").group("server")
        .doc("An internal command for configuring the replication stream.", "3.0.0", "O(1)")
        .handler(this::replconf).build());
    server.register(CommandSpec.builder("role", 1).flags(NOSCRIPT, LOADING, STALE, FAST)
        .acl("@admin", "@fast", "@dangerous").group("server")
        .doc("Returns the replication role.", "2.8.12", "O(1)").handler(this::role).build());
    server.register(CommandSpec.builder("wait", 3).flags(NOSCRIPT).acl("@slow", "@connection").group("generic")
        .doc("Blocks until the asynchronous replication of all preceding write commands sent by the connection"
            + " is completed.", "3.0.0", "O(1)").handler(this::waitCommand).build());
  }

  private void replicaof(CommandContext c) {
    if (c.server().clusterEnabled()) {
      throw ShoalError.err("REPLICAOF not allowed in cluster mode.");
    }
    if (c.argIs(1, "no") && c.argIs(2, "one")) {
      replication.promote();
      c.reply().ok();
      return;
    }
    if (replication.client(c.client())) {
      throw ShoalError.err("Command is not valid when client is a replica.");
    }
    long port;
    try {
      port = NumberFormat.parseLong(c.arg(2));
    } catch (RuntimeException e) {
      throw ShoalError.err("Invalid master port");
    }
    if (port < 0 || port > 65535) {
      throw ShoalError.err("Invalid master port");
    }
    String host = c.argString(1);
    if (host.equals(replication.masterHost()) && port == replication.masterPort()) {
      c.reply().simple("OK Already connected to specified master");
      return;
    }
    replication.replicate(host, (int) port);
    c.reply().ok();
  }

  private void psync(CommandContext c) {
    long offset;
    try {
      offset = NumberFormat.parseLong(c.arg(2));
    } catch (RuntimeException e) {
      offset = -1;
    }
    if (c.client().kind().equals("replica")) {
      return; // already a replica: Redis ignores a second PSYNC
    }
    replication.psync(c.client(), c.argString(1), offset, false);
  }

  private void sync(CommandContext c) {
    if (c.client().kind().equals("replica")) {
      return;
    }
    replication.psync(c.client(), "?", -1, true);
  }

  private void replconf(CommandContext c) {
    if ((c.argc() % 2) == 0) {
      throw ShoalError.syntax();
    }
    for (int i = 1; i < c.argc(); i += 2) {
      String option = c.argString(i).toLowerCase();
      String value = c.argString(i + 1);
      switch (option) {
        case "ack":
          try {
            replication.ack(c.client(), NumberFormat.parseLong(c.arg(i + 1)));
          } catch (RuntimeException e) {
            // a malformed ACK is ignored, as Redis does
          }
          return; // no reply to ACK
        case "getack":
          if (replication.isMasterClient(c.client())) {
            replication.ackMaster();
          }
          return;
        case "listening-port":
          try {
            int port = Integer.parseInt(value);
            replication.replconf(c.client(), option, Integer.toString(port));
          } catch (NumberFormatException e) {
            throw ShoalError.err("value is not an integer or out of range");
          }
          break;
        case "ip-address":
          replication.replconf(c.client(), option, value);
          break;
        case "capa": case "rdb-only": case "rdb-filter-only": case "rdb-channel":
          break;
        default:
          throw ShoalError.err("Unrecognized REPLCONF option: " + c.argString(i));
      }
    }
    c.reply().ok();
  }

  private void role(CommandContext c) {
    Reply reply = c.reply();
    if (replication.isReplica()) {
      reply.array(5);
      reply.bulk("slave");
      reply.bulk(replication.masterHost());
      reply.integer(replication.masterPort());
      reply.bulk(replication.linkState());
      reply.integer(replication.linkUp() ? replication.appliedOffset() : -1);
      return;
    }
    List<ReplicationControl.ReplicaInfo> replicas = replication.replicas();
    reply.array(3);
    reply.bulk("master");
    reply.integer(replication.offset());
    reply.array(replicas.size());
    for (ReplicationControl.ReplicaInfo replica : replicas) {
      reply.array(3);
      reply.bulk(replica.host());
      reply.bulk(Integer.toString(replica.port()));
      reply.bulk(Long.toString(replica.ackOffset()));
    }
  }

  private void waitCommand(CommandContext c) {
    if (replication.isReplica()) {
      throw ShoalError.err("WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a"
          + " replica is configured to be writable (which is not the default) writes to replicas are just local and"
          + " are not propagated.");
    }
    long replicas = c.argLong(1);
    long timeout;
    try {
      timeout = NumberFormat.parseLong(c.arg(2));
    } catch (RuntimeException e) {
      throw ShoalError.err("timeout is not an integer or out of range");
    }
    if (timeout < 0) {
      throw ShoalError.err("timeout is negative");
    }
    ClientConnection client = c.client();
    long target = replication.lastWriteOffset(client);
    int now = replication.countAcked(target);
    if (now >= replicas || client.denyBlocking()) {
      c.reply().integer(now);
      return;
    }
    client.blocked(true);
    replication.awaitAcks(target, (int) Math.min(Integer.MAX_VALUE, replicas), timeout)
        .thenAccept(count -> client.unblockWith(reply -> reply.integer(count)));
  }
}
