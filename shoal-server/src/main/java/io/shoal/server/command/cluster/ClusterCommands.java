package io.shoal.server.command.cluster;

import static io.shoal.server.command.CommandFlag.ADMIN;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.cluster.member.NodeId;
import io.shoal.server.ShoalServer;
import io.shoal.server.cluster.ClusterModule;
import io.shoal.server.cluster.ClusterState;
import io.shoal.server.cluster.KnownNode;
import io.shoal.server.cluster.NodesFormat;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.SlotTable;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * CLUSTER and its subcommands, READONLY, READWRITE and ASKING, with Redis 7.2's replies and error
 * texts ({@code cluster.c} and {@code cluster_legacy.c}). The slot map itself lives in
 * {@link ClusterState}; these handlers only parse, check and format.
 */
public final class ClusterCommands {
  static final String DISABLED = "This instance has cluster support disabled";

  private final ClusterModule module;

  public ClusterCommands(ClusterModule module) {
    this.module = module;
  }

  public void install(ShoalServer server) {
    CommandSpec.Builder cluster = CommandSpec.builder("cluster", -2).group("cluster")
        .doc("A container for Redis Cluster commands.", "3.0.0", "Depends on subcommand.");
    sub(cluster, "info", 2, "Returns information about the state of a node.", c -> info(c));
    sub(cluster, "myid", 2, "Returns the ID of a node.", c -> c.reply().bulk(state().myId().toHex()));
    sub(cluster, "myshardid", 2, "Returns the shard ID of a node.", c -> c.reply().bulk(state().myId().toHex()));
    sub(cluster, "nodes", 2, "Returns the cluster configuration for a node.",
        c -> c.reply().verbatim(NodesFormat.describeAll(state())));
    sub(cluster, "slots", 2, "Returns the mapping of cluster slots to nodes.", c -> ClusterTopology.slots(c, state()));
    sub(cluster, "shards", 2, "Returns the mapping of cluster slots to shards.",
        c -> ClusterTopology.shards(c, state()));
    sub(cluster, "keyslot", 3, "Returns the hash slot for a key.", c -> c.reply().integer(KeySlot.of(c.arg(2))));
    sub(cluster, "countkeysinslot", 3, "Returns the number of keys in a hash slot.", this::countKeysInSlot);
    sub(cluster, "getkeysinslot", 4, "Returns the key names in a hash slot.", this::getKeysInSlot);
    sub(cluster, "addslots", -3, "Assigns new hash slots to a node.", c -> state().addSlots(slotsOf(c, 2)));
    sub(cluster, "addslotsrange", -4, "Assigns new hash slot ranges to a node.",
        c -> state().addSlots(rangesOf(c)));
    sub(cluster, "delslots", -3, "Sets hash slots as unbound for a node.", c -> state().deleteSlots(slotsOf(c, 2)));
    sub(cluster, "delslotsrange", -4, "Sets hash slot ranges as unbound for a node.",
        c -> state().deleteSlots(rangesOf(c)));
    sub(cluster, "flushslots", 2, "Deletes all slots information from a node.", this::flushSlots);
    sub(cluster, "meet", -4, "Forces a node to handshake with another node.", this::meet);
    sub(cluster, "forget", 3, "Removes a node from the nodes table.", this::forget);
    sub(cluster, "reset", -2, "Resets a node.", this::reset);
    sub(cluster, "setslot", -4, "Binds a hash slot to a node.", this::setSlot);
    sub(cluster, "bumpepoch", 2, "Advances the cluster config epoch.", c -> {
      boolean bumped = state().bumpEpochWithoutConsensus();
      c.reply().simple((bumped ? "BUMPED " : "STILL ") + state().myself().configEpoch());
    });
    sub(cluster, "set-config-epoch", 3, "Sets the configuration epoch for a new node.",
        c -> state().setConfigEpoch(c.argLong(2)));
    sub(cluster, "count-failure-reports", 3, "Returns the number of active failure reports active for a node.",
        this::countFailureReports);
    sub(cluster, "links", 2, "Returns a list of all TCP links to and from peer nodes.",
        c -> ClusterTopology.links(c, state(), module.server().nowMillis()));
    sub(cluster, "replicate", 3, "Configure a node as replica of a master node.",
        c -> module.replicate(nodeId(c.argString(2), "Unknown node ")));
    sub(cluster, "failover", -2, "Forces a replica to perform a manual failover of its master.", this::failover);
    sub(cluster, "replicas", 3, "Lists the replica nodes of a master node.", this::replicas);
    sub(cluster, "slaves", 3, "Lists the replica nodes of a master node.", this::replicas);
    sub(cluster, "help", 2, "Returns helpful text about the different subcommands.", ClusterCommands::help);
    server.register(cluster.build());

    server.register(CommandSpec.builder("readonly", 1).flags(FAST, LOADING, STALE).acl("@fast", "@connection")
        .group("cluster").doc("Enables read-only queries for a connection to a Redis Cluster replica node.",
            "3.0.0", "O(1)")
        .handler(c -> {
          requireCluster();
          c.client().readOnlyCluster(true);
          c.reply().ok();
        }).build());
    server.register(CommandSpec.builder("readwrite", 1).flags(FAST, LOADING, STALE).acl("@fast", "@connection")
        .group("cluster").doc("Enables read-write queries for a connection to a Redis Cluster replica node.",
            "3.0.0", "O(1)")
        .handler(c -> {
          requireCluster();
          c.client().readOnlyCluster(false);
          c.reply().ok();
        }).build());
    server.register(CommandSpec.builder("asking", 1).flags(FAST).acl("@fast", "@connection").group("cluster")
        .doc("Signals that a cluster client is following an -ASK redirect.", "3.0.0", "O(1)")
        .handler(c -> {
          requireCluster();
          c.client().asking(true);
          c.reply().ok();
        }).build());
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER]: answers OK at once; the failover runs in the background. */
  private void failover(io.shoal.server.command.CommandContext c) {
    io.shoal.server.cluster.failover.ManualFailover.Mode mode = io.shoal.server.cluster.failover.ManualFailover.Mode.DEFAULT;
    if (c.argc() == 3) {
      String option = c.argString(2).toLowerCase(java.util.Locale.ROOT);
      mode = switch (option) {
        case "force" -> io.shoal.server.cluster.failover.ManualFailover.Mode.FORCE;
        case "takeover" -> io.shoal.server.cluster.failover.ManualFailover.Mode.TAKEOVER;
        default -> throw ShoalError.syntax();
      };
    } else if (c.argc() > 3) {
      throw ShoalError.syntax();
    }
    module.manualFailover(mode);
  }

