package io.shoal.server.keyspace;

import io.shoal.server.slot.KeySlot;
import java.util.Arrays;

/**
 * Brings into the cache the keyspace places of the keys of many requests at once, before they
 * run one after another (the requests of one pipelined read, see the connection handler).
 *
 * <p>Finding a key in a keyspace larger than the cache is a chain of dependent memory misses: the
 * slot's table reference, the table, its access word, its entry, the key and the value. Run one
 * request at a time, each request waits for its whole chain. Here each stage of the chain is
 * taken for every key before the next stage, so the misses of different keys overlap; the
 * requests then find their places in the cache.
 *
 * <p>This runs without the slots' locks (it is only a hint, and changes nothing): another thread
 * may resize or change a table meanwhile. So it reads each array once into a local, indexes it
 * against its own length, probes a bounded number of places and checks every type before use:
 * whatever it sees, it cannot throw or loop, at worst it loads the wrong lines. One instance per
 * connection, reused; it keeps no reference after {@link #run}.
 *
 * <p>A request that names a member of its key's collection (HSET's field, SADD's member: see
 * {@code CommandSpec.memberArg}) goes on into the collection, when the value found is a
 * {@link MemberPrefetch}: the member's bucket, the node its chain leads to and that node's bytes,
 * again one stage for every request before the next. redis-benchmark's HSET and SADD write one
 * key with a million different members, so there the key's chain is in the cache already and
 * the whole cost is in the collection. A pop from an end of a sorted set (ZPOPMIN, ZPOPMAX) names
 * no member, so the set tells which entry it will take ({@link PopPrefetch}) and that entry's
 * place is walked the same way; an SPOP's bucket is one drawn ahead for it ({@link RandomDraws}).
 */
public final class KeyPrefetch {
  /** Keys per run; the arrays below are sized for it. */
  public static final int MAX_KEYS = 64;
  /** Probe steps looked at for a tag; longer runs are rare at the table's load factor. */
  private static final int PROBE_STEPS = 8;

  private final byte[][] keys = new byte[MAX_KEYS][];
  private final int[] slots = new int[MAX_KEYS];
  private final int[] hashes = new int[MAX_KEYS];
  private final SlotTable[] tables = new SlotTable[MAX_KEYS];
  private final int[][] clocks = new int[MAX_KEYS][];
  private final Object[][] entries = new Object[MAX_KEYS][];
  private final int[] places = new int[MAX_KEYS];
  private final Object[] found = new Object[MAX_KEYS * 2];
  private final byte[][] members = new byte[MAX_KEYS][];
  /** Per request, what it pops without naming it: 0 nothing, else a {@link PopPrefetch} constant. */
  private final int[] pops = new int[MAX_KEYS];
  private final MemberPrefetch[] holders = new MemberPrefetch[MAX_KEYS];
  private final int[] memberHashes = new int[MAX_KEYS];
  private final Object[] nodes = new Object[MAX_KEYS];
  private int count;
  private int memberCount;
  // What the loads sum to, kept so that the JIT cannot drop them.
  private int sink;

  /** Adds a key to the next run and returns its slot ({@link KeySlot#of}); -1 (ignored) when the run is full. */
  public int add(byte[] key) {
    return add(key, null);
  }

  /**
   * {@link #add(byte[])} for a request that also looks up {@code member} (null if none) in the
   * collection at that key.
   */
  public int add(byte[] key, byte[] member) {
    return add(key, member, 0);
  }

  /**
   * {@link #add(byte[], byte[])} for a request that may instead pop one member it does not name:
   * {@code popEnd} is a {@link PopPrefetch} constant (LOW for ZPOPMIN, HIGH for ZPOPMAX, RANDOM
   * for SPOP), 0 for none. The pops of a batch from one end of a key take its entries in turn,
   * and each one's place is loaded as a named member's would be.
   */
  public int add(byte[] key, byte[] member, int popEnd) {
    if (count == MAX_KEYS) {
      return -1;
    }
    if (count > 0 && member == null && popEnd == 0 && members[count - 1] == null && pops[count - 1] == 0
        && Arrays.equals(keys[count - 1], key)) {
      // The same key as the request before (a pipeline of LPUSHes to one list): its places are
      // loaded once, and the slot is the one computed for it. Pops are kept apart: each takes its
      // own entry (ZPOPMIN's next one, SPOP's own number drawn ahead).
      return slots[count - 1];
    }
    int slot = KeySlot.of(key);
    if (member != null) {
      members[count] = member;
      memberCount++;
    } else if (popEnd != 0) {
      pops[count] = popEnd;
      memberCount++;
    }
    keys[count] = key;
    slots[count] = slot;
    hashes[count] = SlotTable.hash(key);
    count++;
    return slot;
  }

  public int size() {
    return count;
  }

  /** Forgets the added keys without loading anything. */
  public void clear() {
    Arrays.fill(keys, 0, count, null);
    Arrays.fill(members, 0, count, null);
    Arrays.fill(pops, 0, count, 0);
    count = 0;
    memberCount = 0;
  }

