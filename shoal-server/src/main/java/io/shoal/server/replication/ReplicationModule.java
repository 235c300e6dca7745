package io.shoal.server.replication;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.pubsub.PubSubCommands;
import io.shoal.server.command.server.InfoCommand;
import io.shoal.server.command.server.InfoLines;
import io.shoal.server.command.server.InfoSection;
import io.shoal.server.config.Setting;
import io.shoal.server.config.Settings;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.persistence.Persistence;
import io.shoal.server.persistence.Snapshot;
import io.shoal.server.persistence.rdb.RdbLoader;
import io.shoal.server.persistence.rdb.RdbWriter;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ConnectionListener;
import io.shoal.server.server.ServerModule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Master-replica replication, wire-compatible with Redis's PSYNC2: this node's replication
 * history and backlog, the replicas attached to it ({@link ReplicaFeed}) and, when it is a
 * replica, its link to the master ({@link MasterLink}).
 *
 * <p>A master feeds the backlog and its replicas from the write stream ({@code Propagator}), under
 * one stream lock that also orders appends from different I/O threads; SELECT is emitted when the
 * database changes, as Redis does. A replica applies its master's stream and forwards the exact
 * bytes it applied into its own backlog and feeds (chained replication, same replid and offsets as
 * its master). A command from the master is forwarded while it still holds its slot locks (from the
 * stream sink), so that a snapshot for a sub-replica, taken under all slot locks, always sees the
 * offset that matches its data.
 */
public final class ReplicationModule implements ServerModule, ReplicationControl {
  private static final System.Logger LOG = System.getLogger(ReplicationModule.class.getName());
  private static final byte[] PING = StreamParser.encode(new byte[][] {bytes("PING")});
  private static final byte[] GETACK = StreamParser.encode(new byte[][] {bytes("REPLCONF"), bytes("GETACK"), bytes("*")});

  private final RandomGenerator random = new SecureRandom();
  private final Object stream = new Object();
  private final ReplicationHistory history = new ReplicationHistory(random);
  private final List<ReplicaFeed> feeds = new CopyOnWriteArrayList<>();
  private final Map<ClientConnection, ReplicaFeed> feedsByClient = new ConcurrentHashMap<>();
  private final Map<ClientConnection, ReplicaFeed> handshakes = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final List<Runnable> roleListeners = new CopyOnWriteArrayList<>();
  // Under the stream lock: the stream offset just after the last GETACK appended.
  private long lastGetAckEnd;
  private ShoalServer server;
  private ReplicationBacklog backlog;
  // backlog != null, readable without the stream lock: until a replica first attaches, writes
  // skip the stream entirely (the propagator asks active() before taking any lock).
  private volatile boolean backlogCreated;
  // Under the stream lock: each write is encoded here, then copied to the backlog and the feeds.
  private final StreamEncoder encoder = new StreamEncoder();
  private long offset;
  private int lastDb = -1;
  private int streamDb;
  private volatile String masterHost;
  private volatile int masterPort;
  private volatile MasterLink link;
  private volatile ClientConnection masterClient;
  private volatile long lastConnectAttempt;
  private volatile long lastPingMillis;
  private volatile long linkDownSinceMillis = -1;
  private ScheduledExecutorService cron;
  private ExecutorService background;
  private Setting replicaof;
  private Setting backlogSize;
  private Setting readOnly;
  private Setting timeout;
  private Setting pingPeriod;
  private Setting minReplicas;
  private Setting minReplicasMaxLag;
  private Setting masterauth;
  private Setting announceIp;
  private Setting priority;

  /** A WAIT (or durable write) waiting for replicas to acknowledge an offset. */
  private record Waiter(long offset, int replicas, CompletableFuture<Integer> future) {}

