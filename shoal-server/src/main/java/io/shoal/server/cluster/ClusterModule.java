package io.shoal.server.cluster;

import io.shoal.cluster.api.Cluster;
import io.shoal.cluster.api.ClusterConfig;
import io.shoal.cluster.api.ClusterEvent;
import io.shoal.cluster.api.ClusterMember;
import io.shoal.cluster.api.MemberTable;
import io.shoal.cluster.failure.PhiAccrualFailureDetector;
import io.shoal.cluster.gossip.GossipSettings;
import io.shoal.cluster.member.Member;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.node.NodeSettings;
import io.shoal.server.ShoalServer;
import io.shoal.server.config.Setting;
import io.shoal.server.config.Setting.Kind;
import io.shoal.server.config.Settings;
import io.shoal.server.proxy.ProxyServer;
import io.shoal.server.server.ServerModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cluster mode: turns a node into a master or replica of a Redis Cluster-compatible cluster whose nodes
 * find each other, and learn who serves which slot, through the shoal-cluster membership.
 *
 * <p>The node's slot claims travel as membership application state ({@link SlotClaim} under
 * "slots"), so they reach every node by gossip and need no bus messages of their own; so does its
 * role ({@link RoleClaim} under "role": the master it replicates and its replication offset). Membership
 * events (up, unreachable, down, removed, partition lost) drive the fail flags and the cluster
 * state, and every change of {@link ClusterState} is saved to the nodes file and republished.
 * Membership events are handled on one thread of this module, never on the member's own thread.
 */
public final class ClusterModule implements ServerModule {
  private static final System.Logger LOG = System.getLogger(ClusterModule.class.getName());
  public static final String CLIENT_KEY = "client";

  private Setting configFile;
  private Setting nodeTimeout;
  private Setting clusterPort;
  private Setting requireFullCoverage;
  private Setting announceIp;
  private Setting seeds;
  private Setting proxyPort;
  private Setting proxyThreads;
  private Setting migrationBarrier;
  private FailoverDriver failover;
  private ShoalServer server;
  private ClusterState state;
  private NodesFile nodesFile;
  private volatile ClusterMember member;
  private ScheduledExecutorService executor;
  private ProxyServer proxy;
  private volatile boolean publishPending;
  private String host;
  private static final long MEET_TIMEOUT_MILLIS = 5_000;
  /** Redis's CLUSTER_WRITABLE_DELAY: a restarted node serves nothing for at least this long. */
  private static final long REJOIN_DELAY_MILLIS = 2_000;
  private long rejoinSinceMillis;
  private final java.util.Queue<NodeAddress> pendingMeets = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private NodeAddress meeting;
  private long meetingSinceMillis;
  private int busPort;
  private static final long OFFSET_PUBLISH_MILLIS = 1_000;
  private long offsetPublishedMillis;

  @Override
  public void install(ShoalServer server) {
    this.server = server;
    Settings settings = server.settings();
    configFile = settings.define("cluster-config-file", Kind.STRING, "", false, List.of(), 0, 0, null, List.of());
    nodeTimeout = settings.defineInteger("cluster-node-timeout", "15000", 100, Long.MAX_VALUE);
    clusterPort = settings.define("cluster-port", Kind.INTEGER, "0", false, List.of(), 0, 65535, null, List.of());
    requireFullCoverage = settings.define("cluster-require-full-coverage", Kind.BOOLEAN, "yes");
    announceIp = settings.define("cluster-announce-ip", Kind.STRING, "");
    seeds = settings.define("cluster-seeds", Kind.STRING, "", false, List.of(), 0, 0, null, List.of());
    proxyPort = settings.define("cluster-proxy-port", Kind.INTEGER, "0", false, List.of(), -1, 65535, null,
        List.of());
    proxyThreads = settings.define("cluster-proxy-threads", Kind.INTEGER, "0", false, List.of(), 0, 128, null,
        List.of());
    migrationBarrier = settings.define("cluster-migration-barrier", Kind.INTEGER, "1", true, List.of(), -1,
        Integer.MAX_VALUE, null, List.of());
    new io.shoal.server.command.cluster.ClusterCommands(this).install(server);
    if (server.clusterEnabled()) {
      server.addGate(new RedirectGate(this));
    }
  }