  private void sub(CommandSpec.Builder container, String name, int arity, String summary, CommandHandler body) {
    CommandFlag[] flags = switch (name) {
      case "info", "myid", "myshardid", "nodes", "slots", "shards", "keyslot", "countkeysinslot",
          "getkeysinslot", "links", "replicas", "slaves", "count-failure-reports", "help" ->
          new CommandFlag[] {LOADING, STALE};
      default -> new CommandFlag[] {ADMIN, STALE, NOSCRIPT};
    };
    container.subcommand(CommandSpec.builder(name, arity).flags(flags).acl("@slow").group("cluster")
        .doc(summary, "3.0.0").handler(c -> {
          if (!name.equals("help")) {
            requireCluster();
          }
          int before = (int) c.reply().repliesWritten();
          body.execute(c);
          if (c.reply().repliesWritten() == before) {
            c.reply().ok();
          }
        }).build());
  }

  private void requireCluster() {
    if (!module.enabled()) {
      throw ShoalError.err(DISABLED);
    }
  }

  private ClusterState state() {
    return module.state();
  }

  // ---- Parsing slots -------------------------------------------------------------------------------

  static int slotOf(CommandContext c, int index) {
    long slot;
    try {
      slot = io.shoal.server.resp.NumberFormat.parseLong(c.arg(index));
    } catch (RuntimeException e) {
      throw ShoalError.err("Invalid or out of range slot");
    }
    if (slot < 0 || slot >= KeySlot.SLOT_COUNT) {
      throw ShoalError.err("Invalid or out of range slot");
    }
    return (int) slot;
  }

