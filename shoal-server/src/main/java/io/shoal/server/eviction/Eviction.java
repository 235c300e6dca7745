package io.shoal.server.eviction;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.config.Setting;
import io.shoal.server.config.Setting.Kind;
import io.shoal.server.config.Settings;
import io.shoal.server.keyspace.AccessClock;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.keyspace.SlotTable;
import io.shoal.server.server.CommandGate;
import io.shoal.server.server.ServerModule;
import io.shoal.server.slot.KeySlot;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * maxmemory and its policies, with Redis's approximated algorithm ({@code performEvictions}):
 * while the used-memory estimate is above the limit, sample {@code maxmemory-samples} keys from
 * random slots of the databases, delete the best candidate by the policy (longest idle, least
 * frequently used, nearest expiry or any), and try again. Sampling keeps eviction O(samples) per
 * key instead of maintaining an exact LRU list on every access.
 *
 * <p>It runs as a {@link CommandGate}, before the command takes its locks: every command may
 * free memory, and commands flagged DENYOOM are refused with Redis's OOM error if memory is still
 * over the limit (always, under noeviction). Inside EXEC, which already holds slot locks, it
 * only refuses and never evicts, to keep lock order. Unlike Redis, Shoal keeps no eviction pool between
 * calls; each eviction draws a fresh sample.
 */
public final class Eviction implements ServerModule, CommandGate {
  static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
  /** Keys evicted per command at most, so one command never stalls for long. */
  static final int EVICTIONS_PER_COMMAND_MAX = 512;
  private volatile Supplier<RandomGenerator> randomSource = ThreadLocalRandom::current;

  /** Random slot draws per sample at most before giving up on an almost empty keyspace. */
  static final int SLOT_DRAWS_MAX = 64;

  private ShoalServer server;
  private Setting maxmemory;
  private Setting samples;
  private Setting policySetting;
  private Setting logFactor;
  private Setting decayTime;
  private volatile EvictionPolicy policy = EvictionPolicy.NOEVICTION;

  @Override
  public void install(ShoalServer server) {
    this.server = server;
    Settings settings = server.settings();
    maxmemory = settings.define("maxmemory", Kind.MEMORY, "0", true, List.of(), 0, Long.MAX_VALUE, null, List.of());
    List<String> names = new java.util.ArrayList<>();
    for (EvictionPolicy value : EvictionPolicy.values()) {
      names.add(value.configName());
    }
    policySetting = settings.defineEnum("maxmemory-policy", "noeviction", names.toArray(new String[0]));
    samples = settings.defineInteger("maxmemory-samples", "5", 1, 64);
    logFactor = settings.defineInteger("lfu-log-factor", "10", 0, Integer.MAX_VALUE);
    decayTime = settings.defineInteger("lfu-decay-time", "1", 0, Integer.MAX_VALUE);
    policySetting.onChange(s -> reconfigure());
    logFactor.onChange(s -> reconfigure());
    decayTime.onChange(s -> reconfigure());
    server.addGate(this);
  }

  private void reconfigure() {
    if (policySetting == null || logFactor == null || decayTime == null) {
      return;
    }
    EvictionPolicy chosen = EvictionPolicy.parse(policySetting.text());
    policy = chosen;
    Keyspace keyspace = server.keyspace();
    keyspace.eviction(new AccessClock(keyspace.clock(), chosen.lfu(), logFactor.asInt(), decayTime.asInt()));
  }

  public EvictionPolicy policy() {
    return policy;
  }

  @Override
  public String refuse(ClientConnection client, CommandSpec spec, byte[][] args) {
    long limit = maxmemory.asLong();
    if (limit <= 0) {
      return null;
    }
    Keyspace keyspace = server.keyspace();
    if (keyspace.usedBytes() <= limit) {
      return null;
    }
    if (policy != EvictionPolicy.NOEVICTION && !holdsAnySlotLock()) {
      for (int i = 0; i < EVICTIONS_PER_COMMAND_MAX && keyspace.usedBytes() > limit; i++) {
        if (!evictOne()) {
          break;
        }
      }
    }
    if (spec.has(CommandFlag.DENYOOM) && keyspace.usedBytes() > limit) {
      return OOM;
    }
    return null;
  }

