package io.shoal.server.persistence.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The append-only file: one file ({@code appendonly.aof} in {@code dir}, Redis 6's layout rather
 * than Redis 7's manifest directory) holding an optional RDB preamble followed by write commands
 * in RESP, each preceded by a SELECT when its database differs from the previous record's.
 *
 * <p>As in Redis, logging and writing are apart. {@link #append} runs in the write stream's sink,
 * in the order the data changed, and only encodes the record into an in-memory buffer under this
 * object's monitor (a copy, no system call). The buffer reaches the kernel in one {@code write}
 * per event-loop iteration, before the replies of the clients served in it are flushed
 * ({@link #writeBatch}, Redis's beforeSleep), else when a reply is about to be flushed
 * ({@link #hold}), or at the latest at the next background tick; so a process crash loses no
 * acknowledged write. The fsync
 * runs on a thread of its own: with {@code everysec} once a second, with {@code always} whenever a
 * client waits for one, its reply held (a reply barrier) until an fsync covering its writes is
 * done. Whoever waits meanwhile shares the next fsync: a group commit. With {@code always} and a
 * fast disk, an event loop makes the fsync of its iteration's batch itself ({@link #writeBatch});
 * after a slow fsync that goes back to the fsync thread, so no I/O thread waits long on the disk. Positions are byte offsets in the stream of records ever appended, which
 * go on across rewrites and across files (a new file starts where the previous one ended).
 *
 * <p>A write that fails keeps its bytes and is retried on the next flush or tick; while that lasts
 * {@link #lastWriteError} is set and the MISCONF gate refuses writes, and with {@code always} the
 * waiting clients are disconnected without their replies, since their writes are not on disk.
 *
 * <p>During a rewrite every record also goes to a rewrite buffer, in its own SELECT context; the
 * rewrite appends the buffer to the new file and swaps the files with writers held, so a write
 * made during the rewrite is in the new file exactly once.
 */
public final class AppendOnlyFile implements AutoCloseable {
  public enum Fsync { ALWAYS, EVERYSEC, NO }

  private final Path path;
  private volatile Fsync fsync;

  // Under this object's monitor: the records not yet handed to the writer.
  private RecordBuffer appending = new RecordBuffer();
  private int lastDb = -1;
  private long appendedTotal;
  private RecordBuffer rewrite;
  private int rewriteLastDb;

  // Under writeLock (taken before the monitor when both are needed): the bytes being written.
  private final Object writeLock = new Object();
  private RecordBuffer writing = new RecordBuffer();
  private ByteBuffer writingView = ByteBuffer.allocate(0);
  private volatile FileChannel channel;
  private volatile long writtenTotal;
  private volatile long size;
  private volatile long baseSize;
  private volatile String lastWriteError;

  // Under syncMonitor: the fsync the next round of the fsync thread makes, awaited by clients.
  private final Object syncMonitor = new Object();
  private CompletableFuture<Boolean> nextSync;
  // The fsync running now, and the stream position it covers at least.
  private CompletableFuture<Boolean> inFlight;
  private long inFlightTarget;
  private boolean closed;
  private volatile long syncedThrough;
  private volatile long lastFsyncNanos = System.nanoTime();
  private final Thread fsyncThread;

  /** An fsync that took at least this long sends the next batches' fsyncs to the fsync thread. */
  static final long INLINE_FSYNC_MICROS = 2_000;
  private volatile long lastFsyncMicros;

  final LongAdder fsyncs = new LongAdder();
  final LongAdder fsyncMicros = new LongAdder();
  private volatile long fsyncMicrosMax;

  /** Opens (creating if needed) the file for appending; its records start at position 0. */
  public AppendOnlyFile(Path path, Fsync fsync) throws IOException {
    this(path, fsync, 0);
  }

  /** Opens the file with its stream positions starting at {@code startOffset}. */
  public AppendOnlyFile(Path path, Fsync fsync, long startOffset) throws IOException {
    this.path = path;
    this.fsync = fsync;
    this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    this.size = channel.size();
    this.baseSize = size;
    this.appendedTotal = startOffset;
    this.writtenTotal = startOffset;
    this.syncedThrough = startOffset;
    this.fsyncThread = new Thread(this::fsyncLoop, "shoal-aof-fsync");
    fsyncThread.setDaemon(true);
    fsyncThread.start();
  }

  public Path path() {
    return path;
  }

  public void fsync(Fsync policy) {
    this.fsync = policy;
  }

  public Fsync fsync() {
    return fsync;
  }

  /** Logs one executed write command of database {@code db}; returns the stream position after it. */
  public synchronized long append(int db, byte[][] args) {
    int before = appending.length();
    if (db != lastDb) {
      appending.select(db);
      lastDb = db;
    }
    appending.command(args);
    if (rewrite != null) {
      addToRewrite(db, args);
    }
    appendedTotal += appending.length() - before;
    return appendedTotal;
  }

  /**
   * Logs records back to back, with no other record between them (a MULTI ... EXEC); returns the
   * stream position after the last.
   */
  public synchronized long appendAll(int[] dbs, List<byte[][]> commands) {
    long end = appendedTotal;
    for (int i = 0; i < commands.size(); i++) {
      end = append(dbs[i], commands.get(i));
    }
    return end;
  }

  private void addToRewrite(int db, byte[][] args) {
    if (db != rewriteLastDb) {
      rewrite.select(db);
      rewriteLastDb = db;
    }
    rewrite.command(args);
  }

  /** True when the records up to stream position {@code target} have not all reached the kernel. */
  public boolean unwritten(long target) {
    return target > writtenTotal;
  }

  /**
   * Once per event-loop iteration, before the replies of its clients go out: one write for the
   * records of all of them and, with {@code always}, one fsync for all of them. While fsyncs are
   * fast (the last one took under {@link #INLINE_FSYNC_MICROS}) and none is under way, the calling
   * event loop makes it itself, as Redis's beforeSleep does: the replies then go out in this
   * iteration, without the two thread hand-offs of the fsync thread, which on a busy machine cost
   * more than the fsync. On a slow disk the fsync thread makes it and the holds share it, so an
   * event loop blocks at most for one slow fsync.
   */
  public void writeBatch() {
    if (!writeAll() || fsync != Fsync.ALWAYS) {
      return;
    }
    boolean inline;
    synchronized (syncMonitor) {
      inline = lastFsyncMicros < INLINE_FSYNC_MICROS && inFlight == null && nextSync == null && !closed;
    }
    if (inline) {
      syncNow();
    } else {
      requestSync();
    }
  }

  /**
   * Before a client's replies go out: null when they may go now (its writes, up to {@code target},
   * are in the kernel, and with {@code always} on disk), else a future completing with true once
   * they are on disk, false when they cannot be (a write or fsync error). Writes the buffered
   * records on the calling thread when they have not reached the kernel yet.
   */
  public CompletableFuture<Boolean> hold(long target) {
    Fsync policy = fsync;
    if (target <= (policy == Fsync.ALWAYS ? syncedThrough : writtenTotal)) {
      return null;
    }
    boolean written = writeThrough(target);
    if (policy != Fsync.ALWAYS) {
      return null;
    }
    if (!written) {
      return CompletableFuture.completedFuture(false);
    }
    synchronized (syncMonitor) {
      if (syncedThrough >= target) {
        return null;
      }
      if (inFlight != null && target <= inFlightTarget) {
        return inFlight; // the fsync running now covers these writes
      }
      if (nextSync == null) {
        nextSync = new CompletableFuture<>();
        syncMonitor.notifyAll();
      }
      return nextSync;
    }
  }

  /** Hands the buffered records to the kernel until position {@code target}; false on a write error. */
  private boolean writeThrough(long target) {
    synchronized (writeLock) {
      while (writtenTotal < target) {
        long before = writtenTotal;
        if (!writeSome()) {
          return false;
        }
        if (writtenTotal == before) {
          break; // nothing left to write
        }
      }
      return true;
    }
  }

  /** Under writeLock: writes what is left of the current batch, or takes the next one and writes it. */
  private boolean writeSome() {
    if (!writingView.hasRemaining()) {
      synchronized (this) {
        if (appending.length() == 0) {
          return true;
        }
        RecordBuffer filled = appending;
        writing.clear();
        appending = writing;
        writing = filled;
      }
      writingView = writing.asByteBuffer();
    }
    try {
      FileChannel current = channel;
      while (writingView.hasRemaining()) {
        int written = current.write(writingView);
        size += written;
        writtenTotal += written;
      }
      lastWriteError = null;
      return true;
    } catch (IOException e) {
      lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
      return false;
    }
  }

  /** Writes everything appended so far; false on a write error. */
  private boolean writeAll() {
    long target;
    synchronized (this) {
      target = appendedTotal;
    }
    return writeThrough(target);
  }

  /** The fsync thread: one fsync per round, covering everything written when the round starts. */
  private void fsyncLoop() {
    while (true) {
      CompletableFuture<Boolean> waiting;
      synchronized (syncMonitor) {
        while (nextSync == null && !closed) {
          try {
            syncMonitor.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (nextSync == null) {
          return;
        }
        waiting = nextSync;
        nextSync = null;
        inFlight = waiting;
        // Written by now, so covered by the fsync below (it forces at least this much).
        inFlightTarget = writtenTotal;
      }
      boolean synced = syncNow();
      synchronized (syncMonitor) {
        inFlight = null;
      }
      waiting.complete(synced);
    }
  }

  /** Forces what was written; true when it is on disk. */
  private boolean syncNow() {
    FileChannel current;
    long target;
    synchronized (writeLock) {
      current = channel;
      target = writtenTotal;
    }
    if (target <= syncedThrough) {
      return lastWriteError == null;
    }
    try {
      long started = System.nanoTime();
      current.force(false);
      long micros = (System.nanoTime() - started) / 1000;
      fsyncs.increment();
      fsyncMicros.add(micros);
      lastFsyncMicros = micros;
      if (micros > fsyncMicrosMax) {
        fsyncMicrosMax = micros;
      }
      lastFsyncNanos = started;
      advanceSynced(target);
      return true;
    } catch (IOException e) {
      if (current != channel) {
        // Swapped by a rewrite meanwhile: the new file holds these records and was forced.
        advanceSynced(target);
        return true;
      }
      lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
      return false;
    }
  }

  private void advanceSynced(long target) {
    synchronized (syncMonitor) {
      if (target > syncedThrough) {
        syncedThrough = target;
      }
    }
  }

  private void requestSync() {
    synchronized (syncMonitor) {
      if (nextSync == null && !closed) {
        nextSync = new CompletableFuture<>();
        syncMonitor.notifyAll();
      }
    }
  }

  /**
   * The background tick (every 100 ms): writes what no reply flushed yet (and retries after an
   * error), and with {@code everysec} asks the fsync thread for an fsync at most once a second.
   */
  public void fsyncIfNeeded() {
    writeAll();
    Fsync policy = fsync;
    if (writtenTotal <= syncedThrough || policy == Fsync.NO) {
      return;
    }
    // With always, what no client waits for (an expiry's DEL) is synced here.
    if (policy == Fsync.ALWAYS || System.nanoTime() - lastFsyncNanos >= 1_000_000_000L) {
      lastFsyncNanos = System.nanoTime();
      requestSync();
    }
  }

  /** Writes and forces now whatever was appended (shutdown, SHUTDOWN command). */
  public void fsyncNow() {
    writeAll();
    syncNow();
  }

  /** Swaps the file channel underneath, returning the old one; tests use it to inject disk errors. */
  FileChannel swapChannelForTesting(FileChannel replacement) {
    synchronized (writeLock) {
      FileChannel previous = channel;
      channel = replacement;
      return previous;
    }
  }

  /** Null when the last write (and fsync) succeeded, else the error text. */
  public String lastWriteError() {
    return lastWriteError;
  }

  public long size() {
    return size;
  }

  public long baseSize() {
    return baseSize;
  }

  /** The stream position after the last record appended: where a next file's positions start. */
  public synchronized long appendedOffset() {
    return appendedTotal;
  }

  /** Bytes appended but not yet in the kernel (INFO's aof_buffer_length). */
  public int pendingBytes() {
    synchronized (writeLock) {
      synchronized (this) {
        return appending.length() + writingView.remaining();
      }
    }
  }

  public long fsyncCount() {
    return fsyncs.sum();
  }

  public long fsyncMicrosTotal() {
    return fsyncMicros.sum();
  }

  public long fsyncMicrosMax() {
    return fsyncMicrosMax;
  }

  /** Starts buffering records for a rewrite; called at the instant of the rewrite's snapshot. */
  public synchronized void startRewrite() {
    rewrite = new RecordBuffer();
    rewriteLastDb = 0;
  }

  public synchronized void abortRewrite() {
    rewrite = null;
  }

  /**
   * Completes a rewrite: appends the records buffered since the snapshot to {@code rewritten},
   * fsyncs it, and atomically replaces this file with it. Writers wait meanwhile.
   */
  public void finishRewrite(Path rewritten) throws IOException {
    synchronized (writeLock) {
      synchronized (this) {
        RecordBuffer buffer = rewrite;
        rewrite = null;
        if (buffer == null) {
          throw new IOException("no rewrite in progress");
        }
        // Everything appended so far goes to the old file first, so positions stay exact.
        while (writingView.hasRemaining() || appending.length() > 0) {
          if (!writeSome()) {
            throw new IOException("the current AOF has unwritten records: " + lastWriteError);
          }
        }
        try (FileChannel out = FileChannel.open(rewritten, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
          ByteBuffer data = buffer.asByteBuffer();
          while (data.hasRemaining()) {
            out.write(data);
          }
          out.force(true);
        }
        Files.move(rewritten, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileChannel previous = channel;
        channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        previous.close();
        size = channel.size();
        baseSize = size;
        lastDb = rewriteLastDb;
        // The new file was forced whole: everything written so far is on disk.
        advanceSynced(writtenTotal);
      }
    }
    fsyncDirectory();
  }

  private void fsyncDirectory() {
    Path parent = path.toAbsolutePath().getParent();
    try (FileChannel dir = FileChannel.open(parent, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every file system lets a directory be opened for fsync; the rename is still atomic.
    }
  }

  @Override
  public void close() throws IOException {
    writeAll();
    boolean synced = syncNow();
    CompletableFuture<Boolean> waiting;
    synchronized (syncMonitor) {
      closed = true;
      waiting = nextSync;
      nextSync = null;
      syncMonitor.notifyAll();
    }
    if (waiting != null) {
      waiting.complete(synced && lastWriteError == null);
    }
    synchronized (writeLock) {
      if (channel.isOpen()) {
        channel.close();
      }
    }
  }
}