  @Override
  public void start(ShoalServer server) {
    if (!server.clusterEnabled()) {
      return;
    }
    int port = server.port();
    host = !announceIp.text().isEmpty() ? announceIp.text()
        : server.core().bind.text().split("\\s+")[0].replace("0.0.0.0", "127.0.0.1");
    busPort = clusterPort.asInt() > 0 ? clusterPort.asInt() : port + NodeAddress.BUS_PORT_OFFSET;
    Path dir = Path.of(server.core().dir.text().isEmpty() ? "." : server.core().dir.text());
    String fileName = configFile.text().isEmpty() ? "nodes-" + port + ".conf" : configFile.text();
    nodesFile = new NodesFile(dir.resolve(fileName));
    NodesFile.Contents saved = nodesFile.load();
    Path identityFile = dir.resolve(fileName + ".member");
    if (saved != null && saved.myId() != null && !Files.exists(identityFile)) {
      writeIdentity(identityFile, saved.myId());
    }
    executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "shoal-cluster-" + port);
      thread.setDaemon(true);
      return thread;
    });
    member = startMember(identityFile, seedsFor(saved));
    KnownNode myself = new KnownNode(member.id(), host, port, busPort, 0, false, 0);
    state = new ClusterState(myself, requireFullCoverage.asBoolean());
    rejoinSinceMillis = server.nowMillis();
    if (saved != null && member.id().equals(saved.myId())) {
      state.load(saved.nodes(), saved.owners(), saved.currentEpoch(), saved.lastVoteEpoch());
      state.rejoining(saved.nodes().size() > 1);
    }
    state.onChange(this::stateChanged);
    server.module(io.shoal.server.replication.DurableWrites.class)
        .shard(() -> state.replicasOf(state.myId()).size(), nodeTimeout::asLong);
    state.onRoleChange(master -> executor.execute(() -> {
      driveReplication(master);
      reconcileSafely();
    }));
    nodesFile.save(state);
    if (state.myself().isReplica()) {
      KnownNode master = state.node(state.myself().masterId());
      if (master != null) {
        executor.execute(() -> driveReplication(master));
      }
    }
    failover = new FailoverDriver(this, executor, migrationBarrier::asInt);
    attach(member);
    failover.start();
    executor.scheduleWithFixedDelay(this::reconcileSafely, 200, 200, TimeUnit.MILLISECONDS);
    int proxyAt = proxyPort.asInt() == 0 ? port + 1000 : proxyPort.asInt();
    if (proxyAt > 0) {
      proxy = new ProxyServer(server, this, host, proxyAt, proxyThreads.asInt());
      try {
        proxy.start();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "proxy port " + proxyAt + " not started: " + e.getMessage());
        proxy = null;
      }
    }
    LOG.log(System.Logger.Level.INFO, "Cluster mode: node {0} on {1}:{2}@{3}, config {4}", member.id().toHex(),
        host, Integer.toString(port), Integer.toString(busPort), nodesFile.path());
  }

  @Override
  public void stop(ShoalServer server) {
    if (failover != null) {
      failover.stop();
    }
    if (proxy != null) {
      proxy.stop();
    }
    if (member != null) {
      member.close();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private List<NodeAddress> seedsFor(NodesFile.Contents saved) {
    List<NodeAddress> list = new ArrayList<>();
    if (!seeds.text().isBlank()) {
      for (String seed : seeds.text().split("[,\\s]+")) {
        if (!seed.isBlank()) {
          list.add(NodeAddress.parse(seed.trim()));
        }
      }
      return list;
    }
    if (saved != null && saved.nodes().size() > 1) {
      // Every node of a restarted cluster sorts the same saved nodes the same way, so they all
      // agree on the first seed and a single cluster forms around it.
      saved.nodes().stream().sorted(Comparator.comparing(KnownNode::id))
          .forEach(node -> list.add(new NodeAddress(node.host(), node.port(), node.busPort())));
    }
    return list;
  }

  private ClusterMember startMember(Path identityFile, List<NodeAddress> seedList) {
    long timeout = nodeTimeout.asLong();
    long heartbeat = Math.max(100, Math.min(1000, timeout / 10));
    long pause = Math.max(heartbeat, timeout / 2 - heartbeat);
    NodeSettings base = NodeSettings.defaults(seedList);
    // The deviation floor is half a heartbeat: on a quiet link the measured deviation is near zero
    // and the floor alone sets how long past the expected heartbeat phi reaches 8 (about 5.6
    // floors), so a crash is suspected about 0.8 node timeouts after the last heartbeat; a noisy
    // link raises the measured deviation and the detector waits longer by itself.
    PhiAccrualFailureDetector.Settings detector = new PhiAccrualFailureDetector.Settings(8.0, pause, heartbeat,
        Math.max(10, heartbeat / 2), 1_000);
    // Failover must start within about a node timeout, so failure news has to spread in a
    // fraction of it: gossip as often as heartbeats go, but never slower than the default.
    GossipSettings gossip = new GossipSettings(Math.min(base.gossip().intervalMillis(), heartbeat),
        base.gossip().fanout(), base.gossip().deltaBytesMax(), base.gossip().trackedRoundsMax());
    NodeSettings settings = new NodeSettings(base.seeds(), gossip, detector, heartbeat, base.monitorsMax(),
        base.joinRetryMillis(), base.firstSeedTimeoutMillis(), Math.max(timeout, 2_000),
        base.tombstoneRetentionMillis(), base.tombstoneBanMillis(), base.forgetBanMillis(), base.viewRefreshMillis(),
        base.exitTimeoutMillis(), base.rejoinWhenDowned(), base.downingStrategy());
    ClusterConfig config = ClusterConfig.builder().host(host).port(server.port()).busPort(busPort)
        .seeds(seedList).identityFile(identityFile).settings(settings).build();
    return Cluster.start(config);
  }

  private void attach(ClusterMember attached) {
    failover.attach(attached);
    attached.subscribe(event -> {
      if (attached == member) {
        handle(event);
      }
    }, executor);
    publishPending = true;
  }

  private static void writeIdentity(Path file, NodeId id) {
    try {
      Files.writeString(file, id.toHex() + " 1\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- Membership events, on this module's thread ---------------------------------------------

  private void handle(ClusterEvent event) {
    if (!(event instanceof ClusterEvent.ApplicationStateChanged)) {
      LOG.log(System.Logger.Level.DEBUG, "membership: {0}", event);
    }
    try {
      if (event instanceof ClusterEvent.MemberUp up) {
        seen(up.member());
      } else if (event instanceof ClusterEvent.Reachable reachable) {
        state.memberFailed(reachable.member().id(), false);
      } else if (event instanceof ClusterEvent.Unreachable unreachable) {
        state.memberFailed(unreachable.member().id(), true);
      } else if (event instanceof ClusterEvent.Down down) {
        state.memberFailed(down.member().id(), true);
      } else if (event instanceof ClusterEvent.Removed removed) {
        state.memberRemoved(removed.member().id());
      } else if (event instanceof ClusterEvent.PartitionLost) {
        state.partitionLost(true);
      } else if (event instanceof ClusterEvent.PartitionRegained) {
        // Back from the losing side (or from a long pause): what changed meanwhile is still on its
        // way by gossip, so serve nothing until it had time to arrive.
        rejoin();
        state.partitionLost(false);
      } else if (event instanceof ClusterEvent.Rejoining) {
        rejoin();
        publishPending = true;
      } else if (event instanceof ClusterEvent.ApplicationStateChanged change
          && change.key().equals(SlotClaim.KEY)) {
        applyClaim(change.owner(), change.value());
      } else if (event instanceof ClusterEvent.ApplicationStateChanged change
          && change.key().equals(RoleClaim.KEY)) {
        applyRole(change.owner(), change.value());
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cluster event " + event + " failed", e);
    }
  }

  private void seen(Member seenMember) {
    NodeAddress address = seenMember.address();
    state.memberSeen(seenMember.id(), address.host(), address.port(), address.busPort(), server.nowMillis());
  }

  private void applyClaim(NodeId owner, byte[] value) {
    SlotClaim claim = SlotClaim.decode(value);
    if (claim == null) {
      return;
    }
    if (state.node(owner) == null) {
      MemberTable table = member.members();
      Member known = table.member(owner);
      if (known == null || !known.status().isActive()) {
        return;
      }
      seen(known);
    }
    if (state.applyClaim(owner, claim)) {
      publishPending = true;
    }
  }

  private void applyRole(NodeId owner, byte[] value) {
    RoleClaim role = RoleClaim.decode(value);
    if (role != null) {
      state.applyRole(owner, role);
    }
  }

  /**
   * This node's role changed (CLUSTER REPLICATE, a lost last slot, a takeover): make replication
   * follow. Runs on this module's thread, outside the state's lock, as replication may call back.
   * Without a replication module the role is still recorded and gossiped; the data stays put.
   */
  private void driveReplication(KnownNode master) {
    try {
      if (master == null) {
        server.replication().promote();
      } else {
        server.replication().replicate(master.host(), master.port());
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "replication did not follow the new role ("
          + (master == null ? "master" : "replica of " + master.endpoint()) + "): " + e.getMessage());
    }
  }

  /**
   * The role value to publish: at once when the master changed, otherwise when the offset moved
   * and the last publication is a second old, so offsets cost at most one small update a second.
   */
  private void publishRole(ClusterMember current, MemberTable table) {
    long now = server.nowMillis();
    byte[] published = table.applicationValue(table.self(), RoleClaim.KEY);
    RoleClaim old = RoleClaim.decode(published);
    RoleClaim mine = state.myRole();
    boolean roleChanged = old == null || !java.util.Objects.equals(old.masterId(), mine.masterId());
    if (roleChanged || (old.replOffset() != mine.replOffset() && now - offsetPublishedMillis >= OFFSET_PUBLISH_MILLIS)) {
      current.setApplicationState(RoleClaim.KEY, mine.encode());
      offsetPublishedMillis = now;
    }
  }

  /**
   * Every 200 ms: republish this node's claim if the membership lost it (a rejoin starts a fresh
   * state) or it changed, pick up members whose events were missed, refresh pong times.
   */
  private void reconcileSafely() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cluster reconcile failed", e);
    }
  }

  private void reconcile() {
    ClusterMember current = member;
    if (current == null) {
      return;
    }
    meetNextIfIdle();
    MemberTable table = current.members();
    byte[] mine = state.myClaim().encode();
    byte[] published = table.applicationValue(table.self(), SlotClaim.KEY);
    if (publishPending || !Arrays.equals(mine, published)) {
      publishPending = false;
      current.setApplicationState(SlotClaim.KEY, mine);
    }
    state.myOffset(server.replication().offset());
    publishRole(current, table);
    server.hostSharedBy(nodesOnThisHost(table));
    for (Member other : table.members()) {
      if (other.id().equals(table.self())) {
        continue;
      }
      if (other.status() == MemberStatus.UP || other.status() == MemberStatus.JOINING
          || other.status() == MemberStatus.LEAVING) {
        if (!table.isFailed(other.id())) {
          seen(other);
        } else {
          state.memberFailed(other.id(), true);
        }
        byte[] claim = table.applicationValue(other.id(), SlotClaim.KEY);
        if (claim != null) {
          applyClaim(other.id(), claim);
        }
        byte[] role = table.applicationValue(other.id(), RoleClaim.KEY);
        if (role != null) {
          applyRole(other.id(), role);
        }
      }
    }
    if (state.rejoining() && caughtUp(table)) {
      state.rejoining(false);
    }
  }

  /** Members up on this node's own address, itself included: they share its cores. */
  private int nodesOnThisHost(MemberTable table) {
    int nodes = 1;
    for (Member other : table.members()) {
      if (!other.id().equals(table.self()) && other.status() == MemberStatus.UP
          && !table.isFailed(other.id()) && other.address().host().equals(host)) {
        nodes++;
      }
    }
    return nodes;
  }

  private void rejoin() {
    rejoinSinceMillis = server.nowMillis();
    state.rejoining(true);
  }

  /**
   * A restarted node has caught up once the membership admitted it, it has applied the claim of
   * every member that is up, and the rejoin delay is over.
   */
  private boolean caughtUp(MemberTable table) {
    Member self = table.member(table.self());
    if (self == null || self.status() != MemberStatus.UP
        || server.nowMillis() - rejoinSinceMillis < REJOIN_DELAY_MILLIS) {
      return false;
    }
    for (Member other : table.members()) {
      if (other.status() == MemberStatus.UP && !other.id().equals(table.self())
          && table.applicationValue(other.id(), SlotClaim.KEY) == null) {
        return false;
      }
    }
    return true;
  }

  private void stateChanged() {
    if (nodesFile != null) {
      nodesFile.save(state);
    }
    publishPending = true;
    if (failover != null) {
      failover.viewChanged();
    }
  }

  // ---- For commands -----------------------------------------------------------------------------

  public ShoalServer server() {
    return server;
  }

  public ClusterState state() {
    return state;
  }

  public boolean enabled() {
    return server.clusterEnabled() && state != null;
  }

  public ClusterMember member() {
    return member;
  }

  public boolean requireFullCoverage() {
    return requireFullCoverage.asBoolean();
  }

  public long nodeTimeoutMillis() {
    return nodeTimeout.asLong();
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER]. */
  public void manualFailover(io.shoal.server.cluster.failover.ManualFailover.Mode mode) {
    failover.manualFailover(mode);
  }

  public ProxyServer proxy() {
    return proxy;
  }

  /**
   * CLUSTER MEET. The membership admits only a node that is alone, so meets are done one at a
   * time: redis-cli sends all its MEETs to one node at once, and a lone node that tried to join
   * two clusters at once would end in one of them with the other left out.
   */
  public void meet(String meetHost, int port, int meetBusPort) {
    pendingMeets.add(new NodeAddress(meetHost, port, meetBusPort));
    executor.execute(this::meetNextIfIdle);
  }

  private void meetNextIfIdle() {
    ClusterMember current = member;
    if (current == null) {
      return;
    }
    if (meeting != null) {
      boolean arrived = false;
      for (Member other : current.members().members()) {
        if (other.address().sameBus(meeting) && other.status().isActive()) {
          arrived = true;
        }
      }
      if (!arrived && server.nowMillis() - meetingSinceMillis < MEET_TIMEOUT_MILLIS) {
        return;
      }
      meeting = null;
    }
    NodeAddress next = pendingMeets.poll();
    if (next != null) {
      meeting = next;
      meetingSinceMillis = server.nowMillis();
      current.meet(next);
    }
  }

  /** CLUSTER REPLICATE: record the role (the listener then drives replication). */
  public void replicate(NodeId master) {
    state.replicate(master, server.keyspace().db(0).size());
  }

  public void forget(NodeId id) {
    member.forget(id);
    state.forget(id);
  }

  /**
   * CLUSTER RESET: the membership member is replaced by a fresh one that knows nobody; HARD also
   * draws a new node ID.
   */
  public synchronized void reset(boolean hard) {
    ClusterMember old = member;
    member = null;
    old.close();
    Path identityFile = nodesFile.path().resolveSibling(nodesFile.path().getFileName() + ".member");
    if (hard) {
      try {
        Files.deleteIfExists(identityFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    ClusterMember fresh = startMember(identityFile, List.of());
    KnownNode myself = new KnownNode(fresh.id(), host, server.port(), busPort, state.myself().configEpoch(), false, 0);
    state.reset(myself, hard);
    member = fresh;
    attach(fresh);
  }
}
