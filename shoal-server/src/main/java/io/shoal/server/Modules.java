package io.shoal.server;

import io.shoal.server.server.ServerModule;
import java.util.List;

/**
 * Every module a node installs, in installation order: command families first, then features.
 * One line per module keeps this the single place a reader learns what a node is made of.
 */
final class Modules {
  private Modules() {}

  static List<ServerModule> all() {
    return List.of(
        new io.shoal.server.command.connection.ConnectionCommands(),
        new io.shoal.server.command.string.StringCommands(),
        new io.shoal.server.command.keys.KeyCommands(),
        new io.shoal.server.expiry.ActiveExpiry(),
        new io.shoal.server.eviction.Eviction(),
        new io.shoal.server.command.transaction.TransactionCommands(),
        new io.shoal.server.command.pubsub.PubSubCommands(),
        new io.shoal.server.blocking.BlockingRegistry(),
        new io.shoal.server.command.server.CommandCommand(),
        new io.shoal.server.command.server.InfoCommand(),
        new io.shoal.server.command.server.ClientCommand(),
        new io.shoal.server.command.server.ConfigCommand(),
        new io.shoal.server.command.server.ServerCommands(),
        new io.shoal.server.command.server.DebugCommand(),
        new io.shoal.server.command.hash.HashCommands(),
        new io.shoal.server.command.set.SetCommands(),
        new io.shoal.server.command.list.ListCommands(),
        new io.shoal.server.command.zset.SortedSetCommands(),
        new io.shoal.server.command.hyperloglog.HyperLogLogCommands(),
        new io.shoal.server.persistence.Persistence(),
        new io.shoal.server.command.persistence.PersistenceCommands(),
        new io.shoal.server.replication.ReplicationModule(),
        new io.shoal.server.command.replication.ReplicationCommands(),
        new io.shoal.server.replication.DurableWrites(),
        new io.shoal.server.cluster.ClusterModule()
    );
  }
}
