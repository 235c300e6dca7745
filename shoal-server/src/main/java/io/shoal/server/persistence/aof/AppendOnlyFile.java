package io.shoal.server.persistence.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * The append-only file: one file ({@code appendonly.aof} in {@code dir}, Redis 6's layout rather
 * than Redis 7's manifest directory) holding an optional RDB preamble followed by write commands
 * in RESP, each preceded by a SELECT when its database differs from the previous record's.
 *
 * <p>{@link #append} runs in the dispatcher's post-write hook under the command's slot locks, so
 * records are in the order the data changed. The record is written to the file at once (a process
 * crash loses nothing the kernel has); with {@code appendfsync always} it is also fsynced before
 * the hook returns, so before the client's reply is flushed; with {@code everysec} a background
 * tick calls {@link #fsyncIfNeeded}. A write that fails keeps its bytes pending and is retried on
 * the next append or tick; while anything is pending {@link #lastWriteError} is set and the
 * MISCONF gate refuses writes.
 *
 * <p>During a rewrite every record also goes to a rewrite buffer, in its own SELECT context; the
 * rewrite appends the buffer to the new file under this object's monitor and swaps the files, so a
 * write made during the rewrite is in the new file exactly once.
 */
public final class AppendOnlyFile implements AutoCloseable {
  public enum Fsync { ALWAYS, EVERYSEC, NO }

  private final Path path;
  private FileChannel channel;
  private volatile Fsync fsync;
  private ByteBuffer scratch = ByteBuffer.allocate(4096);
  private ByteBuffer pending = ByteBuffer.allocate(0);
  private int lastDb = -1;
  private long size;
  private long baseSize;
  private boolean unsynced;
  private volatile String lastWriteError;
  private RewriteBuffer rewrite;
  final LongAdder fsyncs = new LongAdder();
  final LongAdder fsyncMicros = new LongAdder();
  private volatile long fsyncMicrosMax;
  private final Object syncLock = new Object();
  /** Bytes ever written, across rewrites: the positions group commit compares. */
  private long writtenTotal;
  private long syncedThrough;
  private long lastFsyncNanos;

  /** Opens (creating if needed) the file for appending. */
  public AppendOnlyFile(Path path, Fsync fsync) throws IOException {
    this.path = path;
    this.fsync = fsync;
    this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    this.size = channel.size();
    this.baseSize = size;
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

  /**
   * Appends one executed write command of database {@code db}; with {@code always}, returns once
   * the record is on disk. The fsync is a group commit: records are written under this object's
   * monitor, then each caller waits on {@link #syncLock} until some fsync covering its record has
   * completed, so concurrent writers share one fsync instead of queueing for one each.
   */
  public void append(int db, byte[][] args) {
    long end = write(db, args);
    if (fsync == Fsync.ALWAYS && end >= 0) {
      syncThrough(end);
    }
  }

  /**
   * Appends records back to back, with no other record between them (a MULTI ... EXEC), and with
   * {@code always} returns once all are on disk, after one fsync rather than one per record.
   */
  public void appendAll(int[] dbs, List<byte[][]> commands) {
    long end = -1;
    synchronized (this) {
      for (int i = 0; i < commands.size(); i++) {
        end = write(dbs[i], commands.get(i));
        if (end < 0) {
          break;
        }
      }
    }
    if (fsync == Fsync.ALWAYS && end >= 0) {
      syncThrough(end);
    }
  }

  private void syncThrough(long end) {
    long target;
    FileChannel current;
    synchronized (syncLock) {
      if (syncedThrough >= end) {
        return;
      }
    }
    synchronized (this) {
      target = writtenTotal;
      current = channel;
    }
    syncChannel(current, target);
  }

  /** Writes the record; returns the file size after it, or -1 when the write failed. */
  private synchronized long write(int db, byte[][] args) {
    scratch.clear();
    if (db != lastDb) {
      scratch = encode(scratch, new byte[][] {"SELECT".getBytes(StandardCharsets.US_ASCII),
          Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
      lastDb = db;
    }
    scratch = encode(scratch, args);
    scratch.flip();
    if (rewrite != null) {
      rewrite.add(db, args);
    }
    pending = appendTo(pending, scratch);
    writePending(false);
    return pending.position() == 0 ? writtenTotal : -1;
  }

  private void writePending(boolean sync) {
    try {
      pending.flip();
      while (pending.hasRemaining()) {
        int written = channel.write(pending);
        size += written;
        writtenTotal += written;
      }
      pending.clear();
      unsynced = true;
      if (sync) {
        force();
      }
      lastWriteError = null;
    } catch (IOException e) {
      pending.compact();
      lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }

  private void force() throws IOException {
    long started = System.nanoTime();
    channel.force(false);
    long micros = (System.nanoTime() - started) / 1000;
    fsyncs.increment();
    fsyncMicros.add(micros);
    if (micros > fsyncMicrosMax) {
      fsyncMicrosMax = micros;
    }
    unsynced = false;
  }

  /**
   * The background tick (every 100 ms): retries pending bytes, and with {@code everysec} fsyncs
   * what was written, at most once a second. The fsync runs outside this object's monitor, so
   * writers are not held up by the disk.
   */
  public void fsyncIfNeeded() {
    long target;
    FileChannel current;
    synchronized (this) {
      if (pending.position() > 0) {
        writePending(false);
      }
      long now = System.nanoTime();
      if (!unsynced || fsync == Fsync.NO || now - lastFsyncNanos < 1_000_000_000L) {
        return;
      }
      lastFsyncNanos = now;
      unsynced = false;
      target = writtenTotal;
      current = channel;
    }
    syncChannel(current, target);
  }

  /** Forces now whatever was written (shutdown, SHUTDOWN command). */
  public void fsyncNow() {
    long target;
    FileChannel current;
    synchronized (this) {
      if (pending.position() > 0) {
        writePending(false);
      }
      unsynced = false;
      target = writtenTotal;
      current = channel;
    }
    syncChannel(current, target);
  }

  private void syncChannel(FileChannel current, long target) {
    synchronized (syncLock) {
      if (syncedThrough >= target) {
        return;
      }
      try {
        long started = System.nanoTime();
        current.force(false);
        long micros = (System.nanoTime() - started) / 1000;
        fsyncs.increment();
        fsyncMicros.add(micros);
        if (micros > fsyncMicrosMax) {
          fsyncMicrosMax = micros;
        }
        syncedThrough = target;
      } catch (IOException e) {
        synchronized (this) {
          if (current != channel) {
            syncedThrough = target;
            return;
          }
          unsynced = true;
        }
        lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
      }
    }
  }

  /** Swaps the file channel underneath, returning the old one; tests use it to inject disk errors. */
  synchronized FileChannel swapChannelForTesting(FileChannel replacement) {
    FileChannel previous = channel;
    channel = replacement;
    return previous;
  }

  /** Null when the last write (and fsync) succeeded, else the error text. */
  public String lastWriteError() {
    return lastWriteError;
  }

  public synchronized long size() {
    return size;
  }

  public synchronized long baseSize() {
    return baseSize;
  }

  public synchronized int pendingBytes() {
    return pending.position();
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
    rewrite = new RewriteBuffer();
  }

  public synchronized void abortRewrite() {
    rewrite = null;
  }

  /**
   * Completes a rewrite: appends the records buffered since the snapshot to {@code rewritten},
   * fsyncs it, and atomically replaces this file with it. Writers wait meanwhile.
   */
  public synchronized void finishRewrite(Path rewritten) throws IOException {
    RewriteBuffer buffer = rewrite;
    rewrite = null;
    if (buffer == null) {
      throw new IOException("no rewrite in progress");
    }
    try (FileChannel out = FileChannel.open(rewritten, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer data = ByteBuffer.wrap(buffer.bytes(), 0, buffer.length());
      while (data.hasRemaining()) {
        out.write(data);
      }
      out.force(true);
    }
    if (pending.position() > 0) {
      throw new IOException("the current AOF has unwritten records: " + lastWriteError);
    }
    Files.move(rewritten, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    FileChannel previous = channel;
    channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    previous.close();
    size = channel.size();
    baseSize = size;
    lastDb = buffer.lastDb();

    unsynced = false;
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
  public synchronized void close() throws IOException {
    if (pending.position() > 0) {
      writePending(true);
    }
    if (channel.isOpen()) {
      try {
        channel.force(false);
      } finally {
        channel.close();
      }
    }
  }

  /** RESP encoding of a command: an array of bulk strings. */
  static ByteBuffer encode(ByteBuffer out, byte[][] args) {
    int needed = 16;
    for (byte[] arg : args) {
      needed += arg.length + 16;
    }
    if (out.remaining() < needed) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + needed));
      out.flip();
      bigger.put(out);
      out = bigger;
    }
    out.put((byte) '*').put(Integer.toString(args.length).getBytes(StandardCharsets.US_ASCII)).put((byte) '\r').put((byte) '\n');
    for (byte[] arg : args) {
      out.put((byte) '$').put(Integer.toString(arg.length).getBytes(StandardCharsets.US_ASCII)).put((byte) '\r').put((byte) '\n');
      out.put(arg).put((byte) '\r').put((byte) '\n');
    }
    return out;
  }

  private static ByteBuffer appendTo(ByteBuffer target, ByteBuffer data) {
    if (target.remaining() < data.remaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(target.capacity() * 2, target.position() + data.remaining() + 1024));
      target.flip();
      bigger.put(target);
      target = bigger;
    }
    target.put(data);
    return target;
  }

  /** The records written during a rewrite, with their own SELECT context (the new file starts in db 0). */
  private static final class RewriteBuffer {
    private ByteBuffer data = ByteBuffer.allocate(64 * 1024);
    private int lastDb = 0;

    void add(int db, byte[][] args) {
      if (db != lastDb) {
        data = encode(data, new byte[][] {"SELECT".getBytes(StandardCharsets.US_ASCII),
            Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
        lastDb = db;
      }
      data = encode(data, args);
    }

    byte[] bytes() {
      return data.array();
    }

    int length() {
      return data.position();
    }

    int lastDb() {
      return lastDb;
    }
  }
}
