package io.shoal.server.expiry;

import io.netty.util.concurrent.ScheduledFuture;
import io.shoal.server.ShoalServer;
import io.shoal.server.command.KeyWriteListener;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.KeyEvents;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.keyspace.SlotTable;
import io.shoal.server.server.ServerModule;
import io.shoal.server.slot.KeySlot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Active expiry, after Redis's {@code activeExpireCycle}: {@code hz} times a second, walk the
 * slots that hold keys with a TTL, a slot at a time under its lock, and delete the keys whose time
 * has come, so that keys nobody reads again still go away. Each cycle may use at most 25% of the
 * time between cycles (Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC); a cursor per database carries
 * the walk on from where the previous cycle stopped, so every slot is visited in turn.
 *
 * <p>This module also wires {@link KeyEvents} for the whole node: a key removed by expiry (lazy
 * or active) or eviction counts in INFO stats, fires its keyspace notification and invalidates
 * WATCH like any write.
 */
public final class ActiveExpiry implements ServerModule {
  /** Percentage of each cycle's period the cycle may spend deleting keys. */
  static final int CYCLE_TIME_PERCENT = 25;
  /** Keys examined before deciding whether a database is worth walking further this cycle. */
  static final int KEYS_PER_ROUND = 20;
  /** Below this percentage of expired keys in a round, the walk moves on (Redis's acceptable stale). */
  static final int STALE_PERCENT = 10;
  private static final long[] NOTHING = {0, 0};

  private ShoalServer server;
  private int[] cursors;
  private volatile ScheduledFuture<?> next;
  private volatile boolean running;

  @Override
  public void install(ShoalServer server) {
    this.server = server;
    Keyspace keyspace = server.keyspace();
    this.cursors = new int[keyspace.databaseCount()];
    keyspace.events(new ServerKeyEvents(server));
  }

  @Override
  public void start(ShoalServer server) {
    running = true;
    schedule();
  }

  @Override
  public void stop(ShoalServer server) {
    running = false;
    ScheduledFuture<?> pending = next;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  /** The next slot the walk of a database visits; for tests. */
  int cursor(int db) {
    return cursors[db];
  }

  private void schedule() {
    if (!running || server.workers() == null || server.workers().isShuttingDown()) {
      return;
    }
    long periodMillis = Math.max(1, 1000 / Math.max(1, server.core().hz.asLong()));
    next = server.workers().next().schedule(() -> {
      try {
        runCycle(periodMillis * 1_000_000L * CYCLE_TIME_PERCENT / 100);
      } finally {
        schedule();
      }
    }, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * One cycle over all databases within the time budget; returns the number of keys expired. As
   * in Redis, a database's walk stops for this cycle once a round of at least
   * {@link #KEYS_PER_ROUND} examined keys finds fewer than {@link #STALE_PERCENT}% expired: the
   * rest are left to the next cycle and to lazy expiry, so many long TTLs cost little CPU.
   */
  public long runCycle(long budgetNanos) {
    Keyspace keyspace = server.keyspace();
    if (!keyspace.expiryEnabled() || server.replication().isReplica()) {
      // A replica's keys go when its master's DEL arrives; reads meanwhile see them as missing.
      return 0;
    }
    long deadline = System.nanoTime() + budgetNanos;
    long expired = 0;
    for (int index = 0; index < keyspace.databaseCount(); index++) {
      Database db = keyspace.db(index);
      if (db.volatileSize() == 0) {
        continue;
      }
      long roundExamined = 0;
      long roundExpired = 0;
      for (int visited = 0; visited < KeySlot.SLOT_COUNT; visited++) {
        int slot = cursors[index];
        cursors[index] = (slot + 1) % KeySlot.SLOT_COUNT;
        long[] outcome = expireSlot(db, slot);
        roundExamined += outcome[0];
        roundExpired += outcome[1];
        expired += outcome[1];
        if (roundExamined >= KEYS_PER_ROUND) {
          if (roundExpired * 100 < roundExamined * STALE_PERCENT) {
            break;
          }
          roundExamined = 0;
          roundExpired = 0;
        }
        if (((visited + 1) & 15) == 0 && System.nanoTime() > deadline) {
          return expired;
        }
      }
    }
    return expired;
  }

  /** Examines every key with a TTL in one slot; returns {examined, expired}. */
  private long[] expireSlot(Database db, int slot) {
    SlotTable unlocked = db.slot(slot);
    if (unlocked == null || unlocked.volatileCount() == 0) {
      return NOTHING;
    }
    SlotLocks locks = server.keyspace().locks();
    locks.lockSlot(slot);
    try {
      SlotTable table = db.slot(slot);
      if (table == null) {
        return NOTHING;
      }
      long now = server.keyspace().nowMillis();
      List<byte[]> due = new ArrayList<>();
      long examined = 0;
      for (int i = 0; i < table.capacity(); i++) {
        if (table.keyAt(i) != null && table.expireAt(i) != 0) {
          examined++;
          if (table.expireAt(i) <= now) {
            due.add(table.keyAt(i));
          }
        }
      }
      long expired = 0;
      for (byte[] key : due) {
        // peek deletes a key whose time has come and reports it through KeyEvents.
        if (db.peek(key) == null) {
          expired++;
        }
      }
      return new long[] {examined, expired};
    } finally {
      locks.unlockSlot(slot);
    }
  }

  /** Statistics, notifications and WATCH invalidation for keys the keyspace removes on its own. */
  static final class ServerKeyEvents implements KeyEvents {
    private final ShoalServer server;

    ServerKeyEvents(ShoalServer server) {
      this.server = server;
    }

    @Override
    public void expired(int db, byte[] key) {
      server.keyspace().countExpired();
      server.stats().expiredKeys.increment();
      server.notifications().notify('x', "expired", key, db);
      written(db, key);
    }

    @Override
    public void evicted(int db, byte[] key) {
      server.stats().evictedKeys.increment();
      server.notifications().notify('e', "evicted", key, db);
      written(db, key);
    }

    private void written(int db, byte[] key) {
      for (KeyWriteListener listener : server.keyWriteListeners()) {
        listener.keyWritten(db, key, null);
      }
    }
  }
}
