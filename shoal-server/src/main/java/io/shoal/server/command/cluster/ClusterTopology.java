package io.shoal.server.command.cluster;

import io.shoal.server.cluster.ClusterState;
import io.shoal.server.cluster.KnownNode;
import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.Reply;
import io.shoal.server.slot.KeySlot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** CLUSTER SLOTS, SHARDS and LINKS: the slot map as cluster clients read it. */
final class ClusterTopology {
  private ClusterTopology() {}

  private record Range(int start, int end, KnownNode node) {}

  private static List<Range> ranges(ClusterState.Routing routing) {
    List<Range> ranges = new ArrayList<>();
    KnownNode[] owners = routing.owners();
    int slot = 0;
    while (slot < KeySlot.SLOT_COUNT) {
      KnownNode node = owners[slot];
      if (node == null) {
        slot++;
        continue;
      }
      int end = slot;
      while (end + 1 < KeySlot.SLOT_COUNT && owners[end + 1] != null && owners[end + 1].id().equals(node.id())) {
        end++;
      }
      ranges.add(new Range(slot, end, node));
      slot = end + 1;
    }
    return ranges;
  }

  /**
   * Redis 7: {@code [start, end, master, replica...]} per range of one owner, each node as
   * {@code [ip, port, id, {metadata}]}; replicas only while available (Redis's
   * {@code isReplicaAvailable}: not failed and with a non-zero replication offset).
   */
  static void slots(CommandContext c, ClusterState state) {
    List<Range> ranges = ranges(state.routing());
    Reply reply = c.reply();
    reply.array(ranges.size());
    for (Range range : ranges) {
      KnownNode node = state.node(range.node().id());
      if (node == null) {
        node = range.node();
      }
      List<KnownNode> replicas = new ArrayList<>();
      for (KnownNode replica : state.replicasOf(node.id())) {
        if (!replica.failed() && replica.replOffset() != 0) {
          replicas.add(replica);
        }
      }
      reply.array(3 + replicas.size());
      reply.integer(range.start());
      reply.integer(range.end());
      slotNode(reply, node);
      for (KnownNode replica : replicas) {
        slotNode(reply, replica);
      }
    }
  }

  private static void slotNode(Reply reply, KnownNode node) {
    reply.array(4);
    reply.bulk(node.host());
    reply.integer(node.port());
    reply.bulk(node.id().toHex());
    reply.map(0);
  }

  /** Redis 7.0: one shard per master, its slot ranges, then the master and its replicas. */
  static void shards(CommandContext c, ClusterState state) {
    List<KnownNode> masters = new ArrayList<>();
    for (KnownNode node : state.nodes()) {
      if (!node.isReplica()) {
        masters.add(node);
      }
    }
    Reply reply = c.reply();
    reply.array(masters.size());
    for (KnownNode master : masters) {
      BitSet slots = state.slotsOf(master.id());
      List<int[]> ranges = new ArrayList<>();
      for (int start = slots.nextSetBit(0); start >= 0; ) {
        int end = slots.nextClearBit(start) - 1;
        ranges.add(new int[] {start, end});
        start = slots.nextSetBit(end + 1);
      }
      reply.map(2);
      reply.bulk("slots");
      reply.array(ranges.size() * 2);
      for (int[] range : ranges) {
        reply.integer(range[0]);
        reply.integer(range[1]);
      }
      List<KnownNode> replicas = state.replicasOf(master.id());
      reply.bulk("nodes");
      reply.array(1 + replicas.size());
      shardNode(reply, master);
      for (KnownNode replica : replicas) {
        shardNode(reply, replica);
      }
    }
  }

  private static void shardNode(Reply reply, KnownNode node) {
    reply.map(7);
    reply.bulk("id");
    reply.bulk(node.id().toHex());
    reply.bulk("port");
    reply.integer(node.port());
    reply.bulk("ip");
    reply.bulk(node.host());
    reply.bulk("endpoint");
    reply.bulk(node.host());
    reply.bulk("role");
    reply.bulk(node.isReplica() ? "replica" : "master");
    reply.bulk("replication-offset");
    reply.integer(node.replOffset());
    reply.bulk("health");
    reply.bulk(node.failed() ? "fail" : node.isReplica() && node.replOffset() == 0 ? "loading" : "online");
  }

  /** One outbound and one inbound link per reachable peer, as Redis lists them. */
  static void links(CommandContext c, ClusterState state, long nowMillis) {
    List<KnownNode> peers = new ArrayList<>();
    for (KnownNode node : state.nodes()) {
      if (!node.id().equals(state.myId()) && !node.failed()) {
        peers.add(node);
      }
    }
    Reply reply = c.reply();
    reply.array(peers.size() * 2);
    for (KnownNode peer : peers) {
      for (String direction : new String[] {"to", "from"}) {
        reply.map(6);
        reply.bulk("direction");
        reply.bulk(direction);
        reply.bulk("node");
        reply.bulk(peer.id().toHex());
        reply.bulk("create-time");
        reply.integer(peer.pongMillis());
        reply.bulk("events");
        reply.bulk(direction.equals("to") ? "rw" : "r");
        reply.bulk("send-buffer-allocated");
        reply.integer(0);
        reply.bulk("send-buffer-used");
        reply.integer(0);
      }
    }
  }
}
