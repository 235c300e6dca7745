package io.shoal.server.cluster;

import io.shoal.cluster.api.ClusterMember;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.random.SeededRandom;
import io.shoal.cluster.time.SystemClock;
import io.shoal.server.cluster.failover.ExecutorScheduler;
import io.shoal.server.cluster.failover.Failover;
import io.shoal.server.cluster.failover.FailoverActions;
import io.shoal.server.cluster.failover.FailoverMessageTypes;
import io.shoal.server.cluster.failover.FailoverView;
import io.shoal.server.cluster.failover.ManualFailover;
import io.shoal.server.command.server.ClientCommand;
import io.shoal.server.command.server.ClientPause;
import io.shoal.server.replication.DurableWrites;
import io.shoal.server.resp.ShoalError;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

/**
 * Connects the failover protocol ({@link Failover}) to this node: builds its view from the
 * cluster state and replication, carries its messages over the membership bus, and maps its
 * actions onto the state (epochs, votes, takeover), CLIENT PAUSE and CLUSTER REPLICATE. Everything
 * runs on the cluster module's single thread, as the protocol requires.
 */
final class FailoverDriver implements FailoverActions {
  private static final System.Logger LOG = System.getLogger(FailoverDriver.class.getName());
  private final ClusterModule module;
  private final ScheduledExecutorService executor;
  private final IntSupplier migrationBarrier;
  private Failover failover;

  FailoverDriver(ClusterModule module, ScheduledExecutorService executor, IntSupplier migrationBarrier) {
    this.module = module;
    this.executor = executor;
    this.migrationBarrier = migrationBarrier;
  }

  void start() {
    failover = new Failover(this::view, this, new SystemClock(), SeededRandom.fromEntropy(),
        new ExecutorScheduler(executor));
    executor.execute(failover::start);
  }

  void stop() {
    Failover current = failover;
    if (current != null) {
      executor.execute(current::stop);
    }
  }

  /** Registers the message handlers on a (new) membership member. */
  void attach(ClusterMember member) {
    for (int type : FailoverMessageTypes.ALL) {
      member.registerHandler(type, (from, payload) -> executor.execute(() -> failover.onMessage(type, payload)));
    }
  }

  /** Something the protocol reads changed: re-evaluate on the module's thread. */
  void viewChanged() {
    Failover current = failover;
    if (current != null) {
      executor.execute(current::viewChanged);
    }
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER]: runs on the module's thread; Redis's errors come back. */
  void manualFailover(ManualFailover.Mode mode) {
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> failover.manualFailover(mode), executor);
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ShoalError error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw ShoalError.err("the cluster thread did not answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShoalError.err("interrupted");
    }
  }

  private FailoverView view() {
    ClusterState state = module.state();
    Map<NodeId, FailoverView.MasterView> masters = new HashMap<>();
    Map<NodeId, FailoverView.ReplicaView> replicas = new HashMap<>();
    // One pass over the 16384 slots for all masters: this view is built on every failover tick.
    Map<NodeId, BitSet> slotsByOwner = state.slotsByOwner();
    for (KnownNode node : state.nodes()) {
      if (node.isReplica()) {
        replicas.put(node.id(), new FailoverView.ReplicaView(node.id(), node.masterId(), node.replOffset(),
            node.failed()));
      } else {
        masters.put(node.id(), new FailoverView.MasterView(node.id(), node.configEpoch(), node.failed(),
            slotsByOwner.getOrDefault(node.id(), new BitSet())));
      }
    }
    KnownNode me = state.myself();
    DurableWrites durable = module.server().module(DurableWrites.class);
    return new FailoverView(me.id(), me.masterId(), module.server().replication().offset(), state.currentEpoch(),
        state.lastVoteEpoch(), module.nodeTimeoutMillis(), state.partitionLost(), durable.enabled(), 0,
        migrationBarrier.getAsInt(), masters, replicas);
  }

  // ---- Actions, on the module's thread ----------------------------------------------------------

  @Override
  public void send(NodeId to, int type, byte[] payload) {
    ClusterMember member = module.member();
    if (member != null) {
      member.send(to, type, payload);
    }
  }

  @Override
  public void currentEpochReached(long epoch) {
    module.state().raiseCurrentEpoch(epoch);
  }

  @Override
  public void voteCast(long epoch) {
    module.state().voted(epoch);
  }

  @Override
  public void takeOver(NodeId failedMaster, long newConfigEpoch) {
    ClusterState state = module.state();
    if (!failedMaster.equals(state.myself().masterId())) {
      LOG.log(System.Logger.Level.WARNING, "takeover of {0} refused: it is not my master any more", failedMaster);
      return;
    }
    LOG.log(System.Logger.Level.INFO, "Failover won: taking over the slots of {0} with config epoch {1}",
        failedMaster.toHex(), Long.toString(newConfigEpoch));
    state.takeOver(newConfigEpoch);
  }

  @Override
  public void pauseWrites(long durationMillis) {
    ClientPause pause = module.server().module(ClientCommand.class).pause();
    pause.pause(durationMillis, ClientPause.Mode.WRITE);
  }

  @Override
  public void resumeWrites() {
    module.server().module(ClientCommand.class).pause().unpause();
  }

  @Override
  public void replicate(NodeId master) {
    try {
      module.replicate(master);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "replica migration to " + master + " failed: " + e.getMessage());
    }
  }
}