  private static int[] slotsOf(CommandContext c, int from) {
    int[] slots = new int[c.argc() - from];
    BitSet seen = new BitSet(KeySlot.SLOT_COUNT);
    for (int i = from; i < c.argc(); i++) {
      int slot = slotOf(c, i);
      if (seen.get(slot)) {
        throw ShoalError.err("Slot " + slot + " specified multiple times");
      }
      seen.set(slot);
      slots[i - from] = slot;
    }
    return slots;
  }

  private static int[] rangesOf(CommandContext c) {
    if (c.argc() % 2 == 1) {
      throw c.wrongArgs();
    }
    BitSet seen = new BitSet(KeySlot.SLOT_COUNT);
    List<Integer> slots = new ArrayList<>();
    for (int i = 2; i + 1 < c.argc(); i += 2) {
      int start = slotOf(c, i);
      int end = slotOf(c, i + 1);
      if (start > end) {
        throw ShoalError.err("start slot number " + start + " is greater than end slot number " + end);
      }
      for (int slot = start; slot <= end; slot++) {
        if (seen.get(slot)) {
          throw ShoalError.err("Slot " + slot + " specified multiple times");
        }
        seen.set(slot);
        slots.add(slot);
      }
    }
    return slots.stream().mapToInt(Integer::intValue).toArray();
  }

  // ---- Handlers ------------------------------------------------------------------------------------

  private void info(CommandContext c) {
    ClusterState state = state();
    ClusterState.Routing routing = state.routing();
    List<KnownNode> nodes = state.nodes();
    int size = 0;
    for (KnownNode node : nodes) {
      if (!node.isReplica() && !state.slotsOf(node.id()).isEmpty()) {
        size++;
      }
    }
    var counters = module.member() == null ? null : module.member().transportCounters();
    String text = "cluster_state:" + (routing.ok() ? "ok" : "fail") + "\r\n"
        + "cluster_slots_assigned:" + routing.slotsAssigned() + "\r\n"
        + "cluster_slots_ok:" + (routing.slotsAssigned() - routing.slotsFailed()) + "\r\n"
        + "cluster_slots_pfail:0\r\n"
        + "cluster_slots_fail:" + routing.slotsFailed() + "\r\n"
        + "cluster_known_nodes:" + nodes.size() + "\r\n"
        + "cluster_size:" + size + "\r\n"
        + "cluster_current_epoch:" + state.currentEpoch() + "\r\n"
        + "cluster_my_epoch:" + state.myself().configEpoch() + "\r\n"
        + "cluster_stats_messages_sent:" + (counters == null ? 0 : counters.messagesSent()) + "\r\n"
        + "cluster_stats_messages_received:" + (counters == null ? 0 : counters.messagesReceived()) + "\r\n"
        + "total_cluster_links_buffer_limit_exceeded:0\r\n";
    c.reply().verbatim(text);
  }

  private void countKeysInSlot(CommandContext c) {
    long slot = c.argLong(2);
    if (slot < 0 || slot >= KeySlot.SLOT_COUNT) {
      throw ShoalError.err("Invalid slot");
    }
    c.reply().integer(countKeys((int) slot));
  }

  private int countKeys(int slot) {
    Database db = module.server().keyspace().db(0);
    module.server().keyspace().locks().lockSlot(slot);
    try {
      return db.countInSlot(slot);
    } finally {
      module.server().keyspace().locks().unlockSlot(slot);
    }
  }

