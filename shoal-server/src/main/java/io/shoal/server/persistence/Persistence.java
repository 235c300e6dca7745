package io.shoal.server.persistence;

import io.netty.buffer.Unpooled;
import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.server.InfoCommand;
import io.shoal.server.command.server.InfoLines;
import io.shoal.server.command.server.InfoSection;
import io.shoal.server.command.server.ServerCommands;
import io.shoal.server.config.Setting;
import io.shoal.server.config.Settings;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.persistence.aof.AofLoader;
import io.shoal.server.persistence.aof.AppendOnlyFile;
import io.shoal.server.persistence.rdb.CollectionCodecs;
import io.shoal.server.persistence.rdb.RdbLoader;
import io.shoal.server.persistence.rdb.RdbWriter;
import io.shoal.server.resp.Reply;
import io.shoal.server.server.ServerModule;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durability of one node: RDB snapshots (SAVE, BGSAVE, save points, load at start-up, save at
 * shutdown) and the append-only file (logging, fsync policy, rewrite, replay at start-up), with
 * Redis's settings, INFO fields and MISCONF refusals.
 *
 * <p>Where Redis forks, Shoal takes a {@link Snapshot} (a copy of the keyspace under every slot
 * lock, strings shared, collections deep-copied) and writes it on a background thread, one
 * background job (BGSAVE or rewrite) at a time, as Redis allows one child. Start-up loads the AOF
 * when {@code appendonly yes}, else the RDB file, while a gate answers other clients with LOADING.
 */
public final class Persistence implements ServerModule {
  private static final System.Logger LOG = System.getLogger(Persistence.class.getName());
  static final String RDB_MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently"
      + " unable to persist to disk. Commands that may modify the data set are disabled, because this"
      + " instance is configured to report errors during writes if RDB snapshotting fails"
      + " (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
  private static final long BGSAVE_RETRY_DELAY_MILLIS = 5000;

  private final CollectionCodecs codecs = new CollectionCodecs();
  // Written by every I/O thread on every key write: an adder, not one contended counter.
  private final java.util.concurrent.atomic.LongAdder changes = new java.util.concurrent.atomic.LongAdder();
  private final AtomicBoolean backgroundJob = new AtomicBoolean();
  private final AtomicLong rdbSaves = new AtomicLong();
  private final AtomicLong aofRewrites = new AtomicLong();
  private ShoalServer server;
  private Setting save;
  private Setting dbfilename;
  private Setting rdbcompression;
  private Setting stopWritesOnBgsaveError;
  private Setting appendonly;
  private Setting appendfilename;
  private Setting appendfsync;
  private Setting rewritePercentage;
  private Setting rewriteMinSize;
  private Setting loadTruncated;
  private Setting useRdbPreamble;
  private volatile SavePoints savePoints = SavePoints.parse("");
  private volatile AppendOnlyFile aof;
  private volatile long aofOffsetBase;
  private volatile boolean loading;
  /** The RDB load started by {@link #beforeBind}, joined by {@link #start}. */
  private FutureTask<Void> earlyLoad;
  private volatile ClientConnection loaderClient;
  private volatile long lastSaveMillis;
  private volatile long lastBgsaveAttemptMillis;
  private volatile boolean lastBgsaveOk = true;
  private volatile long lastBgsaveSeconds = -1;
  private volatile long bgsaveStartedMillis;
  /**
   * Held while a background save or AOF rewrite publishes its end (outcome and "no longer in
   * progress") and while INFO reads those fields, so that a client never sees the outcome of a job
   * that still counts as in progress: one that saw rdb_last_bgsave_status change and sent BGSAVE was
   * told "Background save already in progress" (PersistenceCommandsTest, 2026-11-25). Redis
   * publishes both in one turn of its event loop.
   */
  private final Object backgroundJobEnd = new Object();
  private volatile long rewriteStartedMillis;
  private volatile boolean lastRewriteOk = true;
  private volatile long lastRewriteSeconds = -1;
  private volatile boolean rewriteScheduled;
  private volatile long lastLoadKeys;
  private volatile long lastLoadExpired;
  private volatile long lastSnapshotPauseMicros;
  private volatile Boolean shutdownSaveOverride;
  private ScheduledExecutorService cron;
  private ExecutorService background;

