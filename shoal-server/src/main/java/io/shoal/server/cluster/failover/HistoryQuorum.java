package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import java.util.HashMap;
import java.util.Map;

/**
 * Durable mode's extra condition on a candidate: it must prove it holds every acknowledged write.
 *
 * <p>In durable mode a write is acknowledged once A = floor(S/2)+1 of the S members of its shard
 * hold it. Any S - A + 1 members therefore include at least one of those A, so a candidate that
 * has heard the offsets of S - A + 1 members (itself included) and holds at least the greatest
 * of them holds every acknowledged write: replication histories are prefixes of one another, so
 * the greater offset is the longer history. With the master dead, the members heard are sibling
 * replicas answering an {@link OffsetQuery}. A candidate that hears a greater offset steps aside
 * for this attempt; one that cannot hear enough siblings does not run (availability yields to
 * durability, as it must).
 */
final class HistoryQuorum {

  enum Verdict { PROVEN, WAITING, BEHIND }

  private final long round;
  private final Map<NodeId, Long> offsets = new HashMap<>();

  HistoryQuorum(long round) {
    this.round = round;
  }

  /** S - A + 1 with A = floor(S/2)+1: how many members, the candidate included, must be heard. */
  static int membersToHear(int shardSize) {
    int acks = shardSize / 2 + 1;
    return Math.max(1, shardSize - acks + 1);
  }

  long round() {
    return round;
  }

  void heard(NodeId replica, long offset) {
    offsets.merge(replica, offset, Math::max);
  }

  Map<NodeId, Long> offsets() {
    return offsets;
  }

  Verdict verdict(long myOffset, int shardSize) {
    for (long offset : offsets.values()) {
      if (offset > myOffset) {
        return Verdict.BEHIND;
      }
    }
    return offsets.size() + 1 >= membersToHear(shardSize) ? Verdict.PROVEN : Verdict.WAITING;
  }
}