  @Override
  public void install(ShoalServer server) {
    this.server = server;
    Settings settings = server.settings();
    replicaof = settings.define("replicaof", Setting.Kind.STRING, "", false, List.of(), 0, 0, value -> {
      String trimmed = value.trim();
      if (!trimmed.isEmpty() && !trimmed.equalsIgnoreCase("no one") && trimmed.split("\\s+").length != 2) {
        throw ShoalError.err("replicaof must be \"host port\"");
      }
      return trimmed;
    }, List.of("slaveof"));
    backlogSize = settings.define("repl-backlog-size", Setting.Kind.MEMORY, "1048576", true, List.of(), 16,
        Integer.MAX_VALUE - 16, null, List.of());
    readOnly = settings.define("replica-read-only", Setting.Kind.BOOLEAN, "yes", true, List.of(), 0, 0, null,
        List.of("slave-read-only"));
    timeout = settings.defineInteger("repl-timeout", "60", 1, Integer.MAX_VALUE);
    pingPeriod = settings.define("repl-ping-replica-period", Setting.Kind.INTEGER, "10", true, List.of(), 1,
        Integer.MAX_VALUE, null, List.of("repl-ping-slave-period"));
    minReplicas = settings.define("min-replicas-to-write", Setting.Kind.INTEGER, "0", true, List.of(), 0,
        Integer.MAX_VALUE, null, List.of("min-slaves-to-write"));
    minReplicasMaxLag = settings.define("min-replicas-max-lag", Setting.Kind.INTEGER, "10", true, List.of(), 0,
        Integer.MAX_VALUE, null, List.of("min-slaves-max-lag"));
    masterauth = settings.define("masterauth", Setting.Kind.STRING, "");
    announceIp = settings.define("replica-announce-ip", Setting.Kind.STRING, "", true, List.of(), 0, 0, null,
        List.of("slave-announce-ip"));
    priority = settings.define("replica-priority", Setting.Kind.INTEGER, "100", true, List.of(), 0,
        Integer.MAX_VALUE, null, List.of("slave-priority"));
    backlogSize.onChange(s -> {
      synchronized (stream) {
        if (backlog != null) {
          backlog.resize((int) s.asLong());
        }
      }
    });
    server.propagator().addSink(new io.shoal.server.propagation.PropagationSink() {
      @Override
      public void propagate(ClientConnection origin, int db, byte[][] args) {
        propagated(origin, db, args);
      }

      @Override
      public boolean active() {
        return masterHost != null || backlogCreated;
      }
    });
    server.addGate(this::refuse);
    server.addConnectionListener(new ConnectionListener() {
      @Override
      public void closed(ClientConnection client) {
        handshakes.remove(client);
        ReplicaFeed feed = feedsByClient.remove(client);
        if (feed != null) {
          feeds.remove(feed);
          LOG.log(System.Logger.Level.INFO, "Connection with replica " + client.address() + " lost.");
          fireRoleChange();
        }
      }
    });
    server.role(() -> masterHost == null ? "master" : "slave");
    server.replication(this);
    server.module(InfoCommand.class).addSection(new InfoSection() {
      @Override
      public String name() {
        return "replication";
      }

      @Override
      public void write(InfoLines lines) {
        info(lines);
      }
    });
  }

  @Override
  public void start(ShoalServer server) {
    cron = Executors.newSingleThreadScheduledExecutor(daemon("shoal-replication-cron"));
    background = Executors.newCachedThreadPool(daemon("shoal-replication-rdb"));
    cron.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
    String configured = replicaof.text();
    if (!configured.isEmpty() && !configured.equalsIgnoreCase("no one")) {
      String[] parts = configured.split("\\s+");
      if (server.clusterEnabled()) {
        LOG.log(System.Logger.Level.WARNING, "replicaof directive not allowed in cluster mode; ignored");
      } else {
        replicate(parts[0], Integer.parseInt(parts[1]));
      }
    }
  }