  private void getKeysInSlot(CommandContext c) {
    long slot = c.argLong(2);
    long count = c.argLong(3);
    if (slot < 0 || slot >= KeySlot.SLOT_COUNT || count < 0) {
      throw ShoalError.err("Invalid slot or number of keys");
    }
    List<byte[]> keys = new ArrayList<>();
    Database db = module.server().keyspace().db(0);
    module.server().keyspace().locks().lockSlot((int) slot);
    try {
      SlotTable table = db.slot((int) slot);
      if (table != null) {
        for (int i = 0; i < table.capacity() && keys.size() < count; i++) {
          byte[] key = table.keyAt(i);
          if (key != null) {
            keys.add(key);
          }
        }
      }
    } finally {
      module.server().keyspace().locks().unlockSlot((int) slot);
    }
    c.reply().array(keys.size());
    for (byte[] key : keys) {
      c.reply().bulk(key);
    }
  }

  private void flushSlots(CommandContext c) {
    if (module.server().keyspace().db(0).size() != 0) {
      throw ShoalError.err("DB must be empty to perform CLUSTER FLUSHSLOTS.");
    }
    state().flushSlots();
  }

  private void meet(CommandContext c) {
    if (c.argc() > 5) {
      throw c.wrongArgs();
    }
    String host = c.argString(2);
    long port;
    long busPort;
    try {
      port = io.shoal.server.resp.NumberFormat.parseLong(c.arg(3));
    } catch (RuntimeException e) {
      throw ShoalError.err("Invalid base port specified: " + c.argString(3));
    }
    if (c.argc() == 5) {
      try {
        busPort = io.shoal.server.resp.NumberFormat.parseLong(c.arg(4));
      } catch (RuntimeException e) {
        throw ShoalError.err("Invalid bus port specified: " + c.argString(4));
      }
    } else {
      busPort = port + 10_000;
    }
    if (port <= 0 || port > 65535 || busPort <= 0 || busPort > 65535 || host.isEmpty()) {
      throw ShoalError.err("Invalid node address specified: " + host + ":" + c.argString(3));
    }
    try {
      java.net.InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      throw ShoalError.err("Invalid node address specified: " + host + ":" + c.argString(3));
    }
    module.meet(host, (int) port, (int) busPort);
  }

  private NodeId nodeId(String hex, String unknownPrefix) {
    KnownNode node = state().nodeByHex(hex);
    if (node == null) {
      throw ShoalError.err(unknownPrefix + hex);
    }
    return node.id();
  }

  private void forget(CommandContext c) {
    NodeId id = nodeId(c.argString(2), "Unknown node ");
    if (id.equals(state().myId())) {
      throw ShoalError.err("I tried hard but I can't forget myself...");
    }
    if (id.equals(state().myself().masterId())) {
      throw ShoalError.err("Can't forget my master!");
    }
    module.forget(id);
  }

  private void reset(CommandContext c) {
    boolean hard = false;
    if (c.argc() == 3) {
      if (c.argIs(2, "hard")) {
        hard = true;
      } else if (!c.argIs(2, "soft")) {
        throw ShoalError.syntax();
      }
    } else if (c.argc() > 3) {
      throw c.wrongArgs();
    }
    if (!state().myself().isReplica() && module.server().keyspace().db(0).size() != 0) {
      throw ShoalError.err("CLUSTER RESET can't be called with master nodes containing keys");
    }
    module.reset(hard);
  }