  @Override
  public void install(ShoalServer server) {
    this.server = server;
    Settings settings = server.settings();
    save = settings.define("save", Setting.Kind.STRING, "3600 1 300 100 60 10000", true, List.of(), 0, 0,
        value -> {
          SavePoints.parse(value);
          return value.trim();
        }, List.of());
    dbfilename = settings.define("dbfilename", Setting.Kind.STRING, "dump.rdb", true, List.of(), 0, 0,
        Persistence::plainFileName, List.of());
    rdbcompression = settings.define("rdbcompression", Setting.Kind.BOOLEAN, "yes");
    stopWritesOnBgsaveError = settings.define("stop-writes-on-bgsave-error", Setting.Kind.BOOLEAN, "yes");
    appendonly = settings.define("appendonly", Setting.Kind.BOOLEAN, "no");
    appendfilename = settings.define("appendfilename", Setting.Kind.STRING, "appendonly.aof", false, List.of(), 0, 0,
        Persistence::plainFileName, List.of());
    appendfsync = settings.defineEnum("appendfsync", "everysec", "always", "everysec", "no");
    rewritePercentage = settings.defineInteger("auto-aof-rewrite-percentage", "100", 0, Integer.MAX_VALUE);
    rewriteMinSize = settings.define("auto-aof-rewrite-min-size", Setting.Kind.MEMORY, "67108864", true, List.of(), 0,
        Long.MAX_VALUE, null, List.of());
    loadTruncated = settings.define("aof-load-truncated", Setting.Kind.BOOLEAN, "yes");
    useRdbPreamble = settings.define("aof-use-rdb-preamble", Setting.Kind.BOOLEAN, "yes");
    savePoints = SavePoints.parse(save.text());
    save.onChange(s -> savePoints = SavePoints.parse(s.text()));
    appendfsync.onChange(s -> {
      AppendOnlyFile file = aof;
      if (file != null) {
        file.fsync(fsyncPolicy());
      }
    });
    appendonly.onChange(s -> {
      if (server.port() != 0 || cron != null) {
        appendOnlyChanged(s.asBoolean());
      }
    });
    server.addKeyWriteListener((db, key, writer) -> {
      if (writer == null || writer != loaderClient) {
        changes.increment();
      }
    });
    server.propagator().dumpWith(value -> io.shoal.server.persistence.rdb.DumpPayload.create(value, codecs));
    server.propagator().addSink(new io.shoal.server.propagation.PropagationSink() {
      @Override
      public void propagate(ClientConnection origin, int db, byte[][] args) {
        append(origin, db, args);
      }

      @Override
      public void propagateAll(List<io.shoal.server.propagation.PropagatedCommand> commands) {
        appendAll(commands);
      }

      @Override
      public boolean active() {
        return aof != null;
      }
    });
    server.addCommandLog(this::logCommand);
    server.addReplyBarrier(new io.shoal.server.server.ReplyBarrier() {
      @Override
      public java.util.concurrent.CompletableFuture<Boolean> hold(ClientConnection client) {
        return holdReplies(client);
      }

      @Override
      public boolean batches(ClientConnection client) {
        AppendOnlyFile file = aof;
        return file != null && file.unwritten(client.aofOffset());
      }

      @Override
      public boolean flushesEarly() {
        AppendOnlyFile file = aof;
        return file == null || file.fsync() != AppendOnlyFile.Fsync.ALWAYS; // one fsync per iteration
      }

      @Override
      public void beforeBatchFlush() {
        AppendOnlyFile file = aof;
        if (file != null) {
          file.writeBatch();
        }
      }
    });
    server.addGate(this::refuse);
    TypeCodecs.registerAll(server, codecs);
    ServerCommands serverCommands = server.module(ServerCommands.class);
    serverCommands.lastSave(this::lastSaveSeconds);
    serverCommands.addShutdownHook(this::beforeShutdown);
    server.module(InfoCommand.class).addSection(new InfoSection() {
      @Override
      public String name() {
        return "persistence";
      }

      @Override
      public void write(InfoLines lines) {
        for (String line : infoSection().split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon > 0 && !line.startsWith("#")) {
            lines.add(line.substring(0, colon), line.substring(colon + 1));
          }
        }
      }
    });
  }

  /**
   * SHUTDOWN [SAVE|NOSAVE]: saves now when asked to or when save points are configured (a failure
   * refuses the shutdown unless FORCE, as in Redis), so that stop() does not save a second time.
   */
  private void beforeShutdown(boolean save, boolean noSave, boolean force) {
    AppendOnlyFile file = aof;
    if (file != null) {
      file.fsyncNow();
    }
    if (noSave || (!save && !savePoints.enabled())) {
      shutdownSaveOverride = false;
      return;
    }
    try {
      save();
      shutdownSaveOverride = false;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "Error trying to save the DB, can't exit: " + e.getMessage());
      if (!force) {
        throw io.shoal.server.resp.ShoalError.err("Errors trying to SHUTDOWN. Check logs.");
      }
      shutdownSaveOverride = false;
    }
  }

  private static String plainFileName(String value) {
    if (value.contains("/") || value.contains("\\")) {
      throw io.shoal.server.resp.ShoalError.err("dbfilename can't be a path, just a filename");
    }
    return value;
  }

  public CollectionCodecs codecs() {
    return codecs;
  }

  // ---------------------------------------------------------------- start and stop

  /**
   * An RDB file starts loading on its own thread before the node binds its socket, so the I/O
   * threads' start-up (Netty's class loading and native set-up, ~0.1 s) overlaps the load instead
   * of preceding it. An AOF is replayed through the dispatcher and waits for {@link #start}, when
   * the modules it drives have started.
   */
  @Override
  public void beforeBind(ShoalServer server) {
    loading = true;
    if (appendonly.asBoolean() || !Files.exists(rdbPath())) {
      return;
    }
    FutureTask<Void> load = new FutureTask<>(() -> {
      loadRdbAtStartup();
      return null;
    });
    Thread thread = new Thread(load, "shoal-rdb-load");
    thread.setDaemon(true);
    thread.start();
    earlyLoad = load;
    // Also on the main thread while the load runs on the other: the first message initialises
    // java.util.logging and its number formats (~15 ms), which the load's own closing message
    // otherwise paid between the last key and the first answer.
    try {
      LOG.log(System.Logger.Level.INFO, "Loading the RDB file {0} ({1} bytes)", rdbPath(), Files.size(rdbPath()));
    } catch (IOException e) {
      // Gone or unreadable: the load reports it.
    }
  }

  @Override
  public void start(ShoalServer server) {
    lastSaveMillis = server.nowMillis();
    loading = true;
    try {
      FutureTask<Void> early = earlyLoad;
      earlyLoad = null;
      if (early != null) {
        awaitEarlyLoad(early);
      } else {
        loadAtStartup();
      }
      if (appendonly.asBoolean()) {
        aof = new AppendOnlyFile(aofPath(), fsyncPolicy());
      }
    } catch (IOException e) {
      // Refuse to serve a partial data set: stop the node (its socket is already bound) and fail.
      LOG.log(System.Logger.Level.ERROR, "cannot load the data set: " + e.getMessage());
      loading = false;
      server.stop();
      throw new UncheckedIOException("cannot load the data set: " + e.getMessage(), e);
    } finally {
      loading = false;
      loaderClient = null;
    }
    changes.reset();
    cron = Executors.newSingleThreadScheduledExecutor(daemon("shoal-persistence-cron"));
    background = Executors.newSingleThreadExecutor(daemon("shoal-persistence-background"));
    cron.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Overrides, for the coming shutdown, whether an RDB snapshot is written (SHUTDOWN SAVE|NOSAVE). */
  public void saveOnShutdown(boolean saveSnapshot) {
    shutdownSaveOverride = saveSnapshot;
  }

  @Override
  public void stop(ShoalServer server) {
    if (cron != null) {
      cron.shutdownNow();
    }
    if (background != null) {
      background.shutdown();
      try {
        background.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    boolean snapshot = shutdownSaveOverride != null ? shutdownSaveOverride : savePoints.enabled();
    if (snapshot && cron != null) {
      try {
        save();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.ERROR, "Error trying to save the DB on shutdown: " + e.getMessage());
      }
    }
    AppendOnlyFile file = aof;
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.ERROR, "Error closing the AOF on shutdown: " + e.getMessage());
      }
    }
  }

  private void loadAtStartup() throws IOException {
    Keyspace keyspace = server.keyspace();
    if (appendonly.asBoolean()) {
      Path path = aofPath();
      if (!Files.exists(path)) {
        return;
      }
      long started = System.nanoTime();
      ClientConnection client = new ClientConnection(-1, null, new Reply(Unpooled.buffer()), server.nowMillis(), true);
      loaderClient = client;
      CommandContext context = new CommandContext(server, client);
      AofLoader.Result result = AofLoader.load(path, loadTruncated.asBoolean(),
          in -> {
            keyspace.locks().lockAll();
            try {
              RdbLoader.Result rdb = RdbLoader.load(in, keyspace, codecs);
              lastLoadKeys = rdb.keys();
              lastLoadExpired = rdb.expiredSkipped();
              return rdb.bytes();
            } finally {
              keyspace.locks().unlockAll();
            }
          },
          args -> {
            client.reply().buffer().clear();
            server.dispatcher().dispatch(context, args);
          });
      LOG.log(System.Logger.Level.INFO, "DB loaded from append only file: {0} commands{1}, {2} ms",
          result.commands(), result.preamble() ? " after an RDB preamble" : "",
          (System.nanoTime() - started) / 1_000_000);
      return;
    }
    loadRdbAtStartup();
  }

  private static void awaitEarlyLoad(FutureTask<Void> load) throws IOException {
    try {
      load.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading the data set", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    }
  }

  private void loadRdbAtStartup() throws IOException {
    Keyspace keyspace = server.keyspace();
    Path path = rdbPath();
    if (!Files.exists(path)) {
      return;
    }
    long started = System.nanoTime();
    keyspace.locks().lockAll();
    try (InputStream in = Files.newInputStream(path)) {
      RdbLoader.Result result = RdbLoader.load(in, keyspace, codecs);
      lastLoadKeys = result.keys();
      lastLoadExpired = result.expiredSkipped();
      LOG.log(System.Logger.Level.INFO, "DB loaded from disk: {0} keys in {1} ms", result.keys(),
          (System.nanoTime() - started) / 1_000_000);
    } catch (IOException e) {
      throw new IOException("Short read or OOM loading DB. Unrecoverable error, aborting now. (" + path + ": "
          + e.getMessage() + ")", e);
    } finally {
      keyspace.locks().unlockAll();
    }
  }

  // ---------------------------------------------------------------- RDB

  public Path dir() {
    String dir = server.core().dir.text();
    return dir.isEmpty() ? Path.of("").toAbsolutePath() : Path.of(dir);
  }

  public Path rdbPath() {
    return dir().resolve(dbfilename.text());
  }

  public Path aofPath() {
    return dir().resolve(appendfilename.text());
  }

  /** SAVE: a snapshot written on the calling thread. */
  public void save() throws IOException {
    long[] changesAtSnapshot = new long[1];
    Snapshot snapshot = Snapshot.take(server.keyspace(), () -> changesAtSnapshot[0] = changes.sum());
    lastSnapshotPauseMicros = snapshot.pauseMicros();
    writeRdb(snapshot, rdbPath());
    changes.add(-changesAtSnapshot[0]);
    lastSaveMillis = server.nowMillis();
    lastBgsaveOk = true;
    rdbSaves.incrementAndGet();
  }

  public boolean backgroundJobRunning() {
    return backgroundJob.get();
  }

  public boolean bgsaveInProgress() {
    return bgsaveStartedMillis != 0;
  }

  public boolean rewriteInProgress() {
    return rewriteStartedMillis != 0;
  }

  /** BGSAVE: false when another background job runs. */
  public boolean startBgsave() {
    if (!backgroundJob.compareAndSet(false, true)) {
      return false;
    }
    bgsaveStartedMillis = server.nowMillis();
    lastBgsaveAttemptMillis = bgsaveStartedMillis;
    long[] changesAtSnapshot = new long[1];
    Snapshot snapshot;
    try {
      snapshot = Snapshot.share(server.keyspace(), () -> changesAtSnapshot[0] = changes.sum());
      lastSnapshotPauseMicros = snapshot.pauseMicros();
    } catch (RuntimeException e) {
      bgsaveStartedMillis = 0;
      backgroundJob.set(false);
      throw e;
    }
    inBackground(snapshot, () -> {
      long started = bgsaveStartedMillis;
      boolean ok = false;
      try {
        writeRdb(snapshot, rdbPath());
        changes.add(-changesAtSnapshot[0]);
        ok = true;
        LOG.log(System.Logger.Level.INFO, "Background saving terminated with success");
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "Background saving error: " + e.getMessage());
      } finally {
        synchronized (backgroundJobEnd) {
          if (ok) {
            lastSaveMillis = server.nowMillis();
            rdbSaves.incrementAndGet();
          }
          lastBgsaveOk = ok;
          lastBgsaveSeconds = (server.nowMillis() - started) / 1000;
          bgsaveStartedMillis = 0;
          backgroundJob.set(false);
        }
      }
    });
    return true;
  }

  /**
   * Runs a job that writes out a sharing snapshot on the background thread, and releases the
   * snapshot when the job ends, however it ends (or if it cannot be started).
   */
  private void inBackground(Snapshot snapshot, Runnable job) {
    try {
      background.execute(() -> {
        try {
          job.run();
        } finally {
          snapshot.release();
        }
      });
    } catch (RuntimeException e) {
      snapshot.release();
      throw e;
    }
  }

  private void writeRdb(Snapshot snapshot, Path target) throws IOException {
    Path temp = target.resolveSibling("temp-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".rdb");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
        RdbWriter.write(snapshot, out, codecs, rdbcompression.asBoolean(), server.keyspace().usedBytes(), false);
        out.flush();
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  // ---------------------------------------------------------------- AOF

  private AppendOnlyFile.Fsync fsyncPolicy() {
    return AppendOnlyFile.Fsync.valueOf(appendfsync.text().toUpperCase(Locale.ROOT));
  }

  private void logCommand(ClientConnection client, CommandSpec spec, byte[][] args, List<byte[][]> propagation) {
    if (client != loaderClient && spec.firstKey() <= 0 && !spec.movableKeys()) {
      changes.increment();
    }
  }

  /** The AOF's share of the write stream; what the loader replays is not logged again. */
  private void append(ClientConnection origin, int db, byte[][] args) {
    AppendOnlyFile file = aof;
    if (file != null && (origin == null || origin != loaderClient)) {
      long end = file.append(db, args);
      if (origin != null) {
        origin.aofOffset(end);
      }
    }
  }

  /**
   * The AOF's reply barrier: a client's replies wait until its logged writes are in the kernel
   * (written here, once for everything buffered) and, with appendfsync always, on disk.
   */
  private java.util.concurrent.CompletableFuture<Boolean> holdReplies(ClientConnection client) {
    AppendOnlyFile file = aof;
    return file == null ? null : file.hold(client.aofOffset());
  }

  /** A MULTI ... EXEC: written back to back and, with appendfsync always, synced once. */
  private void appendAll(List<io.shoal.server.propagation.PropagatedCommand> commands) {
    AppendOnlyFile file = aof;
    if (file == null || commands.isEmpty()) {
      return;
    }
    ClientConnection origin = commands.get(0).origin();
    if (origin != null && origin == loaderClient) {
      return;
    }
    int[] dbs = new int[commands.size()];
    List<byte[][]> args = new java.util.ArrayList<>(commands.size());
    for (int i = 0; i < dbs.length; i++) {
      dbs[i] = commands.get(i).db();
      args.add(commands.get(i).args());
    }
    long end = file.appendAll(dbs, args);
    if (origin != null) {
      origin.aofOffset(end);
    }
  }

  /** BGREWRITEAOF: false when another background job runs (the rewrite is then scheduled). */
  public boolean startRewrite() {
    if (!backgroundJob.compareAndSet(false, true)) {
      rewriteScheduled = true;
      return false;
    }
    rewriteScheduled = false;
    rewriteStartedMillis = server.nowMillis();
    AppendOnlyFile file = aof;
    Snapshot snapshot;
    try {
      snapshot = Snapshot.share(server.keyspace(), file == null ? null : file::startRewrite);
      lastSnapshotPauseMicros = snapshot.pauseMicros();
    } catch (RuntimeException e) {
      rewriteStartedMillis = 0;
      backgroundJob.set(false);
      throw e;
    }
    inBackground(snapshot, () -> {
      long started = rewriteStartedMillis;
      Path target = aofPath();
      Path temp = target.resolveSibling("temp-rewriteaof-bg-" + ProcessHandle.current().pid() + ".aof");
      boolean ok = false;
      try {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
          OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
          RdbWriter.write(snapshot, out, codecs, rdbcompression.asBoolean(), server.keyspace().usedBytes(), true);
          out.flush();
          channel.force(true);
        }
        if (file != null && file == aof) {
          file.finishRewrite(temp);
        } else {
          if (file != null) {
            file.abortRewrite();
          }
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        ok = true;
        LOG.log(System.Logger.Level.INFO, "Background AOF rewrite finished successfully");
      } catch (IOException | RuntimeException e) {
        if (file != null) {
          file.abortRewrite();
        }
        LOG.log(System.Logger.Level.WARNING, "Background AOF rewrite failed: " + e.getMessage());
      } finally {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot remove " + temp + ": " + e.getMessage());
        }
        synchronized (backgroundJobEnd) {
          if (ok) {
            aofRewrites.incrementAndGet();
          }
          lastRewriteOk = ok;
          lastRewriteSeconds = (server.nowMillis() - started) / 1000;
          rewriteStartedMillis = 0;
          backgroundJob.set(false);
        }
      }
    });
    return true;
  }

  private synchronized void appendOnlyChanged(boolean enabled) {
    try {
      if (enabled && aof == null) {
        Files.deleteIfExists(aofPath());
        aof = new AppendOnlyFile(aofPath(), fsyncPolicy(), aofOffsetBase);
        if (!startRewrite()) {
          rewriteScheduled = true;
        }
      } else if (!enabled && aof != null) {
        AppendOnlyFile file = aof;
        aof = null;
        // Positions go on in the next file, so offsets clients hold stay comparable.
        aofOffsetBase = file.appendedOffset();
        file.close();
      }
    } catch (IOException e) {
      throw io.shoal.server.resp.ShoalError.err("Failed to change appendonly: " + e.getMessage());
    }
  }

  /** The open AOF, or null when appendonly is off. */
  public AppendOnlyFile appendOnlyFile() {
    return aof;
  }

  // ---------------------------------------------------------------- background tick

  private void tick() {
    try {
      AppendOnlyFile file = aof;
      if (file != null) {
        file.fsyncIfNeeded();
      }
      if (backgroundJob.get()) {
        return;
      }
      long now = server.nowMillis();
      if (rewriteScheduled) {
        startRewrite();
        return;
      }
      boolean retryAllowed = lastBgsaveOk || now - lastBgsaveAttemptMillis >= BGSAVE_RETRY_DELAY_MILLIS;
      if (retryAllowed && savePoints.due(changes.sum(), now - lastSaveMillis)) {
        startBgsave();
        return;
      }
      if (file != null && rewritePercentage.asLong() > 0 && file.size() > rewriteMinSize.asLong()) {
        long base = Math.max(1, file.baseSize());
        long growth = (file.size() - base) * 100 / base;
        if (growth >= rewritePercentage.asLong()) {
          LOG.log(System.Logger.Level.INFO, "Starting automatic rewriting of AOF on {0}% growth", growth);
          startRewrite();
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "persistence tick failed", e);
    }
  }

  // ---------------------------------------------------------------- gate and INFO

  private String refuse(ClientConnection client, CommandSpec spec, byte[][] args) {
    if (client == loaderClient && client != null) {
      return null;
    }
    if (loading && !spec.has(CommandFlag.LOADING)) {
      return "LOADING Redis is loading the dataset in memory";
    }
    if (!spec.isWrite() && !spec.name().equals("ping")) {
      return null;
    }
    AppendOnlyFile file = aof;
    if (file != null && file.lastWriteError() != null) {
      return "MISCONF Errors writing to the AOF file: " + file.lastWriteError();
    }
    if (!lastBgsaveOk && stopWritesOnBgsaveError.asBoolean() && savePoints.enabled()) {
      return RDB_MISCONF;
    }
    return null;
  }

  public long lastSaveSeconds() {
    return lastSaveMillis / 1000;
  }

  public long changesSinceLastSave() {
    return changes.sum();
  }

  public boolean loading() {
    return loading;
  }

  /** The "# Persistence" section of INFO, with Redis 7's field names. */
  public String infoSection() {
    long now = server.nowMillis();
    AppendOnlyFile file = aof;
    StringBuilder text = new StringBuilder("# Persistence\r\n");
    field(text, "loading", loading ? 1 : 0);
    field(text, "async_loading", 0);
    field(text, "current_cow_peak", 0);
    field(text, "current_cow_size", 0);
    field(text, "current_cow_size_age", 0);
    text.append("current_fork_perc:0.00\r\n");
    field(text, "current_save_keys_processed", 0);
    field(text, "current_save_keys_total", 0);
    field(text, "rdb_changes_since_last_save", changes.sum());
    synchronized (backgroundJobEnd) {
      long bgsaveStarted = bgsaveStartedMillis;
      field(text, "rdb_bgsave_in_progress", bgsaveStarted != 0 ? 1 : 0);
      field(text, "rdb_last_save_time", lastSaveMillis / 1000);
      text.append("rdb_last_bgsave_status:").append(lastBgsaveOk ? "ok" : "err").append("\r\n");
      field(text, "rdb_last_bgsave_time_sec", lastBgsaveSeconds);
      field(text, "rdb_current_bgsave_time_sec", bgsaveStarted == 0 ? -1 : (now - bgsaveStarted) / 1000);
      field(text, "rdb_saves", rdbSaves.get());
    }
    field(text, "rdb_last_cow_size", 0);
    field(text, "rdb_last_load_keys_expired", lastLoadExpired);
    field(text, "rdb_last_load_keys_loaded", lastLoadKeys);
    field(text, "aof_enabled", file != null ? 1 : 0);
    synchronized (backgroundJobEnd) {
      long rewriteStarted = rewriteStartedMillis;
      field(text, "aof_rewrite_in_progress", rewriteStarted != 0 ? 1 : 0);
      field(text, "aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
      field(text, "aof_last_rewrite_time_sec", lastRewriteSeconds);
      field(text, "aof_current_rewrite_time_sec", rewriteStarted == 0 ? -1 : (now - rewriteStarted) / 1000);
      text.append("aof_last_bgrewrite_status:").append(lastRewriteOk ? "ok" : "err").append("\r\n");
      field(text, "aof_rewrites", aofRewrites.get());
      field(text, "aof_rewrites_consecutive_failures", lastRewriteOk ? 0 : 1);
    }
    text.append("aof_last_write_status:").append(file == null || file.lastWriteError() == null ? "ok" : "err").append("\r\n");
    field(text, "aof_last_cow_size", 0);
    field(text, "module_fork_in_progress", 0);
    field(text, "module_fork_last_cow_size", 0);
    if (file != null) {
      field(text, "aof_current_size", file.size());
      field(text, "aof_base_size", file.baseSize());
      field(text, "aof_pending_rewrite", rewriteScheduled ? 1 : 0);
      field(text, "aof_buffer_length", file.pendingBytes());
      field(text, "aof_pending_bio_fsync", 0);
      field(text, "aof_delayed_fsync", 0);
      // Shoal's own figures: how often and how long the AOF was fsynced.
      field(text, "aof_fsyncs", file.fsyncCount());
      field(text, "aof_fsync_usec_total", file.fsyncMicrosTotal());
      field(text, "aof_fsync_usec_max", file.fsyncMicrosMax());
    }
    field(text, "snapshot_last_pause_usec", lastSnapshotPauseMicros);
    // The collections clients copied because the current (or last) sharing snapshot held them
    // when they first wrote to them: reads and collections already written out copy nothing.
    field(text, "snapshot_collections_copied", server.keyspace().collectionsCopied());
    return text.toString();
  }

  private static void field(StringBuilder text, String name, long value) {
    text.append(name).append(':').append(value).append("\r\n");
  }
}