  @Override
  public void stop(ShoalServer server) {
    if (cron != null) {
      cron.shutdownNow();
      background.shutdownNow();
    }
    MasterLink current = link;
    if (current != null) {
      current.close();
    }
    for (Waiter waiter : waiters) {
      waiter.future().complete(countAcked(waiter.offset()));
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------- the stream

  /** The replication sink of the write stream: called under the write's slot locks, in data-change order. */
  private void propagated(ClientConnection origin, int db, byte[][] args) {
    if (masterHost != null) {
      MasterLink current = link;
      if (origin != null && current != null && origin == current.client()) {
        current.forwardPending();
      }
      // Anything else changing a replica's data (a lazily expired key) is local: the master's own DEL follows.
      return;
    }
    synchronized (stream) {
      if (backlog == null) {
        return; // no replica ever attached: Redis keeps no backlog either
      }
      if (db != lastDb) {
        append(StreamParser.encode(new byte[][] {bytes("SELECT"), bytes(Integer.toString(db))}));
        lastDb = db;
      }
      encoder.encode(args);
      append(encoder.bytes(), encoder.length());
      encoder.trim();
      if (origin != null) {
        origin.writeOffset(offset);
      }
    }
  }

  /** Under the stream lock. */
  private void append(byte[] bytes) {
    append(bytes, bytes.length);
  }

  /** Under the stream lock: the first {@code length} bytes of {@code bytes}, which callers may reuse after. */
  private void append(byte[] bytes, int length) {
    backlog.append(bytes, 0, length);
    offset += length;
    for (int i = 0; i < feeds.size(); i++) {
      feeds.get(i).write(bytes, length);
    }
  }

  private void ensureBacklog() {
    if (backlog == null) {
      backlog = new ReplicationBacklog((int) backlogSize.asLong(), offset + 1);
      backlogCreated = true;
    }
  }

  /** A replica forwards what it applied from its master, byte for byte. */
  void forward(byte[] bytes, int length, int dbAfter) {
    synchronized (stream) {
      ensureBacklog();
      append(bytes, length);
      streamDb = dbAfter;
    }
  }

  int streamDb() {
    synchronized (stream) {
      return streamDb;
    }
  }

  /** Full resync on a replica: replaces the data set with the master's snapshot; returns the stream's database. */
  int loadSnapshot(byte[] payload, String replid, long masterOffset) throws IOException {
    Keyspace keyspace = server.keyspace();
    Persistence persistence = server.module(Persistence.class);
    long started = System.nanoTime();
    RdbLoader.Result result;
    keyspace.locks().lockAll();
    try {
      keyspace.flushAll();
      result = RdbLoader.load(new ByteArrayInputStream(payload), keyspace, persistence.codecs());
    } finally {
      keyspace.locks().unlockAll();
    }
    String dbAux = result.aux().get("repl-stream-db");
    int db = dbAux == null ? 0 : Integer.parseInt(dbAux);
    LOG.log(System.Logger.Level.INFO, "MASTER <-> REPLICA sync: loaded {0} keys ({1} bytes) in {2} ms",
        result.keys(), payload.length, (System.nanoTime() - started) / 1_000_000);
    List<ReplicaFeed> dropped;
    synchronized (stream) {
      history.adopt(replid);
      offset = masterOffset;
      streamDb = db;
      backlog = new ReplicationBacklog((int) backlogSize.asLong(), offset + 1);
      backlogCreated = true;
      dropped = new ArrayList<>(feeds);
    }
    // Our sub-replicas hold another history now: they must resynchronise.
    for (ReplicaFeed feed : dropped) {
      feed.close();
    }
    return db;
  }

  void fullSyncDone(ClientConnection client) {
    masterClient = client;
    linkDownSinceMillis = -1;
    fireRoleChange();
  }

  void continued(String newReplid, ClientConnection client) {
    List<ReplicaFeed> dropped = List.of();
    synchronized (stream) {
      ensureBacklog();
      if (newReplid != null && !newReplid.equals(history.replid())) {
        history.follow(newReplid, offset);
        dropped = new ArrayList<>(feeds);
      }
    }
    for (ReplicaFeed feed : dropped) {
      feed.close();
    }
    masterClient = client;
    linkDownSinceMillis = -1;
    fireRoleChange();
  }

  void masterClientGone(ClientConnection client) {
    server.clients().remove(client);
    if (masterClient == client) {
      masterClient = null;
      linkDownSinceMillis = server.nowMillis();
    }
  }

  void linkChanged() {
    fireRoleChange();
  }

  String psyncReplid() {
    synchronized (stream) {
      return backlog == null ? "?" : history.replid();
    }
  }

  String masterauth() {
    return masterauth.text();
  }

  String announceIp() {
    return announceIp.text();
  }

  long timeoutMillis() {
    return timeout.asLong() * 1000;
  }

  // ---------------------------------------------------------------- master side

  /** REPLCONF before PSYNC: remembered until the PSYNC. */
  public void replconf(ClientConnection client, String option, String value) {
    ReplicaFeed feed = feedsByClient.get(client);
    if (feed == null) {
      feed = handshakes.computeIfAbsent(client, c -> new ReplicaFeed(c, replicaOutputLimit(), server.nowMillis()));
    }
    switch (option) {
      case "listening-port":
        feed.listeningPort(Integer.parseInt(value));
        break;
      case "ip-address":
        feed.announcedIp(value);
        break;
      default:
        break;
    }
  }

  /** REPLCONF ACK from a replica. */
  public void ack(ClientConnection client, long ackOffset) {
    ReplicaFeed feed = feedsByClient.get(client);
    if (feed == null) {
      return;
    }
    feed.ack(ackOffset, server.nowMillis());
    if (!waiters.isEmpty()) {
      for (Waiter waiter : waiters) {
        int count = countAcked(waiter.offset());
        if (count >= waiter.replicas() && waiter.future().complete(count)) {
          waiters.remove(waiter);
        }
      }
    }
  }

  private long replicaOutputLimit() {
    try {
      return server.module(PubSubCommands.class).hub().limits().replica().hardBytes();
    } catch (RuntimeException e) {
      return 256L << 20;
    }
  }

  /** PSYNC replid offset (SYNC is PSYNC ? -1 without the +FULLRESYNC line): turns the connection into a replica feed. */
  public void psync(ClientConnection client, String replid, long wanted, boolean legacySync) {
    if (masterHost != null && masterClient == null) {
      throw new ShoalError("NOMASTERLINK Can't SYNC while not connected with my master");
    }
    ReplicaFeed feed = handshakes.remove(client);
    if (feed == null) {
      feed = new ReplicaFeed(client, replicaOutputLimit(), server.nowMillis());
    }
    client.kind("replica");
    feed.ack(0, server.nowMillis());
    synchronized (stream) {
      ensureBacklog();
      if (!legacySync && !replid.equals("?") && history.continues(replid, wanted) && backlog.holds(wanted)) {
        feed.sendLine("+CONTINUE " + history.replid());
        byte[] missed = backlog.from(wanted);
        feed.write(missed, missed.length);
        feeds.add(feed);
        feedsByClient.put(client, feed);
        feed.online();
        server.stats().syncPartialOk.increment();
        LOG.log(System.Logger.Level.INFO, "Partial resynchronization request from " + client.address()
            + " accepted. Sending " + (offset + 1 - wanted) + " bytes of backlog starting from offset " + wanted + ".");
        fireRoleChange();
        return;
      }
    }
    if (!replid.equals("?") && !legacySync) {
      server.stats().syncPartialErr.increment();
    }
    server.stats().syncFull.increment();
    fullSync(feed, legacySync);
  }

  private void fullSync(ReplicaFeed feed, boolean legacySync) {
    long[] at = new long[1];
    int[] db = new int[1];
    String[] id = new String[1];
    Snapshot snapshot = Snapshot.share(server.keyspace(), () -> {
      synchronized (stream) {
        at[0] = offset;
        id[0] = history.replid();
        if (masterHost == null) {
          lastDb = -1; // the next command selects its database, whatever the replica had
          db[0] = 0;
        } else {
          db[0] = streamDb;
        }
        feeds.add(feed);
        feedsByClient.put(feed.client(), feed);
      }
    });
    LOG.log(System.Logger.Level.INFO, "Full resync requested by replica " + feed.client().address()
        + "; starting BGSAVE for SYNC with target: replicas sockets, offset " + at[0]);
    if (!legacySync) {
      feed.sendLine("+FULLRESYNC " + id[0] + " " + at[0]);
    }
    fireRoleChange();
    Persistence persistence = server.module(Persistence.class);
    try {
      background.execute(() -> sendSnapshot(feed, snapshot, persistence, db[0], id[0], at[0]));
    } catch (RuntimeException e) {
      snapshot.release();
      throw e;
    }
  }

  /** Writes a full sync's snapshot to a replica, then releases it (see {@link Snapshot#share}). */
  private void sendSnapshot(ReplicaFeed feed, Snapshot snapshot, Persistence persistence, int db, String id, long at) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
      try {
        RdbWriter.write(snapshot, out, persistence.codecs(), true, server.keyspace().usedBytes(), false,
            Map.of("repl-stream-db", Integer.toString(db), "repl-id", id, "repl-offset", Long.toString(at)));
      } finally {
        snapshot.release();
      }
      byte[] rdb = out.toByteArray();
      feed.sendRaw(("$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      feed.sendRaw(rdb);
      feed.online();
      LOG.log(System.Logger.Level.INFO, "Synchronization with replica " + feed.client().address() + " succeeded ("
          + rdb.length + " bytes of snapshot)");
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot send a snapshot to replica " + feed.client().address() + ": " + e);
      feed.close();
    }
  }

  // ---------------------------------------------------------------- roles

  @Override
  public synchronized void replicate(String host, int port) {
    if (host.equals(masterHost) && port == masterPort) {
      return;
    }
    LOG.log(System.Logger.Level.INFO, "Connecting to MASTER " + host + ":" + port);
    MasterLink old = link;
    link = null;
    masterHost = host;
    masterPort = port;
    masterClient = null;
    linkDownSinceMillis = server.nowMillis();
    if (old != null) {
      old.close();
    }
    dropFeeds();
    connectNow();
    fireRoleChange();
  }

  @Override
  public synchronized void promote() {
    if (masterHost == null) {
      return;
    }
    MasterLink old = link;
    link = null;
    masterHost = null;
    masterClient = null;
    if (old != null) {
      old.close();
    }
    synchronized (stream) {
      history.fork(random, offset);
      lastDb = -1;
      ensureBacklog();
    }
    LOG.log(System.Logger.Level.INFO, "MASTER MODE enabled (user request); new replication ID " + history.replid()
        + ", keeping the old one up to offset " + offset);
    // Sub-replicas learn the new id by reconnecting; they continue partially with the old one.
    dropFeeds();
    fireRoleChange();
  }

  private void dropFeeds() {
    for (ReplicaFeed feed : new ArrayList<>(feeds)) {
      feed.close();
    }
  }

  private void connectNow() {
    lastConnectAttempt = server.nowMillis();
    if (server.workers() == null) {
      return; // not started yet: start() or the cron connects
    }
    MasterLink next = new MasterLink(this, server, masterHost, masterPort);
    link = next;
    next.connect();
  }

  @Override
  public boolean isReplica() {
    return masterHost != null;
  }

  @Override
  public String masterEndpoint() {
    String host = masterHost;
    return host == null ? null : host + ":" + masterPort;
  }

  @Override
  public boolean linkUp() {
    MasterLink current = link;
    return current != null && current.state() == MasterLink.State.CONNECTED;
  }

  @Override
  public long offset() {
    synchronized (stream) {
      return offset;
    }
  }

  @Override
  public List<ReplicaInfo> replicas() {
    long now = server.nowMillis();
    List<ReplicaInfo> result = new ArrayList<>();
    for (ReplicaFeed feed : feeds) {
      result.add(new ReplicaInfo(feed.ip(), feed.listeningPort(), feed.ackOffset(), now - feed.lastAckMillis(),
          feed.state() == ReplicaFeed.State.ONLINE && !feed.closed()));
    }
    return result;
  }

  @Override
  public void onRoleChange(Runnable listener) {
    roleListeners.add(listener);
  }

  private void fireRoleChange() {
    for (Runnable listener : roleListeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "role change listener failed", e);
      }
    }
  }

