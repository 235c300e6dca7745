package io.shoal.server.transaction;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.KeyWriteListener;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.KeyEvents;
import io.shoal.server.server.ConnectionListener;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Optimistic locking for MULTI/EXEC: which clients watch which keys, and who must be told that a
 * watched key changed. This is Redis's {@code multi.c} model ({@code watchForKey},
 * {@code touchWatchedKey}): a write never checks anything, it only marks the watchers' transactions
 * dirty ({@link ClientConnection#watchDirty}), and EXEC refuses to run a dirty transaction.
 *
 * <p>Writes come from every event loop at once, so the registry is a concurrent map from
 * (db, key) to the set of watching clients; each client's own list of watches lives in
 * {@link ClientConnection#watched()} and is only touched by that client's thread. A write to a
 * key is marked while the writer still holds the key's slot lock, so an EXEC that holds the same
 * lock either sees the mark or runs before the write.
 *
 * <p>Keys that change without a keyed write command also count: deletion by expiry or eviction
 * (through {@link KeyEvents}), and FLUSHDB/FLUSHALL/SWAPDB, which are keyless. Those commands can
 * call {@link #touchAll(int)} or {@link #touchAllDatabases()}; as a fallback every keyless write
 * command is treated as touching every watched key, which may abort a transaction Redis would
 * have let through but never lets through one Redis would abort.
 *
 * <p>Expiry and eviction are caught twice: through the chained {@link KeyEvents}, and at EXEC,
 * which aborts when a key that was live at WATCH is now gone or expired ({@link Watch}). The
 * second check alone is enough for correctness, so a module that later replaces the keyspace's
 * KeyEvents instead of chaining cannot make a transaction run on a stale read.
 */
public final class Watches implements KeyWriteListener, ConnectionListener {
  private final Map<WatchedKey, Set<ClientConnection>> watchers = new ConcurrentHashMap<>();

  /** Hooks the registry into the server: writes, keyless writes, expiry, eviction, disconnects. */
  public void attach(ShoalServer server) {
    server.addKeyWriteListener(this);
    server.addConnectionListener(this);
  }

  /**
   * Chains onto whatever KeyEvents the keyspace already reports to (statistics, notifications),
   * so both still hear of expired and evicted keys. Called from the module's start, after every
   * module installed its own.
   */
  public void chainKeyEvents(ShoalServer server) {
    KeyEvents previous = server.keyspace().events();
    server.keyspace().events(new KeyEvents() {
      @Override
      public void expired(int db, byte[] key) {
        previous.expired(db, key);
        touch(db, key);
      }

      @Override
      public void evicted(int db, byte[] key) {
        previous.evicted(db, key);
        touch(db, key);
      }
    });
  }

  /** WATCH key: the caller holds the key's slot lock. */
  public void watch(ClientConnection client, Database db, byte[] key) {
    WatchedKey watched = new WatchedKey(db.index(), key);
    List<Object> mine = client.watched();
    if (mine.isEmpty()) {
      // A writer that saw this client's previous watches just before they were dropped may have
      // marked it since; a new set of watches starts clean.
      client.watchDirty(false);
    }
    for (Object entry : mine) {
      if (((Watch) entry).key().equals(watched)) {
        return;
      }
    }
    boolean live = db.peek(key) != null;
    watchers.computeIfAbsent(watched, k -> ConcurrentHashMap.newKeySet()).add(client);
    mine.add(new Watch(watched, live));
  }

  /** Drops every watch of the client and clears its dirty mark (EXEC, DISCARD, UNWATCH, RESET). */
  public void unwatchAll(ClientConnection client) {
    List<Object> mine = client.watched();
    for (Object entry : mine) {
      WatchedKey key = ((Watch) entry).key();
      watchers.computeIfPresent(key, (k, clients) -> {
        clients.remove(client);
        return clients.isEmpty() ? null : clients;
      });
    }
    mine.clear();
    client.watchDirty(false);
  }

  /** Marks every client watching this key. */
  public void touch(int db, byte[] key) {
    if (watchers.isEmpty()) {
      return;
    }
    Set<ClientConnection> clients = watchers.get(new WatchedKey(db, key));
    if (clients != null) {
      for (ClientConnection client : clients) {
        client.watchDirty(true);
      }
    }
  }

  /** FLUSHDB, SWAPDB: marks every client watching any key of the database. */
  public void touchAll(int db) {
    for (Map.Entry<WatchedKey, Set<ClientConnection>> entry : watchers.entrySet()) {
      if (entry.getKey().db() == db) {
        entry.getValue().forEach(client -> client.watchDirty(true));
      }
    }
  }

  /** FLUSHALL, or a keyless write whose reach is unknown: marks every watching client. */
  public void touchAllDatabases() {
    for (Set<ClientConnection> clients : watchers.values()) {
      clients.forEach(client -> client.watchDirty(true));
    }
  }

  /** How many distinct keys are watched, for INFO and tests. */
  public int watchedKeys() {
    return watchers.size();
  }

  @Override
  public void keyWritten(int db, byte[] key, ClientConnection writer) {
    touch(db, key);
  }

  @Override
  public void keylessWrite(int db, ClientConnection writer) {
    touchAllDatabases();
  }

  @Override
  public void closed(ClientConnection client) {
    unwatchAll(client);
  }
}
