package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The master's side of an election: whether to vote for a replica that asks to replace its
 * failed master, after Redis's {@code clusterSendFailoverAuthIfNeeded}.
 *
 * <p>A master votes only when all of these hold, checked in this order:
 * <ol>
 *   <li>it is a master that owns slots (only those count towards the quorum);
 *   <li>the request's epoch is not older than this node's currentEpoch (a newer one raises it);
 *   <li>it has not voted in this epoch yet: at most one vote per epoch, persisted before the ack
 *       leaves, so that two candidates of one epoch can never both reach a majority;
 *   <li>the requester is, in this node's view, a replica of the master it names, and that master
 *       is failed, unless the request is a manual failover (Redis's FORCEACK);
 *   <li>it has not voted for a replica of the same master in the last 2T: the second-best replica
 *       of a shard cannot win a second election right after the first one, before the winner's
 *       claim has spread;
 *   <li>no slot the requester claims is owned, in this node's view, with a config epoch above the
 *       one the requester claims: a replica with a stale slot map cannot win slots that moved.
 * </ol>
 * Refusals are silent on the wire, as in Redis: the candidate simply times out. Unlike Redis, a
 * candidate repeats its request while it waits (messages may be lost), and a master that already
 * voted for that same candidate in that epoch sends the same ack again: still one vote per epoch.
 */
public final class VoteGranter {

  /** Why a request was or was not granted; tests and logs read it. */
  public enum Decision {
    GRANTED, REPEATED, NOT_A_VOTER, STALE_EPOCH, ALREADY_VOTED, UNKNOWN_REQUESTER, MASTER_NOT_FAILED, VOTED_RECENTLY_FOR_SHARD,
    STALE_SLOT_CONFIG
  }

  private final Clock clock;
  private final FailoverActions actions;
  /** The highest of the persisted lastVoteEpoch and the votes cast since: the view may lag. */
  private long lastVoteEpoch;
  private long currentEpoch;
  /** Whom this node voted for in lastVoteEpoch (in memory only: after a restart it just refuses). */
  private NodeId lastVoteCandidate;
  private final Map<NodeId, Long> votedAtMillisByMaster = new HashMap<>();

  public VoteGranter(Clock clock, FailoverActions actions) {
    this.clock = clock;
    this.actions = actions;
  }

  public Decision onRequest(FailoverView view, FailoverAuthRequest request) {
    if (!view.isVoter()) {
      return Decision.NOT_A_VOTER;
    }
    currentEpoch = Math.max(currentEpoch, view.currentEpoch());
    lastVoteEpoch = Math.max(lastVoteEpoch, view.lastVoteEpoch());
    if (request.epoch() > currentEpoch) {
      currentEpoch = request.epoch();
      actions.currentEpochReached(currentEpoch);
    }
    if (request.epoch() < currentEpoch) {
      return Decision.STALE_EPOCH;
    }
    if (lastVoteEpoch == request.epoch() && request.candidate().equals(lastVoteCandidate)) {
      // The candidate repeats its request because our ack was lost: the same vote, sent again.
      sendAck(view, request);
      return Decision.REPEATED;
    }
    if (lastVoteEpoch >= request.epoch()) {
      return Decision.ALREADY_VOTED;
    }
    FailoverView.ReplicaView requester = view.replicas().get(request.candidate());
    FailoverView.MasterView master = view.masters().get(request.master());
    if (requester == null || !request.master().equals(requester.masterId()) || master == null) {
      return Decision.UNKNOWN_REQUESTER;
    }
    if (!master.failed() && !request.manual()) {
      return Decision.MASTER_NOT_FAILED;
    }
    long now = clock.monotonicMillis();
    Long votedAt = votedAtMillisByMaster.get(request.master());
    if (votedAt != null && now - votedAt < 2 * view.nodeTimeoutMillis()) {
      return Decision.VOTED_RECENTLY_FOR_SHARD;
    }
    for (FailoverView.MasterView owner : view.masters().values()) {
      if (owner.configEpoch() > request.claimedConfigEpoch() && owner.slots().intersects(request.slots())) {
        return Decision.STALE_SLOT_CONFIG;
      }
    }
    lastVoteEpoch = request.epoch();
    lastVoteCandidate = request.candidate();
    votedAtMillisByMaster.put(request.master(), now);
    actions.voteCast(request.epoch());
    sendAck(view, request);
    return Decision.GRANTED;
  }

  private void sendAck(FailoverView view, FailoverAuthRequest request) {
    actions.send(request.candidate(), FailoverMessageTypes.AUTH_ACK,
        new FailoverAuthAck(view.myId(), request.candidate(), request.epoch()).encode());
  }

  public long lastVoteEpoch() {
    return lastVoteEpoch;
  }
}
