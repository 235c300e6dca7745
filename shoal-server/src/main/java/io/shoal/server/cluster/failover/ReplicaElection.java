package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.random.RandomSource;
import io.shoal.cluster.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A replica's election to replace its failed master, after Redis's
 * {@code clusterHandleSlaveFailover}.
 *
 * <p>When this node's master is failed (and this side of a partition may act), it schedules an
 * attempt after a delay of fixed + jitter + rank x step ({@link FailoverTiming}); the rank is the
 * number of siblings ahead of it by replication offset, so the most up-to-date replica asks first
 * and usually alone. A rank that worsens while waiting pushes the start back, as in Redis. At the
 * start it takes currentEpoch + 1 (persisted first) and asks every master with slots for a vote;
 * with votes from a majority of those masters ({@link FailoverView#quorum()}) for this epoch it
 * takes over. Masters vote once per epoch ({@link VoteGranter}), so two replicas can never both
 * win one epoch, and the higher config epoch of the last winner decides slot ownership everywhere.
 * An attempt that has not won within the election timeout is abandoned and a new one, with a new
 * epoch, starts after the retry time.
 *
 * <p>In durable mode the attempt also queries the siblings' offsets when it is scheduled
 * ({@link HistoryQuorum}); it asks for votes only once enough siblings answered and none is ahead.
 */
public final class ReplicaElection {

  public enum Phase { IDLE, WAITING, ASKING, WON }

  private final Clock clock;
  private final RandomSource random;
  private final FailoverActions actions;
  private final ManualFailover manual;

  private NodeId failedMaster;
  private boolean manualAttempt;
  private long startAtMillis;
  private long expiresAtMillis;
  private long retryAtMillis;
  private int rank;
  private boolean requested;
  private boolean won;
  private long epoch;
  private long highestEpoch;
  private long rounds;
  private HistoryQuorum history = new HistoryQuorum(-1);
  private final Set<NodeId> votes = new HashSet<>();
  private byte[] request;
  private long resendAtMillis;

  public ReplicaElection(Clock clock, RandomSource random, FailoverActions actions, ManualFailover manual) {
    this.clock = clock;
    this.random = random;
    this.actions = actions;
    this.manual = manual;
  }

  /** Re-evaluates the election against a fresh view; safe to call at any time, any number of times. */
  public void tick(FailoverView view) {
    long now = clock.monotonicMillis();
    highestEpoch = Math.max(highestEpoch, view.currentEpoch());
    FailoverView.MasterView master = view.myMaster();
    boolean manualActive = manual.activeAt(now) && master != null && master.id().equals(manual.master());
    if (!view.isReplica() || master == null || !master.ownsSlots() || view.partitionLost()
        || (!master.failed() && !manualActive)) {
      reset();
      return;
    }
    if (won) {
      return;
    }
    FailoverTiming timing = FailoverTiming.forNodeTimeout(view.nodeTimeoutMillis());
    boolean newAttempt = failedMaster == null || !failedMaster.equals(master.id()) || now >= retryAtMillis
        || (manualActive && !manualAttempt);
    if (newAttempt) {
      if (manualActive && !manual.canStartElection(view.myReplOffset())) {
        return;
      }
      startAttempt(view, timing, now, manualActive);
    }
    if (!requested && !manualAttempt) {
      rerankIfNeeded(view, timing);
    }
    if (now < startAtMillis || now > expiresAtMillis) {
      return;
    }
    if (!requested && !askForVotesIfAllowed(view, master)) {
      return;
    }
    if (votes.size() < view.quorum() && now >= resendAtMillis) {
      // Requests or acks may be lost: ask again the voters not heard from, within this election.
      sendRequests(view, master, true);
      resendAtMillis = now + timing.fixedMillis();
    }
    if (votes.size() >= view.quorum()) {
      won = true;
      manual.reset();
      actions.takeOver(master.id(), epoch);
    }
  }

  private void startAttempt(FailoverView view, FailoverTiming timing, long now, boolean manualActive) {
    failedMaster = view.myMasterId();
    manualAttempt = manualActive;
    rounds++;
    history = new HistoryQuorum(rounds);
    rank = manualActive ? 0 : view.rank(Map.of());
    startAtMillis = manualActive ? now
        : now + timing.fixedMillis() + random.nextInt((int) Math.max(1, timing.jitterMillis()))
            + rank * timing.rankStepMillis();
    expiresAtMillis = startAtMillis + timing.electionTimeoutMillis();
    retryAtMillis = startAtMillis + timing.retryMillis();
    requested = false;
    votes.clear();
    if (view.durable()) {
      byte[] query = new OffsetQuery(view.myId(), failedMaster, rounds).encode();
      for (FailoverView.ReplicaView sibling : view.siblings()) {
        actions.send(sibling.id(), FailoverMessageTypes.OFFSET_QUERY, query);
      }
    }
  }

  /** Redis adds (newRank - rank) steps when siblings overtake this node before it asked. */
  private void rerankIfNeeded(FailoverView view, FailoverTiming timing) {
    int newRank = view.rank(history.offsets());
    if (newRank > rank) {
      startAtMillis += (newRank - rank) * timing.rankStepMillis();
      expiresAtMillis = startAtMillis + timing.electionTimeoutMillis();
      retryAtMillis = startAtMillis + timing.retryMillis();
      rank = newRank;
    }
  }

  /** Returns true once the requests are out; false while durable mode still waits or steps aside. */
  private boolean askForVotesIfAllowed(FailoverView view, FailoverView.MasterView master) {
    boolean checkHistory = view.durable() && !(manualAttempt && manual.mode() == ManualFailover.Mode.DEFAULT);
    if (checkHistory) {
      int shardSize = view.shardSize() > 0 ? view.shardSize() : view.siblings().size() + 2;
      HistoryQuorum.Verdict verdict = history.verdict(view.myReplOffset(), shardSize);
      if (verdict == HistoryQuorum.Verdict.BEHIND) {
        expiresAtMillis = clock.monotonicMillis() - 1; // a sibling holds more: this attempt is over
        return false;
      }
      if (verdict == HistoryQuorum.Verdict.WAITING) {
        return false;
      }
    }
    epoch = highestEpoch + 1;
    highestEpoch = epoch;
    actions.currentEpochReached(epoch);
    request = new FailoverAuthRequest(view.myId(), master.id(), epoch, view.myReplOffset(),
        master.configEpoch(), manualAttempt, master.slots()).encode();
    sendRequests(view, master, false);
    resendAtMillis = clock.monotonicMillis() + FailoverTiming.forNodeTimeout(view.nodeTimeoutMillis()).fixedMillis();
    requested = true;
    return true;
  }

  private void sendRequests(FailoverView view, FailoverView.MasterView master, boolean onlyMissing) {
    for (FailoverView.MasterView voter : view.masters().values()) {
      boolean eligible = voter.ownsSlots() && !voter.id().equals(view.myId())
          && (!voter.id().equals(master.id()) || (manualAttempt && !master.failed()));
      // The old master is asked only in a manual failover, where it agreed to hand over.
      if (eligible && !(onlyMissing && (votes.contains(voter.id()) || voter.failed()))) {
        actions.send(voter.id(), FailoverMessageTypes.AUTH_REQUEST, request);
      }
    }
  }

  /** A vote: counted when it is for this node, this epoch, from a master with slots. */
  public void onAck(FailoverView view, FailoverAuthAck ack) {
    FailoverView.MasterView voter = view.masters().get(ack.voter());
    if (requested && !won && ack.epoch() == epoch && ack.candidate().equals(view.myId()) && voter != null
        && voter.ownsSlots()) {
      votes.add(ack.voter());
      tick(view);
    }
  }

  /** A sibling's offset for durable mode (and a fresher rank); answers to old rounds are ignored. */
  public void onOffsetReply(FailoverView view, OffsetReply reply) {
    if (failedMaster != null && reply.candidate().equals(view.myId()) && reply.round() == history.round()) {
      history.heard(reply.replica(), reply.offset());
      tick(view);
    }
  }

  /** When the next tick matters: the start of a scheduled attempt still ahead, else never. */
  public long nextWakeAtMillis() {
    boolean ahead = failedMaster != null && !requested && !won && startAtMillis > clock.monotonicMillis();
    return ahead ? startAtMillis : Long.MAX_VALUE;
  }

  public Phase phase() {
    if (won) {
      return Phase.WON;
    }
    if (failedMaster == null) {
      return Phase.IDLE;
    }
    return requested ? Phase.ASKING : Phase.WAITING;
  }

  public int rank() {
    return rank;
  }

  public long epoch() {
    return epoch;
  }

  public long startAtMillis() {
    return startAtMillis;
  }

  private void reset() {
    failedMaster = null;
    manualAttempt = false;
    requested = false;
    won = false;
    votes.clear();
  }
}
