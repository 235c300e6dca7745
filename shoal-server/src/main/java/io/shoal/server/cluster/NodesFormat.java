package io.shoal.server.cluster;

import io.shoal.cluster.member.NodeId;
import java.util.BitSet;

/**
 * CLUSTER NODES lines, exactly as Redis 7.2's {@code clusterGenNodeDescription} writes them:
 * {@code <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state>
 * <slot> <slot> ...}, where flags hold {@code master} or {@code slave} and a replica names its
 * master's ID in the master column (a master has {@code -}), with slot ranges as {@code start-end}, and, on the line of this node, slots
 * being moved as {@code [slot->-target]} and {@code [slot-<-source]}. The nodes file is the same
 * lines plus a {@code vars} line, as Redis's nodes.conf.
 */
public final class NodesFormat {
  private NodesFormat() {}

  public static String describeAll(ClusterState state) {
    StringBuilder text = new StringBuilder();
    synchronized (state) {
      for (KnownNode node : state.nodes()) {
        describe(state, node, text);
        text.append('\n');
      }
    }
    return text.toString();
  }

  /**
   * Redis's {@code nodeEpoch}: a replica shows its master's config epoch, the epoch of the slots it
   * would serve.
   */
  private static long epochOf(ClusterState state, KnownNode node) {
    KnownNode master = node.isReplica() ? state.node(node.masterId()) : null;
    return master == null ? node.configEpoch() : master.configEpoch();
  }

  /** One line, without its newline. */
  public static String describe(ClusterState state, KnownNode node) {
    StringBuilder text = new StringBuilder();
    describe(state, node, text);
    return text.toString();
  }

  public static void describe(ClusterState state, KnownNode node, StringBuilder text) {
    boolean myself = node.id().equals(state.myId());
    text.append(node.id().toHex()).append(' ').append(node.host()).append(':').append(node.port()).append('@')
        .append(node.busPort()).append(' ');
    text.append(myself ? "myself," : "").append(node.isReplica() ? "slave" : "master");
    if (node.failed()) {
      text.append(",fail");
    }
    text.append(' ').append(node.isReplica() ? node.masterId().toHex() : "-");
    text.append(" 0 ").append(myself ? 0 : node.pongMillis()).append(' ').append(epochOf(state, node)).append(' ')
        .append(myself || !node.failed() ? "connected" : "disconnected");
    BitSet slots = state.slotsOf(node.id());
    for (int start = slots.nextSetBit(0); start >= 0; ) {
      int end = slots.nextClearBit(start) - 1;
      text.append(' ').append(start);
      if (end > start) {
        text.append('-').append(end);
      }
      start = slots.nextSetBit(end + 1);
    }
    if (myself) {
      for (int slot = 0; slot < io.shoal.server.slot.KeySlot.SLOT_COUNT; slot++) {
        NodeId target = state.migrating(slot);
        if (target != null) {
          text.append(" [").append(slot).append("->-").append(target.toHex()).append(']');
        }
        NodeId source = state.importing(slot);
        if (source != null) {
          text.append(" [").append(slot).append("-<-").append(source.toHex()).append(']');
        }
      }
    }
  }
}