  public String masterHost() {
    return masterHost;
  }

  public int masterPort() {
    return masterPort;
  }

  /** "connect", "connecting", "sync" or "connected", as ROLE reports a replica's link. */
  public String linkState() {
    MasterLink current = link;
    if (current == null) {
      return "connect";
    }
    switch (current.state()) {
      case CONNECTING: case HANDSHAKE: return "connecting";
      case SYNC: return "sync";
      case CONNECTED: return "connected";
      default: return "connect";
    }
  }

  /** The offset this replica has applied (its master's offset it acknowledges). */
  public long appliedOffset() {
    MasterLink current = link;
    return current != null && current.state() == MasterLink.State.CONNECTED ? current.processedOffset() : offset();
  }

  /** REPLCONF GETACK from the master: acknowledge now. */
  public void ackMaster() {
    MasterLink current = link;
    if (current != null) {
      current.sendAck();
    }
  }

  /** True when the client is a replica attached to this node. */
  public boolean client(ClientConnection client) {
    return feedsByClient.containsKey(client);
  }

  public boolean isMasterClient(ClientConnection client) {
    return client != null && client == masterClient;
  }

  // ---------------------------------------------------------------- WAIT and durability

  /** Replicas whose acknowledged offset is at least {@code target}. */
  public int countAcked(long target) {
    int count = 0;
    for (ReplicaFeed feed : feeds) {
      if (feed.state() == ReplicaFeed.State.ONLINE && feed.ackOffset() >= target) {
        count++;
      }
    }
    return count;
  }

