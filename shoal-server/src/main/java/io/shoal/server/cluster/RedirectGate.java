package io.shoal.server.cluster;

import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.server.CommandGate;
import io.shoal.server.slot.KeySlot;

/**
 * Cluster routing, Redis's {@code getNodeByQuery}: a command whose keys are not all in one slot is
 * refused with CROSSSLOT; when the cluster is down, CLUSTERDOWN; a slot nobody serves,
 * CLUSTERDOWN Hash slot not served; a slot served elsewhere, MOVED; a slot this node is migrating
 * and a key already gone, ASK to the target; a slot this node is importing is served only to a
 * client that sent ASKING (or to a command flagged ASKING). A replica redirects to its master
 * like any other node, except that a client that sent READONLY has its reads of the master's slots
 * served here; writes always go to the master. Keyless commands always run here.
 */
public final class RedirectGate implements CommandGate {
  public static final String CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
  public static final String DOWN = "CLUSTERDOWN The cluster is down";
  public static final String UNBOUND = "CLUSTERDOWN Hash slot not served";
  public static final String TRYAGAIN = "TRYAGAIN Multiple keys request during rehashing of slot";

  private final ClusterModule module;

  public RedirectGate(ClusterModule module) {
    this.module = module;
  }

  @Override
  public String refuse(ClientConnection client, CommandSpec spec, byte[][] args) {
    boolean asking = client.asking();
    if (asking && !isAskingCommand(spec)) {
      client.asking(false);
    }
    ClusterState state = module.state();
    if (state == null) {
      return null;
    }
    int[] positions = spec.keyPositions(args);
    if (positions.length == 0) {
      return null;
    }
    int slot = -1;
    for (int position : positions) {
      if (position >= args.length) {
        continue;
      }
      int keySlot = KeySlot.of(args[position]);
      if (slot < 0) {
        slot = keySlot;
      } else if (slot != keySlot) {
        return CROSSSLOT;
      }
    }
    if (slot < 0) {
      return null;
    }
    ClusterState.Routing routing = state.routing();
    if (!routing.ok()) {
      return DOWN;
    }
    KnownNode owner = routing.owners()[slot];
    if (owner == null) {
      return UNBOUND;
    }
    if (owner.id().equals(routing.myId())) {
      KnownNode target = routing.migrating()[slot];
      if (target == null) {
        return null;
      }
      int missing = missingKeys(client, args, positions, slot);
      if (missing == 0) {
        return null;
      }
      if (missing < positions.length) {
        return TRYAGAIN;
      }
      return "ASK " + slot + " " + target.endpoint();
    }
    if (routing.importing()[slot] && (asking || spec.has(CommandFlag.ASKING))) {
      if (positions.length > 1 && missingKeys(client, args, positions, slot) > 0) {
        return TRYAGAIN;
      }
      return null;
    }
    if (client.readOnlyCluster() && owner.id().equals(routing.myMasterId()) && !spec.has(CommandFlag.WRITE)) {
      // READONLY: a replica serves reads of its master's slots, accepting that they may be stale.
      return null;
    }
    return "MOVED " + slot + " " + owner.endpoint();
  }

  private static boolean isAskingCommand(CommandSpec spec) {
    return spec.parent() == null && spec.name().equals("asking");
  }

  private int missingKeys(ClientConnection client, byte[][] args, int[] positions, int slot) {
    Database db = module.server().keyspace().db(client.db());
    SlotLocks locks = module.server().keyspace().locks();
    int missing = 0;
    locks.lockSlot(slot);
    try {
      for (int position : positions) {
        if (position < args.length && db.peek(args[position]) == null) {
          missing++;
        }
      }
    } finally {
      locks.unlockSlot(slot);
    }
    return missing;
  }
}
