package io.shoal.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.types.BytesTable;
import io.shoal.server.types.hash.HashLimits;
import io.shoal.server.types.hash.HashValue;
import io.shoal.server.types.set.SetLimits;
import io.shoal.server.types.set.SetValue;
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
    for (int i = 0; i < 1000; i++) {
      hash.put(member(i), bytes("v" + i), HashLimits.DEFAULT);
      set.add(member(i), SetLimits.DEFAULT);
    }
    db.set(bytes("h"), hash);
    db.set(bytes("s"), set);
    db.set(bytes("str"), bytes("x"));
    long hashBytes = hash.memoryBytes();
    long setBytes = set.memoryBytes();
    KeyPrefetch prefetch = new KeyPrefetch();
    for (int i = 0; i < KeyPrefetch.MAX_KEYS; i++) {
      String key = i % 3 == 0 ? "h" : i % 3 == 1 ? "s" : i % 2 == 0 ? "str" : "absent";
      prefetch.add(bytes(key), i % 5 == 0 ? null : member(i * 31 % 1200));
    }
    prefetch.run(db);
    assertThat(prefetch.size()).isZero();
    assertThat(hash.size()).isEqualTo(1000);
    assertThat(set.size()).isEqualTo(1000);
    assertThat(hash.memoryBytes()).isEqualTo(hashBytes);
    assertThat(set.memoryBytes()).isEqualTo(setBytes);
    for (int i = 0; i < 1000; i++) {
      assertThat(hash.get(member(i))).isEqualTo(bytes("v" + i));
      assertThat(set.contains(member(i))).isTrue();
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
    PrefetchRace race = new PrefetchRace(keyspace, io.shoal.server.slot.KeySlot.of(hashKey));
    KeyPrefetch prefetch = new KeyPrefetch();
    race.run(() -> {
      // New values each cycle (listpack, converted to hashtable on the way), grown through
      // several resizes, then emptied through the shrinks, then removed.
      race.locked(() -> {
        db.set(hashKey, new HashValue());
        db.set(setKey, new SetValue());
      });
      for (int i = 0; i < 3000; i++) {
        int k = i;
        race.locked(() -> {
          db.get(hashKey, HashValue.class).put(member(k), new byte[] {(byte) k}, HashLimits.DEFAULT);
          db.get(setKey, SetValue.class).add(member(k), SetLimits.DEFAULT);
        });
      }
      for (int i = 0; i < 3000; i++) {
        int k = i;
        race.locked(() -> {
          db.get(hashKey, HashValue.class).remove(member(k));
          db.get(setKey, SetValue.class).remove(member(k));
        });
      }
      race.locked(() -> {
        db.remove(hashKey);
        db.remove(setKey);
      });
    }, runs -> {
      for (int i = 0; i < KeyPrefetch.MAX_KEYS; i++) {
        prefetch.add(i % 2 == 0 ? hashKey : setKey, member((int) ((runs * 31 + i * 47) % 3500)));
      }
      prefetch.run(db);
    });
  }
}
