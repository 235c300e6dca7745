package io.shoal.server.propagation;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The one stream of writes that leaves a node, as Redis's {@code propagate()}: every executed
 * write command, and every change made outside a command (expiry, eviction, a blocked pop served),
 * turned into commands that replay to the same data on another node or at restart. The AOF and
 * replication are its sinks, so a replica and a reloaded log see exactly the same effects.
 *
 * <p>A command propagates verbatim unless it asked for something else while it ran ({@link
 * io.shoal.server.command.CommandContext#propagateAs}): commands whose effect their arguments do
 * not determine (a random or blocking pop, a float increment, a relative expiry) propagate the
 * deterministic command that has their effect, as Redis rewrites its command vector. Expiry and
 * eviction propagate DEL, under the key's slot lock, so before any command that follows on it.
 *
 * <p>Atomic units stay atomic: the writes of one EXEC, or several commands one command asked for,
 * reach every sink as one uninterrupted MULTI ... EXEC (a single write needs no wrapping, as in
 * Redis 7). Single effects are delivered concurrently (each sink orders its own appends, and the
 * slot locks order effects on the same key), so the AOF's group commit still shares one fsync
 * among writers; a MULTI ... EXEC takes the delivery lock exclusively, so nothing falls inside it.
 */
public final class Propagator {
  private static final byte[] DEL = bytes("DEL");
  private static final byte[] RESTORE = bytes("RESTORE");
  private static final byte[] REPLACE = bytes("REPLACE");
  private static final byte[] ABSTTL = bytes("ABSTTL");
  private static final byte[][] MULTI = {bytes("MULTI")};
  private static final byte[][] EXEC = {bytes("EXEC")};

  private final ShoalServer server;
  private final List<PropagationSink> sinks = new CopyOnWriteArrayList<>();
  // Shared by single deliveries, exclusive for a MULTI ... EXEC.
  private final ReadWriteLock deliveryLock = new ReentrantReadWriteLock();
  // The writes of the EXEC running on this thread, held back to be delivered as one unit. Slot
  // locks make this safe: what a transaction writes no other thread touches until EXEC ends.
  private final ThreadLocal<Transaction> transaction = new ThreadLocal<>();
  private final AtomicInteger openTransactions = new AtomicInteger();
  private volatile Function<Object, byte[]> dumper;

  public Propagator(ShoalServer server) {
    this.server = server;
    server.addCommandLog(this::commandWritten);
    server.addKeyWriteListener((db, key, writer) -> {
      if (writer == null) {
        // Expiry or eviction: the key is gone, so its state propagates as DEL.
        propagateKeyState(null, db, key);
      }
    });
  }

  public void addSink(PropagationSink sink) {
    sinks.add(sink);
  }

  public void removeSink(PropagationSink sink) {
    sinks.remove(sink);
  }

  /** How a value becomes a DUMP payload; set by persistence, which owns the type codecs. */
  public void dumpWith(Function<Object, byte[]> dumpPayload) {
    this.dumper = dumpPayload;
  }

  public boolean hasSinks() {
    return !sinks.isEmpty();
  }

  /**
   * Sends one effect to every sink, or holds it back when this thread runs an EXEC. Call it under
   * the slot locks of the keys it changed.
   */
  public void propagate(ClientConnection origin, int db, byte[][] args) {
    if (openTransactions.get() > 0) {
      Transaction open = transaction.get();
      if (open != null) {
        open.add(origin, db, args);
        return;
      }
    }
    if (!anyActive()) {
      return;
    }
    deliveryLock.readLock().lock();
    try {
      for (int i = 0; i < sinks.size(); i++) {
        sinks.get(i).propagate(origin, db, args);
      }
    } finally {
      deliveryLock.readLock().unlock();
    }
  }

  /** Sends several effects as one MULTI ... EXEC that no other effect can interleave with. */
  public void propagateAtomically(ClientConnection origin, int db, List<byte[][]> commands) {
    if (commands.size() == 1) {
      propagate(origin, db, commands.get(0));
      return;
    }
    if (commands.isEmpty()) {
      return;
    }
    Transaction open = openTransactions.get() > 0 ? transaction.get() : null;
    if (open != null) {
      // Inside EXEC the whole transaction already leaves as one MULTI ... EXEC.
      for (int i = 0; i < commands.size(); i++) {
        open.add(origin, db, commands.get(i));
      }
      return;
    }
    List<PropagatedCommand> batch = new ArrayList<>(commands.size() + 2);
    batch.add(new PropagatedCommand(origin, db, MULTI));
    for (int i = 0; i < commands.size(); i++) {
      batch.add(new PropagatedCommand(origin, db, commands.get(i)));
    }
    batch.add(new PropagatedCommand(origin, db, EXEC));
    deliverTogether(batch);
  }

  // The read lock is one shared counter that every I/O thread would write on every write command.
  private boolean anyActive() {
    for (int i = 0; i < sinks.size(); i++) {
      if (sinks.get(i).active()) {
        return true;
      }
    }
    return false;
  }

  private void deliverTogether(List<PropagatedCommand> batch) {
    deliveryLock.writeLock().lock();
    try {
      for (int i = 0; i < sinks.size(); i++) {
        sinks.get(i).propagateAll(batch);
      }
    } finally {
      deliveryLock.writeLock().unlock();
    }
  }

  /**
   * EXEC starts running its commands on this thread: their effects are held back until {@link
   * #endTransaction}, so they leave as one MULTI ... EXEC.
   */
  public void beginTransaction() {
    if (transaction.get() != null) {
      throw new IllegalStateException("a transaction is already open on this thread");
    }
    transaction.set(new Transaction());
    openTransactions.incrementAndGet();
  }

  /** EXEC is done (its locks still held): delivers what it wrote, wrapped when more than one. */
  public void endTransaction(ClientConnection origin) {
    Transaction open = transaction.get();
    transaction.remove();
    openTransactions.decrementAndGet();
    if (open == null || open.effects.isEmpty() || sinks.isEmpty()) {
      return;
    }
    List<PropagatedCommand> effects = open.effects;
    if (effects.size() == 1) {
      PropagatedCommand only = effects.get(0);
      propagate(only.origin(), only.db(), only.args());
      return;
    }
    List<PropagatedCommand> batch = new ArrayList<>(effects.size() + 2);
    batch.add(new PropagatedCommand(origin, effects.get(0).db(), MULTI));
    batch.addAll(effects);
    batch.add(new PropagatedCommand(origin, effects.get(effects.size() - 1).db(), EXEC));
    deliverTogether(batch);
  }

  private void commandWritten(ClientConnection client, CommandSpec spec, byte[][] args, List<byte[][]> propagation) {
    if (sinks.isEmpty()) {
      return;
    }
    if (propagation == null) {
      propagate(client, client.db(), args);
    } else if (!propagation.isEmpty()) {
      propagateAtomically(client, client.db(), propagation);
    }
  }

  /**
   * Propagates a key's current state, for a write made outside a propagated command: DEL when it
   * is gone, else RESTORE ... REPLACE ABSTTL of its DUMP payload.
   */
  public void propagateKeyState(ClientConnection origin, int db, byte[] key) {
    if (sinks.isEmpty()) {
      return;
    }
    Database database = server.keyspace().db(db);
    Object value = database.peek(key);
    if (value == null) {
      propagate(origin, db, new byte[][] {DEL, key});
      return;
    }
    Function<Object, byte[]> dump = dumper;
    if (dump == null) {
      throw new IllegalStateException("no DUMP codec installed: cannot propagate the state of a key");
    }
    long expireAt = Math.max(0, database.expireTime(key));
    propagate(origin, db, new byte[][] {RESTORE, key, bytes(Long.toString(expireAt)), dump.apply(value), REPLACE,
        ABSTTL});
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** The effects of one EXEC, in the order its commands made them. */
  private static final class Transaction {
    final List<PropagatedCommand> effects = new ArrayList<>();

    void add(ClientConnection origin, int db, byte[][] args) {
      effects.add(new PropagatedCommand(origin, db, args));
    }
  }
}
