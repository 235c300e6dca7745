package io.shoal.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A bulk insert (the RDB loader's) leaves a database exactly as SET and PEXPIREAT of the same keys
 * in the same order would: same values, TTLs, key and volatile counts and used memory, including
 * keys given twice and slots that already held keys.
 */
class BulkInsertTest {
  private static final long NOW = 1_000_000L;

  private record Entry(byte[] key, byte[] value, long expireAt) {}

  @Test
  void matchesSetOnAnEmptyDatabase() {
    List<Entry> entries = entries(new Random(7), 20_000, 15_000);
    Keyspace bulk = keyspace();
    Keyspace plain = keyspace();
    loadInBulk(bulk.db(0), entries);
    entries.forEach(entry -> set(plain.db(0), entry));
    assertSame(bulk, plain, entries);
  }

  @Test
  void matchesSetOnADatabaseThatAlreadyHoldsKeys() {
    Random random = new Random(11);
    List<Entry> before = entries(random, 3_000, 15_000);
    List<Entry> entries = entries(random, 20_000, 15_000);
    Keyspace bulk = keyspace();
    Keyspace plain = keyspace();
    before.forEach(entry -> set(bulk.db(0), entry));
    before.forEach(entry -> set(plain.db(0), entry));
    loadInBulk(bulk.db(0), entries);
    entries.forEach(entry -> set(plain.db(0), entry));
    List<Entry> all = new ArrayList<>(before);
    all.addAll(entries);
    assertSame(bulk, plain, all);
  }

  private static Keyspace keyspace() {
    return new Keyspace(1, 16, () -> NOW);
  }

  /** Keys drawn from {@code distinct} names, so some come twice; a third with a TTL. */
  private static List<Entry> entries(Random random, int count, int distinct) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] key = ("key:" + random.nextInt(distinct)).getBytes(StandardCharsets.UTF_8);
      byte[] value = new byte[random.nextInt(40)];
      random.nextBytes(value);
      long expireAt = random.nextInt(3) == 0 ? NOW + 1 + random.nextInt(100_000) : 0;
      entries.add(new Entry(key, value, expireAt));
    }
    return entries;
  }

  /** As the RDB loader does: per slot in slot order, keys of a slot in their order of arrival. */
  private static void loadInBulk(Database db, List<Entry> entries) {
    List<List<Entry>> bySlot = new ArrayList<>();
    for (int s = 0; s < KeySlot.SLOT_COUNT; s++) {
      bySlot.add(new ArrayList<>());
    }
    long bytes = 0;
    for (Entry entry : entries) {
      bySlot.get(KeySlot.of(entry.key())).add(entry);
      bytes += BulkInsert.entryBytes(entry.key(), entry.value());
    }
    BulkInsert insert = db.bulkInsert();
    for (int s = 0; s < KeySlot.SLOT_COUNT; s++) {
      List<Entry> slot = bySlot.get(s);
      if (slot.isEmpty()) {
        continue;
      }
      insert.beginSlot(s, slot.size());
      for (Entry entry : slot) {
        insert.add(entry.key(), SlotTable.hash(entry.key()), entry.value(), entry.expireAt());
      }
    }
    insert.finish(bytes);
  }

  private static void set(Database db, Entry entry) {
    db.set(entry.key(), entry.value());
    if (entry.expireAt() != 0) {
      db.expireTime(entry.key(), entry.expireAt());
    }
  }

  private static void assertSame(Keyspace bulk, Keyspace plain, List<Entry> entries) {
    Database loaded = bulk.db(0);
    Database expected = plain.db(0);
    assertThat(loaded.size()).isEqualTo(expected.size());
    assertThat(loaded.volatileSize()).isEqualTo(expected.volatileSize()).isPositive();
    assertThat(bulk.usedBytes()).isEqualTo(plain.usedBytes());
    for (Entry entry : entries) {
      assertThat(loaded.peek(entry.key())).isEqualTo(expected.peek(entry.key()));
      assertThat(loaded.expireTime(entry.key())).isEqualTo(expected.expireTime(entry.key()));
    }
    for (int s = 0; s < KeySlot.SLOT_COUNT; s++) {
      assertThat(loaded.countInSlot(s)).as("slot %d", s).isEqualTo(expected.countInSlot(s));
    }
  }
}