  /**
   * Completes with the number of replicas that acknowledged {@code target} once at least
   * {@code replicas} did, or with the count so far after {@code timeoutMillis} (0: no limit).
   * Replicas are asked to acknowledge at once (REPLCONF GETACK in the stream).
   */
  public CompletableFuture<Integer> awaitAcks(long target, int replicas, long timeoutMillis) {
    return awaitAcks(target, replicas, timeoutMillis, true);
  }

  /**
   * As {@link #awaitAcks(long, int, long)}, but the replicas are asked only if no GETACK follows
   * {@code target} in the stream yet: durable mode waits on every write, and the writes of one
   * pipelined batch then share one GETACK (the one behind the last of them) instead of adding one
   * each to the stream.
   */
  public CompletableFuture<Integer> awaitAcksSharingAsk(long target, int replicas, long timeoutMillis) {
    return awaitAcks(target, replicas, timeoutMillis, false);
  }

  private CompletableFuture<Integer> awaitAcks(long target, int replicas, long timeoutMillis, boolean askAlways) {
    int now = countAcked(target);
    if (now >= replicas) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<Integer> future = new CompletableFuture<>();
    Waiter waiter = new Waiter(target, replicas, future);
    waiters.add(waiter);
    now = countAcked(target);
    if (now >= replicas && future.complete(now)) {
      waiters.remove(waiter);
      return future;
    }
    if (masterHost == null) {
      askForAcks(askAlways ? Long.MAX_VALUE : target);
    }
    if (timeoutMillis > 0 && cron != null) {
      cron.schedule(() -> {
        if (future.complete(countAcked(target))) {
          waiters.remove(waiter);
        }
      }, timeoutMillis, TimeUnit.MILLISECONDS);
    }
    return future;
  }

