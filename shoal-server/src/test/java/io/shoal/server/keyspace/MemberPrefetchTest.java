package io.shoal.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.types.BytesTable;
import io.shoal.server.types.hash.HashLimits;
import io.shoal.server.types.hash.HashValue;
import io.shoal.server.types.set.SetLimits;
import io.shoal.server.types.set.SetValue;
import io.shoal.server.types.zset.ZSetValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The prefetch into collections (a request's member or field, after its key) runs without the
 * slots' locks while other I/O threads write: it must find the member's node when nothing moves,
 * and whatever state of a collection it sees, it must neither throw nor loop nor change anything.
 */
class MemberPrefetchTest {
  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] member(int i) {
    return bytes("element:" + i);
  }

  @Test
  void theStagesLeadToTheMembersNode() {
    HashValue hash = new HashValue();
    SetValue set = new SetValue();
    for (int i = 0; i < 5000; i++) {
      hash.put(member(i), bytes("v" + i), HashLimits.DEFAULT);
      set.add(member(i), SetLimits.DEFAULT);
    }
    for (MemberPrefetch holder : new MemberPrefetch[] {hash, set}) {
      for (int i = 0; i < 5000; i += 7) {
        int h = holder.prefetchHash(member(i));
        Object node = holder.prefetchNode(holder.prefetchBucket(h), h);
        // A chain of at most the steps walked holds it (every chain here does at this load factor).
        assertThat(node).isInstanceOf(BytesTable.Node.class);
        assertThat(((BytesTable.Node) node).key()).isEqualTo(member(i));
        assertThat(holder.prefetchEntry(node)).isNotZero();
      }
      int absent = holder.prefetchHash(bytes("absent"));
      Object head = holder.prefetchBucket(absent);
      Object node = holder.prefetchNode(head, absent);
      assertThat(node == null || !java.util.Arrays.equals(((BytesTable.Node) node).key(), bytes("absent"))).isTrue();
      assertThat(holder.prefetchEntry(null)).isZero();
      assertThat(holder.prefetchNode("not a node", absent)).isNull();
    }
    // Small encodings are not walked.
    HashValue small = new HashValue();
    small.put(member(1), bytes("v"), HashLimits.DEFAULT);
    assertThat(small.prefetchBucket(small.prefetchHash(member(1)))).isNull();
    SetValue intset = new SetValue();
    intset.add(bytes("12"), SetLimits.DEFAULT);
    assertThat(intset.prefetchBucket(intset.prefetchHash(bytes("12")))).isNull();
  }

  @Test
  void changesNothing() {
    Keyspace keyspace = new Keyspace(1, 16, System::currentTimeMillis);
    Database db = keyspace.db(0);
    HashValue hash = new HashValue();
    SetValue set = new SetValue();
    ZSetValue zset = new ZSetValue(128, 64);
    for (int i = 0; i < 1000; i++) {
      hash.put(member(i), bytes("v" + i), HashLimits.DEFAULT);
      set.add(member(i), SetLimits.DEFAULT);
      zset.insert(member(i), i % 97);
    }
    db.set(bytes("h"), hash);
    db.set(bytes("s"), set);
    db.set(bytes("z"), zset);
    db.set(bytes("str"), bytes("x"));
    long hashBytes = hash.memoryBytes();
    long setBytes = set.memoryBytes();
    long zsetBytes = zset.memoryBytes();
    KeyPrefetch prefetch = new KeyPrefetch();
    RandomDraws draws = new RandomDraws();
    int spops = 0;
    for (int i = 0; i < KeyPrefetch.MAX_KEYS - 2; i++) {
      String key = i % 4 == 0 ? "h" : i % 4 == 1 ? "s" : i % 4 == 2 ? "z" : i % 8 == 3 ? "str" : "absent";
      if (key.equals("z") && i % 3 == 0) {
        prefetch.add(bytes(key), null, 1 + i % 2); // ZPOPMIN / ZPOPMAX
      } else if (key.equals("s") && i % 3 == 0) {
        prefetch.add(bytes(key), null, PopPrefetch.RANDOM); // SPOP
        spops++;
      } else {
        prefetch.add(bytes(key), i % 5 == 0 ? null : member(i * 31 % 1200));
      }
    }
    // Pops on values that have no such pops: nothing to walk, no number drawn.
    prefetch.add(bytes("h"), null, PopPrefetch.LOW);
    prefetch.add(bytes("z"), null, PopPrefetch.RANDOM);
    prefetch.run(db, draws);
    assertThat(prefetch.size()).isZero();
    // One number drawn ahead for each SPOP of the hashtable set, for the pops to use in turn.
    assertThat(draws.pending()).isEqualTo(spops).isPositive();
    prefetch.add(bytes("s"), null, PopPrefetch.RANDOM);
    prefetch.add(bytes("s"), null, PopPrefetch.RANDOM);
    prefetch.run(db, draws);
    assertThat(draws.pending()).as("a new batch drops the numbers left over").isEqualTo(2);
    assertThat(hash.size()).isEqualTo(1000);
    assertThat(set.size()).isEqualTo(1000);
    assertThat(zset.length()).isEqualTo(1000);
    assertThat(hash.memoryBytes()).isEqualTo(hashBytes);
    assertThat(set.memoryBytes()).isEqualTo(setBytes);
    assertThat(zset.memoryBytes()).isEqualTo(zsetBytes);
    assertThat(zset.invariantsHold()).isTrue();
    for (int i = 0; i < 1000; i++) {
      assertThat(hash.get(member(i))).isEqualTo(bytes("v" + i));
      assertThat(set.contains(member(i))).isTrue();
      assertThat(zset.score(member(i))).isEqualTo(i % 97);
    }
    assertThat(db.getString(bytes("str"))).isEqualTo(bytes("x"));
  }

  @Test
  @Timeout(120) // a prefetch that looped would hang here
  void toleratesCollectionsResizedAndReplacedByAnotherThreadMeanwhile() throws Exception {
    Keyspace keyspace = new Keyspace(1, 16, System::currentTimeMillis);
    Database db = keyspace.db(0);
    byte[] hashKey = bytes("{t}h");
    byte[] setKey = bytes("{t}s");
    byte[] zsetKey = bytes("{t}z");
    PrefetchRace race = new PrefetchRace(keyspace, io.shoal.server.slot.KeySlot.of(hashKey));
    KeyPrefetch prefetch = new KeyPrefetch();
    RandomDraws draws = new RandomDraws();
    race.run(() -> {
      // New values each cycle (listpack, converted to hashtable on the way), grown through
      // several resizes, then emptied through the shrinks, then removed.
      // The sorted set's tree splits, evens out and merges leaves on the way, its scores move,
      // and half of it goes by pops from the front (the leaves' start offsets move).
      race.locked(() -> {
        db.set(hashKey, new HashValue());
        db.set(setKey, new SetValue());
        db.set(zsetKey, new ZSetValue(128, 64));
      });
      for (int i = 0; i < 3000; i++) {
        int k = i;
        race.locked(() -> {
          db.get(hashKey, HashValue.class).put(member(k), new byte[] {(byte) k}, HashLimits.DEFAULT);
          db.get(setKey, SetValue.class).add(member(k), SetLimits.DEFAULT);
          db.get(zsetKey, ZSetValue.class).insert(member(k), (k * 7919) % 1000);
          if (k % 3 == 0) {
            ZSetValue zset = db.get(zsetKey, ZSetValue.class);
            byte[] moved = member(k / 2);
            zset.update(moved, zset.score(moved), (k * 31) % 1000);
          }
        });
      }
      for (int i = 0; i < 3000; i++) {
        int k = i;
        race.locked(() -> {
          db.get(hashKey, HashValue.class).remove(member(k));
          db.get(setKey, SetValue.class).remove(member(k));
          ZSetValue zset = db.get(zsetKey, ZSetValue.class);
          if (zset.length() > 0) {
            if (k % 2 == 0) {
              zset.removeRange(0, 0, (member, score) -> { });
            } else {
              zset.remove(member(k));
            }
          }
        });
      }
      race.locked(() -> {
        db.remove(hashKey);
        db.remove(setKey);
        db.remove(zsetKey);
      });
    }, runs -> {
      for (int i = 0; i < KeyPrefetch.MAX_KEYS; i++) {
        byte[] key = i % 3 == 0 ? hashKey : i % 3 == 1 ? setKey : zsetKey;
        if (key == zsetKey && i % 2 == 0) {
          prefetch.add(key, null, 1 + (int) (runs % 2)); // a run of pops from one end
        } else if (key == setKey && i % 2 == 0) {
          prefetch.add(key, null, PopPrefetch.RANDOM);
        } else {
          prefetch.add(key, member((int) ((runs * 31 + i * 47) % 3500)));
        }
      }
      prefetch.run(db, draws);
      // What the pops would take: the numbers drawn ahead, in order.
      while (draws.pending() > 0) {
        draws.next();
      }
    });
  }
}
