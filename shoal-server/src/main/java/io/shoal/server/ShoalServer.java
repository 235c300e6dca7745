package io.shoal.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.client.ClientRegistry;
import io.shoal.server.command.CommandRegistry;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.Dispatcher;
import io.shoal.server.command.KeyWriteListener;
import io.shoal.server.config.Setting;
import io.shoal.server.config.Settings;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.pubsub.KeyspaceNotifications;
import io.shoal.server.server.CommandGate;
import io.shoal.server.server.ConnectionHandler;
import io.shoal.server.server.ConnectionListener;
import io.shoal.server.server.CoreSettings;
import io.shoal.server.server.ServerModule;
import io.shoal.server.server.ServerStats;
import io.shoal.server.server.SlowLog;
import io.shoal.server.server.SpinningSelectStrategy;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A Shoal data node: the Netty server, the keyspace, the command registry and the modules that
 * plug into them. Everything a command needs is reachable from here; there are no singletons, so
 * several nodes can run in one JVM (tests do).
 */
public final class ShoalServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ShoalServer.class.getName());

  private final Settings settings;
  private final CoreSettings core;
  private final Keyspace keyspace;
  private final CommandRegistry commands = new CommandRegistry();
  private final Dispatcher dispatcher;
  private final ClientRegistry clients = new ClientRegistry();
  private final KeyspaceNotifications notifications = new KeyspaceNotifications();
  private final List<KeyWriteListener> keyWriteListeners = new CopyOnWriteArrayList<>();
  private final List<CommandGate> gates = new CopyOnWriteArrayList<>();
  private final List<io.shoal.server.command.CommandLog> commandLogs = new CopyOnWriteArrayList<>();
  private final List<io.shoal.server.server.CommandHold> holds = new CopyOnWriteArrayList<>();
  private final List<io.shoal.server.server.CommandListener> commandListeners = new CopyOnWriteArrayList<>();
  private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> afterCommandHooks = new CopyOnWriteArrayList<>();
  private final List<io.shoal.server.server.ReplyBarrier> replyBarriers = new CopyOnWriteArrayList<>();
  private final List<ServerModule> modules = new ArrayList<>();
  private final ServerStats stats = new ServerStats();
  private final SlowLog slowLog = new SlowLog();
  private final io.shoal.server.propagation.Propagator propagator;
  private final LongSupplier clock;
  private final String runId;
  private final long startedMillis;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  /** The thread running stop(), which a module's stop may call again. */
  private Thread stopper;
  private volatile java.util.function.Supplier<String> role = () -> "master";
  private volatile io.shoal.server.replication.ReplicationControl replication =
      io.shoal.server.replication.ReplicationControl.NONE;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel serverChannel;
  private volatile int boundPort;
  private volatile boolean ioSpinAllowed = true;

  public ShoalServer(Settings settings) {
    this(settings, System::currentTimeMillis);
  }

  /**
   * Settings are defined by the core and by each module as they install; a definition that is
   * already there (because a file was loaded into the same Settings) keeps its value.
   */
  public ShoalServer(Settings settings, LongSupplier clockMillis) {
    this.settings = settings;
    this.core = new CoreSettings(settings);
    this.clock = clockMillis;
    this.keyspace = new Keyspace(core.databases.asInt(), 1024, clockMillis);
    this.dispatcher = new Dispatcher(this);
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    this.runId = HexFormat.of().formatHex(id);
    this.startedMillis = clockMillis.getAsLong();
    core.notifyKeyspaceEvents.onChange(s -> notifications.configure(s.text()));
    propagator = new io.shoal.server.propagation.Propagator(this);
    for (ServerModule module : Modules.all()) {
      install(module);
    }
  }

  /** Defines every parameter a node knows into the given settings, with defaults, for loading a file. */
  public static void defineSettings(Settings settings) {
    new ShoalServer(settings, System::currentTimeMillis);
  }

  /** Adds a module: its commands, settings and hooks. */
  public void install(ServerModule module) {
    modules.add(module);
    module.install(this);
  }

  public void register(CommandSpec spec) {
    commands.register(spec);
  }

  /**
   * io-threads 0: one I/O thread per core, except on one or two cores, where a single thread does
   * better. There the node shares the cores with its clients (and the kernel's network work); a
   * second event loop only adds context switches and cross-thread slot-lock and counter traffic.
   * Measured with bench/vs-redis.sh on 2 cores: 1 thread matched Redis at -P 1 with a lower p99,
   * 2 threads did not (docs/performance.md).
   */
  static int autoIoThreads(int cores) {
    return cores <= 2 ? 1 : cores;
  }

  /**
   * io-spin-micros -1: 20 µs of polling before an I/O thread blocks, except on one core, where
   * the clients that would send the next request cannot run while the thread polls. Measured with
   * redis-benchmark at -P 1 on 2 cores (docs/performance.md, sixth round): 20 µs took SET, INCR and
   * LRANGE_100 from Redis's throughput to 4-8% above it, with the client's CPU per request lower.
   */
  static int autoIoSpinMicros(int cores) {
    return cores <= 1 ? 0 : 20;
  }

  /**
   * The number of Shoal nodes running on this host, this one included (cluster mode counts the
   * members that share its address). With io-spin-micros left at -1, the I/O threads poll only
   * while the host has more cores than nodes: three nodes of a local cluster on two cores polled
   * each other's CPU away (bench/cluster-vs-redis.sh -P 1: SET 0.84 and GET 0.94 of Redis with
   * polling, 1.09 and 1.00 without, docs/performance.md).
   */
  public void hostSharedBy(int nodes) {
    // io-spin-micros is immutable: an explicit value always holds.
    boolean auto = core.ioSpinMicros.asInt() < 0;
    ioSpinAllowed = !auto || autoIoSpinAllowed(Runtime.getRuntime().availableProcessors(), nodes);
  }

  /** Whether the I/O threads may poll before they block (see hostSharedBy). */
  public boolean ioSpinAllowed() {
    return ioSpinAllowed;
  }

  static boolean autoIoSpinAllowed(int cores, int nodesOnHost) {
    return cores > Math.max(1, nodesOnHost);
  }

  public ShoalServer start() throws InterruptedException {
    for (ServerModule module : modules) {
      module.beforeBind(this);
    }
    boolean epoll = Epoll.isAvailable();
    bossGroup = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    int cores = Runtime.getRuntime().availableProcessors();
    int ioThreads = core.ioThreads.asInt() > 0 ? core.ioThreads.asInt() : autoIoThreads(cores);
    // Polled before blocking only with the epoll transport (SpinningSelectStrategy).
    long spinNanos = (core.ioSpinMicros.asInt() < 0 ? autoIoSpinMicros(cores) : core.ioSpinMicros.asInt()) * 1000L;
    workerGroup = new MultiThreadIoEventLoopGroup(ioThreads, epoll
        ? spinNanos > 0 ? EpollIoHandler.newFactory(0, () -> new SpinningSelectStrategy(spinNanos, () -> ioSpinAllowed))
            : EpollIoHandler.newFactory()
        : NioIoHandler.newFactory());
    Class<? extends ServerSocketChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(channelClass)
        .option(ChannelOption.SO_BACKLOG, 511)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new ConnectionHandler(ShoalServer.this));
          }
        });
    String bind = core.bind.text().split("\\s+")[0];
    serverChannel = bootstrap.bind(new InetSocketAddress(bind, core.port.asInt())).sync().channel();
    boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    for (ServerModule module : modules) {
      module.start(this);
    }
    LOG.log(System.Logger.Level.INFO, "Shoal ready to accept connections on {0}:{1} ({2} I/O threads, {3})",
        bind, Integer.toString(boundPort), ioThreads, epoll ? "epoll" : "nio");
    return this;
  }

  /**
   * Stops accepting clients, stops the modules (which may save data), and releases the threads.
   *
   * <p>Every wait here is bounded: stop() runs in the JVM's shutdown hook on SIGTERM, and the JVM
   * exits only once the hook returns. A node once stayed up after SIGTERM with its I/O thread idle
   * in epoll_wait and the hook waiting, without a limit, for the event loops to terminate; an event
   * loop that does not terminate in time is now reported and left behind instead.
   *
   * <p>A second caller (SIGTERM while a SHUTDOWN is saving) waits, bounded, for the first to
   * finish, so that the JVM does not exit in the middle of the save.
   */
  public void stop() {
    boolean second;
    synchronized (this) {
      second = stopping;
      if (!second) {
        stopping = true;
        stopper = Thread.currentThread();
      } else if (Thread.currentThread() == stopper) {
        return; // a module's stop calling stop again
      }
    }
    if (second) {
      awaitStopQuietly(STOP_WAIT_SECONDS); // outside the monitor, which the first stop may need
      return;
    }
    try {
      if (serverChannel != null && !serverChannel.close().awaitUninterruptibly(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "the listening socket did not close in time");
      }
      closeClients();
      for (int i = modules.size() - 1; i >= 0; i--) {
        try {
          modules.get(i).stop(this);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "module failed to stop cleanly", e);
        }
      }
      if (workerGroup != null) {
        io.netty.util.concurrent.Future<?> workers = workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        io.netty.util.concurrent.Future<?> boss = bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!workers.awaitUninterruptibly(STOP_WAIT_SECONDS, TimeUnit.SECONDS)
            || !boss.awaitUninterruptibly(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
          LOG.log(System.Logger.Level.WARNING, "the I/O threads did not terminate in time; exiting without them");
        }
      }
    } finally {
      stopped.countDown();
    }
  }

  /**
   * Closes every client connection and waits (bounded) until each is closed, before the modules
   * stop: a command still arriving while the AOF closed was applied and acknowledged but missing
   * from the file (SigtermProcessTest caught an acknowledged SET lost across a SIGTERM). A closed
   * channel reads no more commands, and the I/O thread finishes the command it is running before
   * it processes the close.
   */
  private void closeClients() {
    List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
    for (ClientConnection client : clients.all()) {
      if (client.channel() != null) {
        closing.add(client.channel().close());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
    for (io.netty.channel.ChannelFuture future : closing) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !future.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "client connections did not close in time");
        return;
      }
    }
  }

  /** How long stop() waits for each step that depends on another thread. */
  private static final long STOP_WAIT_SECONDS = 10;

  private void awaitStopQuietly(long seconds) {
    try {
      if (!stopped.await(seconds, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "the shutdown in progress did not finish in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean stopping() {
    return stopping;
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    stop();
  }

  /** The first gate that refuses the command, or null. */
  public String refusal(ClientConnection client, CommandSpec spec, byte[][] args) {
    if ("master".equals(client.kind())) {
      return null; // the replication stream applies whatever the master did (read-only, cluster slots, OOM...)
    }
    for (int i = 0; i < gates.size(); i++) {
      String refusal = gates.get(i).refuse(client, spec, args);
      if (refusal != null) {
        return refusal;
      }
    }
    return null;
  }

  /** RESET: drops the client's transaction, watches and subscriptions, as if it reconnected. */
  public void resetClient(ClientConnection client) {
    client.endMulti();
    for (ConnectionListener listener : connectionListeners) {
      listener.reset(client);
    }
  }

  public boolean clusterEnabled() {
    return core.clusterEnabled.asBoolean();
  }

  /** "master" or "slave"; replication replaces the supplier. */
  public String roleName() {
    return role.get();
  }

  /** The stream of writes the AOF and replication consume. */
  public io.shoal.server.propagation.Propagator propagator() {
    return propagator;
  }

  public io.shoal.server.replication.ReplicationControl replication() {
    return replication;
  }

  /** Installed by the replication module; cluster mode drives roles through it. */
  public void replication(io.shoal.server.replication.ReplicationControl control) {
    this.replication = control;
  }

  public void role(java.util.function.Supplier<String> supplier) {
    this.role = supplier;
  }

  /** A client went away: modules drop its subscriptions, watches and blocked commands. */
  public void connectionClosed(ClientConnection client) {
    for (ConnectionListener listener : connectionListeners) {
      listener.closed(client);
    }
  }

  public void addConnectionListener(ConnectionListener listener) {
    connectionListeners.add(listener);
  }

  /** After every executed command: statistics and the slow log. */
  public void commandCompleted(ClientConnection client, CommandSpec spec, byte[][] args, long micros) {
    long threshold = core.slowlogSlowerThan.asLong();
    if (threshold >= 0 && micros >= threshold && !spec.has(io.shoal.server.command.CommandFlag.SKIP_SLOWLOG)) {
      slowLog.add(clock.getAsLong() / 1000, micros, args, client.address(), client.name(), core.slowlogMaxLen.asInt());
    }
    for (int i = 0; i < commandListeners.size(); i++) {
      commandListeners.get(i).completed(client, spec, args, micros);
    }
  }

  public void addCommandListener(io.shoal.server.server.CommandListener listener) {
    commandListeners.add(listener);
  }

  public Settings settings() {
    return settings;
  }

  public CoreSettings core() {
    return core;
  }

  public Keyspace keyspace() {
    return keyspace;
  }

  public CommandRegistry commands() {
    return commands;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public ClientRegistry clients() {
    return clients;
  }

  public KeyspaceNotifications notifications() {
    return notifications;
  }

  public List<KeyWriteListener> keyWriteListeners() {
    return keyWriteListeners;
  }

  public void addKeyWriteListener(KeyWriteListener listener) {
    keyWriteListeners.add(listener);
  }

  public List<io.shoal.server.command.CommandLog> commandLogs() {
    return commandLogs;
  }

  public void addCommandLog(io.shoal.server.command.CommandLog log) {
    commandLogs.add(log);
  }

  /**
   * Runs after every top-level command, once its locks are released (blocked clients are served
   * here, so their retries can take locks of their own).
   */
  public void addAfterCommandHook(Runnable hook) {
    afterCommandHooks.add(hook);
  }

  /** Called by the dispatcher after each top-level command, outside every lock. */
  public void afterCommand() {
    for (int i = 0; i < afterCommandHooks.size(); i++) {
      afterCommandHooks.get(i).run();
    }
  }

  public void addReplyBarrier(io.shoal.server.server.ReplyBarrier barrier) {
    replyBarriers.add(barrier);
  }

  /** The first pending hold on the client's replies, or null when they may go now. */
  public java.util.concurrent.CompletableFuture<Boolean> replyHold(ClientConnection client) {
    for (int i = 0; i < replyBarriers.size(); i++) {
      java.util.concurrent.CompletableFuture<Boolean> hold = replyBarriers.get(i).hold(client);
      if (hold != null && !(hold.isDone() && Boolean.TRUE.equals(hold.getNow(false)))) {
        return hold;
      }
    }
    return null;
  }

  /** True when a reply barrier asks that the client's replies flush with the event loop's batch. */
  public boolean batchesReplies(ClientConnection client) {
    for (int i = 0; i < replyBarriers.size(); i++) {
      if (replyBarriers.get(i).batches(client)) {
        return true;
      }
    }
    return false;
  }

  /** False when a reply barrier's batch work should run once per event-loop iteration only. */
  public boolean replyBatchesFlushEarly() {
    for (int i = 0; i < replyBarriers.size(); i++) {
      if (!replyBarriers.get(i).flushesEarly()) {
        return false;
      }
    }
    return true;
  }

  /** Once per event-loop iteration that deferred flushes: the barriers' shared work, before those flushes. */
  public void beforeBatchFlush() {
    for (int i = 0; i < replyBarriers.size(); i++) {
      replyBarriers.get(i).beforeBatchFlush();
    }
  }

  public void addGate(CommandGate gate) {
    gates.add(gate);
  }

  /** Adds a hold that may park commands before they run (CLIENT PAUSE). */
  public void addHold(io.shoal.server.server.CommandHold hold) {
    holds.add(hold);
  }

  /** True if a hold parked the command; it will run later. */
  public boolean held(io.shoal.server.command.CommandContext context, CommandSpec spec, byte[][] args) {
    for (int i = 0; i < holds.size(); i++) {
      if (holds.get(i).hold(context, spec, args)) {
        return true;
      }
    }
    return false;
  }

  public <T extends ServerModule> T module(Class<T> type) {
    for (ServerModule module : modules) {
      if (type.isInstance(module)) {
        return type.cast(module);
      }
    }
    throw new IllegalStateException("module not installed: " + type.getSimpleName());
  }

  public ServerStats stats() {
    return stats;
  }

  public SlowLog slowLog() {
    return slowLog;
  }

  public long nowMillis() {
    return clock.getAsLong();
  }

  public String runId() {
    return runId;
  }

  public long startedMillis() {
    return startedMillis;
  }

  public int port() {
    return boundPort;
  }

  public EventLoopGroup workers() {
    return workerGroup;
  }

  public Setting setting(String name) {
    return settings.get(name);
  }
}