  /**
   * Appends a GETACK to the stream, unless one already follows {@code target}: every replica
   * acknowledges what it applied up to it.
   */
  private void askForAcks(long target) {
    synchronized (stream) {
      // A mark beyond the offset is from another history (this node resynchronised since): stale.
      if ((lastGetAckEnd >= target && lastGetAckEnd <= offset) || backlog == null || feeds.isEmpty()) {
        return;
      }
      append(GETACK);
      lastGetAckEnd = offset;
    }
  }

  /** The offset at the end of the last write this client made (0 when none was replicated). */
  public long lastWriteOffset(ClientConnection client) {
    return client.writeOffset();
  }

  // ---------------------------------------------------------------- gates

  private String refuse(ClientConnection client, CommandSpec spec, byte[][] args) {
    if (!spec.isWrite() || client == masterClient || "master".equals(client.kind())) {
      return null;
    }
    // In cluster mode a keyed write on a replica is redirected to the master (MOVED) by the cluster
    // gate, as Redis redirects before it checks read-only; only keyless writes get READONLY.
    boolean redirected = server.clusterEnabled() && (spec.firstKey() > 0 || spec.movableKeys());
    if (masterHost != null && readOnly.asBoolean() && client.channel() != null && !redirected) {
      return "READONLY You can't write against a read only replica.";
    }
    int min = minReplicas.asInt();
    if (masterHost == null && min > 0 && goodReplicas() < min) {
      return "NOREPLICAS Not enough good replicas to write.";
    }
    return null;
  }

  private int goodReplicas() {
    return goodReplicas(minReplicasMaxLag.asLong() * 1000);
  }

  /** Online replicas that acknowledged something within {@code maxLag} milliseconds. */
  public int goodReplicas(long maxLag) {
    long now = server.nowMillis();
    int good = 0;
    for (ReplicaFeed feed : feeds) {
      if (feed.state() == ReplicaFeed.State.ONLINE && !feed.closed() && now - feed.lastAckMillis() <= maxLag) {
        good++;
      }
    }
    return good;
  }

  // ---------------------------------------------------------------- cron

