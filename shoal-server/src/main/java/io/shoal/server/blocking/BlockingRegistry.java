package io.shoal.server.blocking;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.Dispatcher;
import io.shoal.server.command.KeyWriteListener;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ConnectionListener;
import io.shoal.server.server.ServerModule;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Blocked clients (BLPOP, BLMOVE, BLMPOP, and later BZPOPMIN and friends), served first come,
 * first served, as Redis's {@code blocked.c} does.
 *
 * <p>A blocking command that finds nothing {@link #block}s: its client is marked blocked (the
 * connection stops reading further requests, so replies stay in order), gets no reply yet, and
 * waits in a FIFO queue per key. Registration happens inside the command, under its keys' slot
 * locks, so no write can slip between "the list was empty" and "the client is waiting".
 *
 * <p>Any write command that touches a key with waiters marks it ready (a {@link KeyWriteListener},
 * so pushes, EXEC, RESTORE, RENAME... all count). After the writing command released its locks,
 * the dispatcher's after-command hook serves the ready keys: each waiter on the key, oldest
 * first, runs its {@link BlockedCommand} retry, which takes the locks it needs itself. A waiter that
 * got something is removed from every key it waited on; its reply is written on its own event loop,
 * where it is also unblocked before the connection resumes reading, so a pipelined request behind
 * the blocked one is answered after it. Redis re-runs the blocked command in the same way since 7.0.
 *
 * <p>Timeouts run on the waiter's event loop, to the millisecond. Serving, timing out, CLIENT
 * UNBLOCK and disconnecting may race on different threads; {@link Waiter#claim()} decides.
 *
 * <p>How a blocking command uses it (BZPOPMIN would look the same):
 * <pre>{@code
 * long timeout = BlockingTimeout.parseSecondsToMillis(c.arg(c.argc() - 1));
 * // ... try the non-blocking work under the dispatcher's locks; if it found something, reply and return
 * if (c.client().inMulti() || c.client().denyBlocking()) { c.reply().nullArray(); return; }
 * BlockingRegistry blocking = c.server().module(BlockingRegistry.class);
 * int db = c.client().db();
 * blocking.block(c.client(), db, keys, timeout, () -> blocking.underLocks(keys, () -> {
 *   // same work against c.server().keyspace().db(db); null if still nothing;
 *   // after changing a key: blocking.written(db, key, client) (accounting, WATCH, chained wake-ups)
 *   return reply -> ...;   // the reply, written on the waiter's event loop
 * }));
 * }</pre>
 */
public final class BlockingRegistry implements ServerModule {
  /** The error CLIENT UNBLOCK ... ERROR gives the unblocked client. */
  public static final String UNBLOCKED_ERROR = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

  private ShoalServer server;
  private final Map<BlockingKey, ArrayDeque<Waiter>> waitersByKey = new ConcurrentHashMap<>();
  private final Map<Long, Waiter> waitersByClient = new HashMap<>();
  private final Queue<BlockingKey> readyKeys = new ConcurrentLinkedQueue<>();
  private final Set<BlockingKey> readySet = ConcurrentHashMap.newKeySet();

  @Override
  public void install(ShoalServer shoal) {
    this.server = shoal;
    shoal.addKeyWriteListener(this::keyWritten);
    shoal.addAfterCommandHook(this::serveReadyKeys);
    shoal.addConnectionListener(new ConnectionListener() {
      @Override
      public void closed(ClientConnection client) {
        dropWaiter(client.id());
      }
    });
  }

  /**
   * Blocks the client on the given keys of database {@code db}. Must be called by the blocking
   * command itself, under its keys' locks, after it found nothing to do. {@code timeoutMillis} 0
   * waits forever; {@code timeoutReply} is what the client gets if time runs out (a null array for
   * lists and sorted sets, as Redis replies).
   */
  public void block(ClientConnection client, int db, byte[][] keys, long timeoutMillis, BlockedCommand retry,
      Consumer<Reply> timeoutReply) {
    List<BlockingKey> blockingKeys = new ArrayList<>(keys.length);
    for (byte[] key : keys) {
      BlockingKey blockingKey = new BlockingKey(db, key);
      if (!blockingKeys.contains(blockingKey)) {
        blockingKeys.add(blockingKey);
      }
    }
    long deadline = timeoutMillis == 0 ? 0 : server.nowMillis() + timeoutMillis;
    Waiter waiter = new Waiter(client, blockingKeys, retry, timeoutReply, deadline);
    client.blocked(true);
    synchronized (this) {
      waitersByClient.put(client.id(), waiter);
      for (BlockingKey key : blockingKeys) {
        waitersByKey.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(waiter);
      }
    }
    if (timeoutMillis > 0 && client.channel() != null) {
      waiter.timeoutTask = client.channel().eventLoop().schedule(() -> expire(waiter), timeoutMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  /** {@link #block} with the null-array timeout reply of lists and sorted sets. */
  public void block(ClientConnection client, int db, byte[][] keys, long timeoutMillis, BlockedCommand retry) {
    block(client, db, keys, timeoutMillis, retry, Reply::nullArray);
  }

  /**
   * CLIENT UNBLOCK: ends a client's wait as if it timed out, or with the UNBLOCKED error. Returns
   * true if the client was blocked here (the command's reply is then 1).
   */
  public boolean unblock(long clientId, boolean error) {
    Waiter waiter;
    synchronized (this) {
      waiter = waitersByClient.get(clientId);
    }
    if (waiter == null || !waiter.claim()) {
      return false;
    }
    complete(waiter, error ? reply -> reply.error(UNBLOCKED_ERROR) : waiter.timeoutReply);
    return true;
  }

  /** Whether the client is waiting here. */
  public synchronized boolean isBlocked(long clientId) {
    return waitersByClient.containsKey(clientId);
  }

  /** Clients blocked now (INFO clients blocked_clients). */
  public synchronized int blockedClients() {
    return waitersByClient.size();
  }

  /** Distinct keys with waiters (INFO clients total_blocking_keys). */
  public int blockingKeys() {
    return waitersByKey.size();
  }

  /**
   * Runs an action under the slot locks of the given keys, taken in stripe order as the dispatcher
   * takes them; for retries, which run after the writer released its own locks.
   */
  public <T> T underLocks(byte[][] keys, Supplier<T> action) {
    SlotLocks locks = server.keyspace().locks();
    int[] positions = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      positions[i] = i;
    }
    int[] stripes = locks.stripesOf(Dispatcher.slotsOf(keys, positions), keys.length);
    locks.lockStripes(stripes);
    try {
      return action.get();
    } finally {
      locks.unlockStripes(stripes);
    }
  }

  /**
   * What the dispatcher does after a write, for writes a retry makes itself (BLMOVE's push into
   * its destination, a pop that empties a list): memory accounting, empty-key removal, WATCH and
   * further wake-ups. Call it under the key's lock.
   */
  public void written(int db, byte[] key, ClientConnection writer) {
    server.keyspace().db(db).changed(key);
    List<KeyWriteListener> listeners = server.keyWriteListeners();
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).keyWritten(db, key, writer);
    }
  }

  private void keyWritten(int db, byte[] key, ClientConnection writer) {
    if (waitersByKey.isEmpty()) {
      return;
    }
    BlockingKey blockingKey = new BlockingKey(db, key);
    if (waitersByKey.containsKey(blockingKey) && readySet.add(blockingKey)) {
      readyKeys.add(blockingKey);
    }
  }

  /** The after-command hook: serves every key marked ready, including keys retries made ready. */
  public void serveReadyKeys() {
    BlockingKey key;
    while ((key = readyKeys.poll()) != null) {
      readySet.remove(key);
      serveKey(key);
    }
  }

  private void serveKey(BlockingKey key) {
    Waiter[] snapshot;
    synchronized (this) {
      ArrayDeque<Waiter> queue = waitersByKey.get(key);
      if (queue == null) {
        return;
      }
      snapshot = queue.toArray(new Waiter[0]);
    }
    for (Waiter waiter : snapshot) {
      serveWaiter(waiter);
    }
  }

  /**
   * Retries one waiter. A thread that finds the waiter busy (another thread's retry is running)
   * leaves a poke; the busy thread, after giving the waiter back, sees the poke and retries once
   * more. So a push that lands just after a retry looked at the list is never lost.
   */
  private void serveWaiter(Waiter waiter) {
    while (true) {
      waiter.poke();
      if (!waiter.claim()) {
        return;
      }
      waiter.clearPoke();
      if (waiter.client.channel() != null && !waiter.client.channel().isActive()) {
        dropWaiter(waiter.client.id());
        return;
      }
      Consumer<Reply> writer;
      try {
        writer = waiter.command.tryServe();
      } catch (ShoalError error) {
        writer = reply -> reply.error(error.getMessage());
      } catch (RuntimeException unexpected) {
        writer = reply -> reply.error("ERR internal error: " + unexpected);
      }
      if (writer != null) {
        complete(waiter, writer);
        return;
      }
      waiter.release();
      if (!waiter.poked()) {
        return;
      }
    }
  }

  private void expire(Waiter waiter) {
    if (waiter.finished()) {
      return;
    }
    if (waiter.claim()) {
      complete(waiter, waiter.timeoutReply);
    } else if (waiter.client.channel() != null) {
      // A retry is running right now; look again when it is done.
      waiter.timeoutTask = waiter.client.channel().eventLoop().schedule(() -> expire(waiter), 1, TimeUnit.MILLISECONDS);
    }
  }

  /** Ends a claimed wait with a reply, written and unblocked on the client's event loop. */
  private void complete(Waiter waiter, Consumer<Reply> writer) {
    forget(waiter);
    waiter.client.unblockWith(writer);
  }

  private void dropWaiter(long clientId) {
    Waiter waiter;
    synchronized (this) {
      waiter = waitersByClient.get(clientId);
    }
    if (waiter != null) {
      forget(waiter);
    }
  }

  private void forget(Waiter waiter) {
    waiter.finish();
    if (waiter.timeoutTask != null) {
      waiter.timeoutTask.cancel(false);
    }
    synchronized (this) {
      waitersByClient.remove(waiter.client.id(), waiter);
      for (BlockingKey key : waiter.keys) {
        ArrayDeque<Waiter> queue = waitersByKey.get(key);
        if (queue != null) {
          queue.remove(waiter);
          if (queue.isEmpty()) {
            waitersByKey.remove(key);
          }
        }
      }
    }
  }
}
