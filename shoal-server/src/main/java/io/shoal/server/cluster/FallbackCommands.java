package io.shoal.server.cluster;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;

/**
 * The two commands redis-cli's cluster manager reads from every node, INFO (for
 * {@code cluster_enabled:1} and {@code db0:}) and DBSIZE, registered only when no other module
 * provides them, so cluster tooling works on a node built without the server command family.
 */
final class FallbackCommands {
  private FallbackCommands() {}

  static void registerIfMissing(ShoalServer server) {
    if (server.commands().lookup("info") == null) {
      server.register(CommandSpec.builder("info", -1).flags(CommandFlag.LOADING, CommandFlag.STALE)
          .acl("@slow", "@dangerous").group("server").doc("Returns information and statistics about the server.",
              "1.0.0", "O(1)")
          .handler(c -> {
            StringBuilder text = new StringBuilder();
            String section = c.argc() > 1 ? c.argString(1).toLowerCase(java.util.Locale.ROOT) : "default";
            boolean all = section.equals("default") || section.equals("all") || section.equals("everything");
            if (all || section.equals("server")) {
              text.append("# Server\r\nredis_version:").append(io.shoal.server.command.connection.ServerInfo.REDIS_VERSION)
                  .append("\r\nredis_mode:cluster\r\ntcp_port:").append(server.port()).append("\r\n\r\n");
            }
            if (all || section.equals("cluster")) {
              text.append("# Cluster\r\ncluster_enabled:").append(server.clusterEnabled() ? 1 : 0).append("\r\n\r\n");
            }
            if (all || section.equals("keyspace")) {
              text.append("# Keyspace\r\n");
              for (int i = 0; i < server.keyspace().databaseCount(); i++) {
                Database db = server.keyspace().db(i);
                if (db.size() > 0) {
                  text.append("db").append(i).append(":keys=").append(db.size()).append(",expires=")
                      .append(db.volatileSize()).append(",avg_ttl=0\r\n");
                }
              }
            }
            c.reply().verbatim(text.toString());
          }).build());
    }
    if (server.commands().lookup("dbsize") == null) {
      server.register(CommandSpec.builder("dbsize", 1).flags(CommandFlag.READONLY, CommandFlag.FAST)
          .acl("@keyspace", "@read", "@fast").group("server").doc("Returns the number of keys in the database.",
              "1.0.0", "O(1)")
          .handler(c -> c.reply().integer(c.db().size())).build());
    }
  }
}
