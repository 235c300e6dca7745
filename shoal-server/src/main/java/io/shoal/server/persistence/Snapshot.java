package io.shoal.server.persistence;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.keyspace.SlotTable;
import java.util.ArrayList;
import java.util.List;

/**
 * A point-in-time copy of the keyspace that BGSAVE and BGREWRITEAOF write out while clients keep
 * going: the Java stand-in for the {@code fork()} Redis uses.
 *
 * <p>The copy is taken under every slot lock, so it is one instant for the whole keyspace, which
 * the AOF rewrite needs (writes made after the instant go to the rewrite buffer, writes before it
 * are in the copy, none in both). Strings are immutable {@code byte[]} references and cost one
 * pointer each; collections are mutable in place and are deep-copied with {@code copy()}. The pause
 * is therefore proportional to the number of keys plus the elements of collections; it is measured
 * as {@link #pauseMicros}. A per-slot copy without the global pause would be cheaper but can split
 * a multi-slot command between copy and buffer, so that a rewrite would replay it twice.
 */
public final class Snapshot {
  /** The keys of one slot of one database. */
  public static final class Chunk {
    public final byte[][] keys;
    public final Object[] values;
    public final long[] expires;
    public final int count;

    Chunk(byte[][] keys, Object[] values, long[] expires, int count) {
      this.keys = keys;
      this.values = values;
      this.expires = expires;
      this.count = count;
    }
  }

  private final List<List<Chunk>> databases;
  private final long takenMillis;
  private final long pauseMicros;

  private Snapshot(List<List<Chunk>> databases, long takenMillis, long pauseMicros) {
    this.databases = databases;
    this.takenMillis = takenMillis;
    this.pauseMicros = pauseMicros;
  }

  /** Copies the keyspace; {@code atInstant} runs under the same locks, at the instant of the copy. */
  public static Snapshot take(Keyspace keyspace, Runnable atInstant) {
    SlotLocks locks = keyspace.locks();
    locks.lockAll();
    long started = System.nanoTime();
    try {
      long now = keyspace.nowMillis();
      List<List<Chunk>> databases = new ArrayList<>(keyspace.databaseCount());
      for (int d = 0; d < keyspace.databaseCount(); d++) {
        Database db = keyspace.db(d);
        List<Chunk> chunks = new ArrayList<>();
        for (int s = 0; s < io.shoal.server.slot.KeySlot.SLOT_COUNT; s++) {
          SlotTable table = db.slot(s);
          if (table == null || table.size() == 0) {
            continue;
          }
          int size = table.size();
          byte[][] keys = new byte[size][];
          Object[] values = new Object[size];
          long[] expires = new long[size];
          int count = 0;
          for (int i = 0; i < table.capacity(); i++) {
            byte[] key = table.keyAt(i);
            if (key == null) {
              continue;
            }
            long expireAt = table.expireAt(i);
            if (expireAt != 0 && expireAt <= now) {
              continue;
            }
            Object value = table.valueAt(i);
            keys[count] = key;
            values[count] = value instanceof CollectionValue ? ((CollectionValue) value).copy() : value;
            expires[count] = expireAt;
            count++;
          }
          if (count > 0) {
            chunks.add(new Chunk(keys, values, expires, count));
          }
        }
        databases.add(chunks);
      }
      if (atInstant != null) {
        atInstant.run();
      }
      return new Snapshot(databases, now, (System.nanoTime() - started) / 1000);
    } finally {
      locks.unlockAll();
    }
  }

  public int databaseCount() {
    return databases.size();
  }

  public List<Chunk> database(int index) {
    return databases.get(index);
  }

  public long keys(int index) {
    long total = 0;
    for (Chunk chunk : databases.get(index)) {
      total += chunk.count;
    }
    return total;
  }

  public long expires(int index) {
    long total = 0;
    for (Chunk chunk : databases.get(index)) {
      for (int i = 0; i < chunk.count; i++) {
        if (chunk.expires[i] != 0) {
          total++;
        }
      }
    }
    return total;
  }

  public long takenMillis() {
    return takenMillis;
  }

  public long pauseMicros() {
    return pauseMicros;
  }
}