  private void setSlot(CommandContext c) {
    int slot = slotOf(c, 2);
    String action = c.argString(3).toLowerCase(java.util.Locale.ROOT);
    String badAction = "Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP";
    switch (action) {
      case "migrating" -> {
        if (c.argc() != 5) {
          throw ShoalError.err(badAction);
        }
        if (!state().myId().equals(state().owner(slot))) {
          throw ShoalError.err("I'm not the owner of hash slot " + slot);
        }
        state().setMigrating(slot, nodeId(c.argString(4), "I don't know about node "));
      }
      case "importing" -> {
        if (c.argc() != 5) {
          throw ShoalError.err(badAction);
        }
        if (state().myId().equals(state().owner(slot))) {
          throw ShoalError.err("I'm already the owner of hash slot " + slot);
        }
        state().setImporting(slot, nodeId(c.argString(4), "I don't know about node "));
      }
      case "stable" -> {
        if (c.argc() != 4) {
          throw ShoalError.err(badAction);
        }
        state().setStable(slot);
      }
      case "node" -> {
        if (c.argc() != 5) {
          throw ShoalError.err(badAction);
        }
        NodeId owner = nodeId(c.argString(4), "Unknown node ");
        state().setNode(slot, owner, countKeys(slot));
      }
      default -> throw ShoalError.err(badAction);
    }
  }

  private void countFailureReports(CommandContext c) {
    NodeId id = nodeId(c.argString(2), "Unknown node ");
    KnownNode node = state().node(id);
    int reports = 0;
    if (node != null && node.failed()) {
      for (KnownNode other : state().nodes()) {
        if (!other.failed() && !other.id().equals(id) && !other.id().equals(state().myId())) {
          reports++;
        }
      }
    }
    c.reply().integer(reports);
  }

  /** CLUSTER REPLICAS and SLAVES: the CLUSTER NODES lines of a master's replicas. */
  private void replicas(CommandContext c) {
    NodeId id = nodeId(c.argString(2), "Unknown node ");
    ClusterState state = state();
    List<String> lines = new ArrayList<>();
    synchronized (state) {
      if (state.node(id).isReplica()) {
        throw ShoalError.err("The specified node is not a master");
      }
      for (KnownNode replica : state.replicasOf(id)) {
        lines.add(NodesFormat.describe(state, replica));
      }
    }
    c.reply().array(lines.size());
    for (String line : lines) {
      c.reply().bulk(line);
    }
  }

  private static void help(CommandContext c) {
    String[] lines = {
      "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ADDSLOTS <slot> [<slot> ...]", "    Assign slots to current node.",
      "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
      "    Assign slots which are between <start-slot> and <end-slot> to current node.",
      "BUMPEPOCH", "    Advance the cluster config epoch.",
      "COUNT-FAILURE-REPORTS <node-id>", "    Return number of failure reports for <node-id>.",
      "COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
      "DELSLOTS <slot> [<slot> ...]", "    Delete slots information from current node.",
      "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
      "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
      "FLUSHSLOTS", "    Delete current node own slots information.",
      "FORGET <node-id>", "    Remove a node from the cluster.",
      "GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
      "INFO", "    Return information about the cluster.",
      "KEYSLOT <key>", "    Return the hash slot for <key>.",
      "LINKS", "    Return information about all network links between this node and its peers.",
      "MEET <ip> <port> [<bus-port>]", "    Connect nodes into a working cluster.",
      "MYID", "    Return the node id.",
      "MYSHARDID", "    Return the node's shard id.",
      "NODES", "    Return cluster configuration seen by node. Output format:",
      "    <id> <ip:port@bus-port[,hostname]> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
      "REPLICATE <node-id>", "    Configure current node as replica to <node-id>.",
      "REPLICAS <node-id>", "    Return <node-id> replicas.",
      "RESET [HARD|SOFT]", "    Reset current node (default: soft).",
      "SET-CONFIG-EPOCH <epoch>", "    Set config epoch of current node.",
      "SLAVES <node-id>", "    Return <node-id> replicas.",
      "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
      "    Set slot state.",
      "SHARDS", "    Return information about slot range mappings and the nodes associated with them.",
      "SLOTS", "    Return information about slots range mappings. Each range is made of:",
      "    start, end, master and replicas IP addresses, ports and ids",
      "HELP", "    Print this help."
    };
    Reply reply = c.reply();
    reply.array(lines.length);
    for (String line : lines) {
      reply.simple(line);
    }
  }
}
