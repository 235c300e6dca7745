package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.random.RandomSource;
import io.shoal.cluster.time.Clock;
import io.shoal.cluster.time.Scheduler;
import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.server.resp.ShoalError;
import java.util.function.Supplier;

/**
 * One node's failover protocol: the replica's election, the master's votes, manual failover on
 * both sides and replica migration, behind the few entry points the cluster module calls.
 *
 * <p>It is confined to the thread of its {@link Scheduler}: every method must be called on that
 * thread. It ticks itself every {@link FailoverTiming#tickMillis()} (Redis runs its failover
 * from clusterCron, every 100 ms) and exactly at the start of a scheduled election, and it reads
 * a fresh {@link FailoverView} from the supplier on every tick and every message.
 */
public final class Failover {
  private final Supplier<FailoverView> views;
  private final FailoverActions actions;
  private final Clock clock;
  private final Scheduler scheduler;
  private final ManualFailover manual = new ManualFailover();
  private final ManualFailoverPause pause = new ManualFailoverPause();
  private final ReplicaElection election;
  private final VoteGranter granter;
  private final ReplicaMigration migration = new ReplicaMigration();
  private Scheduler.Cancellable wake;
  private long wakeAtMillis = Long.MAX_VALUE;
  private boolean running;
  private long malformedMessages;

  public Failover(Supplier<FailoverView> views, FailoverActions actions, Clock clock, RandomSource random,
      Scheduler scheduler) {
    this.views = views;
    this.actions = actions;
    this.clock = clock;
    this.scheduler = scheduler;
    this.election = new ReplicaElection(clock, random, actions, manual);
    this.granter = new VoteGranter(clock, actions);
  }

  public void start() {
    running = true;
    tick();
  }

  public void stop() {
    running = false;
    if (wake != null) {
      wake.cancel();
    }
  }

  /** The cluster state changed (a FAIL verdict, a new claim, PartitionLost): re-evaluate now. */
  public void viewChanged() {
    if (running) {
      tick();
    }
  }

  /** A failover message from the bus. Malformed payloads are counted and dropped, never thrown. */
  public void onMessage(int type, byte[] payload) {
    if (!running) {
      return;
    }
    try {
      dispatch(type, payload);
    } catch (MalformedMessageException e) {
      malformedMessages++;
    }
  }

  private void dispatch(int type, byte[] payload) {
    FailoverView view = views.get();
    switch (type) {
      case FailoverMessageTypes.AUTH_REQUEST -> granter.onRequest(view, FailoverAuthRequest.decode(payload));
      case FailoverMessageTypes.AUTH_ACK -> election.onAck(view, FailoverAuthAck.decode(payload));
      case FailoverMessageTypes.MANUAL_FAILOVER_START -> {
        FailoverTiming timing = FailoverTiming.forNodeTimeout(view.nodeTimeoutMillis());
        if (pause.onStart(view, ManualFailoverStart.decode(payload), clock.monotonicMillis(),
            timing.manualTimeoutMillis(), actions)) {
          pause.tick(views.get(), clock.monotonicMillis(), actions);
        }
      }
      case FailoverMessageTypes.MANUAL_FAILOVER_OFFSET -> {
        manual.onMasterOffset(ManualFailoverOffset.decode(payload), view.myId());
        tick();
      }
      case FailoverMessageTypes.OFFSET_QUERY -> {
        OffsetQuery query = OffsetQuery.decode(payload);
        actions.send(query.candidate(), FailoverMessageTypes.OFFSET_REPLY,
            new OffsetReply(view.myId(), query.candidate(), query.round(), view.myReplOffset()).encode());
      }
      case FailoverMessageTypes.OFFSET_REPLY -> election.onOffsetReply(view, OffsetReply.decode(payload));
      default -> throw new MalformedMessageException("failover message type: " + type);
    }
    scheduleWake();
  }

  /**
   * CLUSTER FAILOVER [FORCE|TAKEOVER] on this node; throws Redis's error replies. DEFAULT and
   * FORCE return at once and run in the background, as in Redis.
   */
  public void manualFailover(ManualFailover.Mode mode) {
    FailoverView view = views.get();
    if (!view.isReplica()) {
      throw ShoalError.err("You should send CLUSTER FAILOVER to a replica");
    }
    FailoverView.MasterView master = view.myMaster();
    if (master == null) {
      throw ShoalError.err("I'm a replica but my master is unknown to me");
    }
    if (mode == ManualFailover.Mode.DEFAULT && master.failed()) {
      throw ShoalError.err("Master is down or failed, please use CLUSTER FAILOVER FORCE");
    }
    long now = clock.monotonicMillis();
    if (mode == ManualFailover.Mode.TAKEOVER) {
      long epoch = Math.max(view.currentEpoch(), granter.lastVoteEpoch()) + 1;
      actions.currentEpochReached(epoch);
      actions.takeOver(master.id(), epoch);
      return;
    }
    manual.start(mode, master.id(), now, FailoverTiming.forNodeTimeout(view.nodeTimeoutMillis()).manualTimeoutMillis());
    if (mode == ManualFailover.Mode.DEFAULT) {
      actions.send(master.id(), FailoverMessageTypes.MANUAL_FAILOVER_START,
          new ManualFailoverStart(view.myId(), master.id()).encode());
    }
    tick();
  }

  private void tick() {
    FailoverView view = views.get();
    long now = clock.monotonicMillis();
    FailoverTiming timing = FailoverTiming.forNodeTimeout(view.nodeTimeoutMillis());
    election.tick(view);
    pause.tick(view, now, actions);
    boolean busy = election.phase() != ReplicaElection.Phase.IDLE || manual.activeAt(now);
    if (!busy) {
      migration.tick(view, now, timing.orphanDelayMillis(), actions);
    }
    scheduleWake();
  }

  private void scheduleWake() {
    if (!running) {
      return;
    }
    long now = clock.monotonicMillis();
    long period = FailoverTiming.forNodeTimeout(views.get().nodeTimeoutMillis()).tickMillis();
    long next = Math.max(now, Math.min(now + period, election.nextWakeAtMillis()));
    if (wake != null && wakeAtMillis <= next && wakeAtMillis >= now) {
      return;
    }
    if (wake != null) {
      wake.cancel();
    }
    wakeAtMillis = next;
    wake = scheduler.schedule(next - now, () -> {
      wake = null;
      wakeAtMillis = Long.MAX_VALUE;
      if (running) {
        tick();
      }
    });
  }

  public ReplicaElection election() {
    return election;
  }

  public long malformedMessages() {
    return malformedMessages;
  }

  /** Whether this node, as a master, has paused writes for a replica's manual failover. */
  public boolean writesPaused() {
    return pause.paused();
  }

  /** The replica's master offset in a default manual failover, or -1 before the master answered. */
  public long manualFailoverMasterOffset() {
    return manual.masterOffset();
  }

  NodeId manualFailoverMaster() {
    return manual.master();
  }
}