  /** Loads the places of the added keys in {@code db}, stage by stage, and forgets the keys. */
  public void run(Database db) {
    run(db, null);
  }

  /**
   * {@link #run(Database)}, drawing ahead in {@code draws} (the connection's, or null) the numbers
   * the batch's random pops will start from; the numbers of an earlier batch are dropped.
   */
  public void run(Database db, RandomDraws draws) {
    if (draws != null) {
      draws.clear();
    }
    int n = count;
    int sum = sink;
    // Stage 1: the slots' table references (the database's array of 16384 is 64 KB).
    for (int j = 0; j < n; j++) {
      tables[j] = db.slot(slots[j]);
    }
    // Stage 2: the tables themselves, for their arrays.
    for (int j = 0; j < n; j++) {
      SlotTable table = tables[j];
      if (table != null) {
        clocks[j] = table.accessArray();
        entries[j] = table.entriesArray();
      }
    }
    // Stage 3: the access words from the key's home place to the first one whose tag matches (or
    // a free place, where an insert would go).
    for (int j = 0; j < n; j++) {
      int[] words = clocks[j];
      int place = -1;
      if (words != null && words.length > 0) {
        int mask = words.length - 1;
        int tag = SlotTable.tag(hashes[j]);
        int index = hashes[j] & mask;
        for (int step = 0; step < PROBE_STEPS; step++) {
          int word = words[index];
          if (word == 0 || (word & ~SlotTable.CLOCK_MASK) == tag) {
            break;
          }
          index = (index + 1) & mask;
        }
        place = index;
      }
      places[j] = place;
    }
    // Stage 4: the entry at that place (key and value references share a line).
    for (int j = 0; j < n; j++) {
      Object[] table = entries[j];
      int at = places[j] << 1;
      if (table != null && at >= 0 && at + 1 < table.length) {
        found[2 * j] = table[at];
        found[2 * j + 1] = table[at + 1];
      }
    }
    // Stage 5: the key's bytes (the lookup compares them) and the value's header.
    for (int j = 0; j < n; j++) {
      if (found[2 * j] instanceof byte[] key) {
        sum += key.length;
      }
      Object value = found[2 * j + 1];
      if (value instanceof byte[] bytes) {
        sum += bytes.length;
      } else if (value != null) {
        sum++;
      }
    }
    if (memberCount > 0) {
      sum += runMembers(n, draws);
    }
    sink = sum;
    Arrays.fill(keys, 0, n, null);
    Arrays.fill(members, 0, n, null);
    Arrays.fill(pops, 0, n, 0);
    memberCount = 0;
    Arrays.fill(tables, 0, n, null);
    Arrays.fill(clocks, 0, n, null);
    Arrays.fill(entries, 0, n, null);
    Arrays.fill(found, 0, 2 * n, null);
    count = 0;
  }

  /** The stages inside the collections, after the key stages have loaded the values. */
  private int runMembers(int n, RandomDraws draws) {
    int sum = 0;
    // Stage 6: which values can be walked, and the members' hashes (no misses: computed apart, so
    // that the loops with misses stay short and several of their loads are in flight at once).
    // A pop's member is the entry it will take: the batch's earlier pops from the same end of the
    // same value take the ones before it (the end's leaf, in the cache after the first).
    Object popped = null;
    int popEnd = 0;
    int ordinal = 0;
    for (int j = 0; j < n; j++) {
      if (!(found[2 * j + 1] instanceof MemberPrefetch holder)) {
        continue;
      }
      if (members[j] != null) {
        holders[j] = holder;
        memberHashes[j] = holder.prefetchHash(members[j]);
      } else if (pops[j] != 0 && holder instanceof PopPrefetch popper
          && (pops[j] != PopPrefetch.RANDOM || draws != null)) {
        ordinal = holder == popped && pops[j] == popEnd ? ordinal + 1 : 0;
        popped = holder;
        popEnd = pops[j];
        holders[j] = holder;
        memberHashes[j] = popper.prefetchPopHash(popEnd, ordinal, draws);
      }
    }
    // Stage 7: the members' bucket slots.
    for (int j = 0; j < n; j++) {
      MemberPrefetch holder = holders[j];
      if (holder != null) {
        nodes[j] = holder.prefetchBucket(memberHashes[j]);
      }
    }
    // Stage 8: the chains' nodes, up to the one whose hash matches (a random pop picks in the
    // chain of its bucket, mostly of one node: its first node is the one to load).
    for (int j = 0; j < n; j++) {
      MemberPrefetch holder = holders[j];
      if (holder != null && nodes[j] != null && pops[j] != PopPrefetch.RANDOM) {
        nodes[j] = holder.prefetchNode(nodes[j], memberHashes[j]);
      }
    }
    // Stage 9: that node's member bytes (the lookup compares them) and its value's header.
    for (int j = 0; j < n; j++) {
      MemberPrefetch holder = holders[j];
      if (holder != null && nodes[j] != null) {
        sum += holder.prefetchEntry(nodes[j]);
      }
    }
    Arrays.fill(holders, 0, n, null);
    Arrays.fill(nodes, 0, n, null);
    return sum;
  }
}