  /**
   * True inside EXEC, whose slot locks are already held: taking other slots' locks out of order
   * there could deadlock with another transaction, so eviction waits for the next command.
   */
  private boolean holdsAnySlotLock() {
    SlotLocks locks = server.keyspace().locks();
    for (int slot = 0; slot < KeySlot.SLOT_COUNT; slot++) {
      if (slot > 0 && locks.stripeOf(slot) == 0) {
        return false;
      }
      if (locks.heldByCurrentThread(slot)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Where sampling draws its random numbers: each I/O thread's own generator in production, one
   * seeded generator in a test that must reproduce the same samples.
   */
  public void randomSource(Supplier<RandomGenerator> source) {
    this.randomSource = source;
  }

  /** Evicts the best of one sample; false when there is nothing the policy may evict. */
  public boolean evictOne() {
    Keyspace keyspace = server.keyspace();
    RandomGenerator random = randomSource.get();
    int sampleSize = samples.asInt();
    byte[] bestKey = null;
    int bestDb = -1;
    long bestScore = Long.MIN_VALUE;
    for (int dbIndex = 0; dbIndex < keyspace.databaseCount(); dbIndex++) {
      Database db = keyspace.db(dbIndex);
      long population = policy.volatileOnly ? db.volatileSize() : db.size();
      if (population == 0) {
        continue;
      }
      for (int drawn = 0, draws = 0; drawn < sampleSize && draws < SLOT_DRAWS_MAX * sampleSize; draws++) {
        // A random slot, or the next one holding candidates: most slots are empty in a small keyspace.
        int slot = nonEmptySlotFrom(db, random.nextInt(KeySlot.SLOT_COUNT));
        if (slot < 0) {
          break;
        }
        Candidate candidate = sample(db, slot, random);
        if (candidate == null) {
          continue;
        }
        drawn++;
        if (bestKey == null || candidate.score > bestScore) {
          bestKey = candidate.key;
          bestScore = candidate.score;
          bestDb = dbIndex;
        }
      }
    }
    if (bestKey == null) {
      return false;
    }
    int slot = KeySlot.of(bestKey);
    SlotLocks locks = keyspace.locks();
    locks.lockSlot(slot);
    try {
      if (keyspace.db(bestDb).remove(bestKey)) {
        keyspace.events().evicted(bestDb, bestKey);
      }
    } finally {
      locks.unlockSlot(slot);
    }
    return true;
  }

  private int nonEmptySlotFrom(Database db, int from) {
    for (int step = 0; step < KeySlot.SLOT_COUNT; step++) {
      int slot = (from + step) % KeySlot.SLOT_COUNT;
      SlotTable table = db.slot(slot);
      if (table != null && table.size() > 0 && (!policy.volatileOnly || table.volatileCount() > 0)) {
        return slot;
      }
    }
    return -1;
  }

  private record Candidate(byte[] key, long score) {}

  private Candidate sample(Database db, int slot, RandomGenerator random) {
    SlotLocks locks = server.keyspace().locks();
    AccessClock clock = server.keyspace().eviction();
    locks.lockSlot(slot);
    try {
      SlotTable table = db.slot(slot);
      if (table == null || table.size() == 0) {
        return null;
      }
      int index = table.occupiedFrom(random.nextInt(table.capacity()));
      if (policy.volatileOnly) {
        // Walk on to the next key with a TTL; the slot has at least one.
        for (int step = 0; step < table.capacity() && table.expireAt(index) == 0; step++) {
          index = table.occupiedFrom(index + 1);
        }
        if (table.expireAt(index) == 0) {
          return null;
        }
      }
      long score;
      switch (policy.rank) {
        case ACCESS: score = clock.evictionScore(table.accessAt(index)); break;
        case TTL: score = -table.expireAt(index); break;
        default: score = random.nextLong(); break;
      }
      return new Candidate(table.keyAt(index), score);
    } finally {
      locks.unlockSlot(slot);
    }
  }
}