  private void tick() {
    try {
      long now = server.nowMillis();
      String host = masterHost;
      MasterLink current = link;
      if (host != null) {
        synchronized (this) {
          current = link;
          if (masterHost != null && (current == null || current.state() == MasterLink.State.CLOSED)
              && now - lastConnectAttempt >= 500) {
            connectNow();
          }
        }
        if (current != null && current.state() != MasterLink.State.CLOSED
            && now - current.lastIoMillis() > timeoutMillis()) {
          LOG.log(System.Logger.Level.WARNING, "MASTER timeout: no data nor PING received...");
          current.close();
        }
      }
      if (now / 1000 != (now - 100) / 1000) {
        perSecond(now);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "replication cron failed", e);
    }
  }

  private void perSecond(long now) {
    MasterLink current = link;
    if (masterHost != null && current != null) {
      current.sendAck();
    }
    if (masterHost == null && !feeds.isEmpty() && now - lastPingMillis >= pingPeriod.asLong() * 1000) {
      lastPingMillis = now;
      synchronized (stream) {
        if (backlog != null) {
          append(PING);
        }
      }
    }
    for (ReplicaFeed feed : feeds) {
      if (feed.state() == ReplicaFeed.State.ONLINE && now - feed.lastAckMillis() > timeoutMillis()) {
        LOG.log(System.Logger.Level.WARNING, "Disconnecting timedout replica: " + feed.client().address());
        feed.close();
      }
    }
  }

  // ---------------------------------------------------------------- INFO

  private void info(InfoLines lines) {
    long now = server.nowMillis();
    String host = masterHost;
    MasterLink current = link;
    lines.add("role", host == null ? "master" : "slave");
    if (host != null) {
      boolean up = linkUp();
      lines.add("master_host", host)
          .add("master_port", masterPort)
          .add("master_link_status", up ? "up" : "down")
          .add("master_last_io_seconds_ago", current == null || !up ? -1 : (now - current.lastIoMillis()) / 1000)
          .add("master_sync_in_progress", current != null && current.syncing() ? 1 : 0)
          .add("slave_read_repl_offset", appliedOffset())
          .add("slave_repl_offset", appliedOffset());
      if (current != null && current.syncing()) {
        lines.add("master_sync_total_bytes", current.rdbLength())
            .add("master_sync_read_bytes", current.rdbReceived())
            .add("master_sync_left_bytes", Math.max(0, current.rdbLength() - current.rdbReceived()))
            .add("master_sync_perc", current.rdbLength() <= 0 ? "0.00"
                : String.format(java.util.Locale.ROOT, "%.2f", current.rdbReceived() * 100.0 / current.rdbLength()))
            .add("master_sync_last_io_seconds_ago", (now - current.lastIoMillis()) / 1000);
      }
      if (!up) {
        long since = linkDownSinceMillis;
        lines.add("master_link_down_since_seconds", since < 0 ? -1 : (now - since) / 1000);
      }
      lines.add("slave_priority", priority.asLong())
          .add("slave_read_only", readOnly.asBoolean() ? 1 : 0)
          .add("replica_announced", 1);
    }
    List<ReplicaFeed> attached = new ArrayList<>(feeds);
    lines.add("connected_slaves", attached.size());
    if (host == null && minReplicas.asInt() > 0) {
      lines.add("min_slaves_good_slaves", goodReplicas());
    }
    for (int i = 0; i < attached.size(); i++) {
      ReplicaFeed feed = attached.get(i);
      lines.add("slave" + i, "ip=" + feed.ip() + ",port=" + feed.listeningPort() + ",state="
          + (feed.state() == ReplicaFeed.State.ONLINE ? "online" : "wait_bgsave") + ",offset=" + feed.ackOffset()
          + ",lag=" + (now - feed.lastAckMillis()) / 1000);
    }
    synchronized (stream) {
      lines.add("master_failover_state", "no-failover")
          .add("master_replid", history.replid())
          .add("master_replid2", history.replid2())
          .add("master_repl_offset", offset)
          .add("second_repl_offset", history.secondOffset())
          .add("repl_backlog_active", backlog == null ? 0 : 1)
          .add("repl_backlog_size", backlog == null ? backlogSize.asLong() : backlog.size())
          .add("repl_backlog_first_byte_offset", backlog == null ? 0 : backlog.firstOffset())
          .add("repl_backlog_histlen", backlog == null ? 0 : backlog.length());
    }
  }

  /** replid, for ROLE and tests. */
  public String replid() {
    return history.replid();
  }
}
