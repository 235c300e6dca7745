package io.shoal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.types.hash.HashLimits;
import io.shoal.server.types.hash.HashValue;
import io.shoal.server.types.list.ListValue;
import io.shoal.server.types.set.SetLimits;
import io.shoal.server.types.set.SetValue;
import io.shoal.server.types.zset.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A snapshot that shares the collections (Snapshot.share): it holds the values as they were at
 * its instant whatever clients do afterwards, clients get their own copy of a shared collection
 * the first time they reach it (and only then), and after release they write in place again.
 */
class SharedSnapshotTest {
  private static byte[] b(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Keyspace keyspace() {
    Keyspace keyspace = new Keyspace(16, 1024, System::currentTimeMillis);
    Database db = keyspace.db(0);
    ZSetValue zset = new ZSetValue(0, 64);
    SetValue set = new SetValue();
    HashValue hash = new HashValue();
    ListValue list = new ListValue();
    for (int i = 0; i < 1000; i++) {
      zset.insert(b("m" + i), i);
      set.add(b("m" + i), SetLimits.DEFAULT);
      hash.put(b("f" + i), b("v" + i), HashLimits.DEFAULT);
      list.pushLast(b("e" + i));
    }
    db.set(b("zset"), zset);
    db.set(b("set"), set);
    db.set(b("hash"), hash);
    db.set(b("list"), list);
    db.set(b("string"), b("before"));
    return keyspace;
  }

  /** Every value of database 0 as text, key by key. */
  private static List<String> contents(Snapshot snapshot) {
    List<String> seen = new ArrayList<>();
    for (Snapshot.Chunk chunk : snapshot.database(0)) {
      for (int i = 0; i < chunk.count; i++) {
        seen.add(new String(chunk.keys[i], StandardCharsets.UTF_8) + "=" + describe(chunk.values[i]));
      }
    }
    seen.sort(null);
    return seen;
  }

  static String describe(Object value) {
    StringBuilder text = new StringBuilder();
    if (value instanceof byte[] string) {
      text.append(new String(string, StandardCharsets.UTF_8));
    } else if (value instanceof ZSetValue zset) {
      zset.forEach((member, score) -> text.append(new String(member, StandardCharsets.UTF_8)).append(':').append(score).append(','));
    } else if (value instanceof SetValue set) {
      List<String> members = new ArrayList<>();
      set.forEach(member -> members.add(new String(member, StandardCharsets.UTF_8)));
      members.sort(null);
      text.append(members);
    } else if (value instanceof HashValue hash) {
      List<String> pairs = new ArrayList<>();
      hash.forEach((field, v) -> pairs.add(new String(field, StandardCharsets.UTF_8) + ":" + new String(v, StandardCharsets.UTF_8)));
      pairs.sort(null);
      text.append(pairs);
    } else if (value instanceof ListValue list) {
      list.forEach(element -> text.append(new String(element, StandardCharsets.UTF_8)).append(','));
    }
    return text.toString();
  }

  /** Changes every value in place through the keyspace, as commands do. */
  private static void write(Database db, String tag) {
    ZSetValue zset = db.get(b("zset"), ZSetValue.class);
    zset.update(b("m1"), 1, 5000);
    zset.remove(b("m2"));
    zset.insert(b(tag), -1);
    db.get(b("set"), SetValue.class).remove(b("m3"));
    db.get(b("set"), SetValue.class).add(b(tag), SetLimits.DEFAULT);
    db.get(b("hash"), HashValue.class).put(b("f4"), b(tag), HashLimits.DEFAULT);
    db.get(b("list"), ListValue.class).set(0, b(tag));
    db.get(b("list"), ListValue.class).popLast();
    db.set(b("string"), b(tag));
  }

  @Test
  void aSharedSnapshotKeepsItsInstantWhileClientsWriteToTheirOwnCopies() {
    Keyspace keyspace = keyspace();
    Database db = keyspace.db(0);
    List<String> atInstant = contents(Snapshot.take(keyspace, null));
    long used = keyspace.usedBytes();
    Object zsetBefore = db.peek(b("zset"));

    Snapshot shared = Snapshot.share(keyspace, null);
    // A client's first touch swaps in a copy, once: later ones get the same copy, and the
    // used-memory estimate does not count the copy twice.
    ZSetValue zset = db.get(b("zset"), ZSetValue.class);
    assertThat(zset).isNotSameAs(zsetBefore);
    assertThat(db.get(b("zset"), ZSetValue.class)).isSameAs(zset);
    assertThat(db.peek(b("zset"))).isSameAs(zset);
    assertThat(keyspace.usedBytes()).isEqualTo(used);
    write(db, "during");
    assertThat(contents(shared)).isEqualTo(atInstant);
    assertThat(describe(db.get(b("zset")))).startsWith("during:-1.0,m0:0.0,m3:3.0").contains("m1:5000.0");
    assertThat(describe(db.get(b("list")))).startsWith("during,e1,").doesNotContain("e999");

    // A second snapshot while the first still shares copies instead, and keeps its own instant.
    List<String> second = contents(Snapshot.take(keyspace, null));
    Snapshot overlapping = Snapshot.share(keyspace, null);
    shared.release();
    write(db, "after");
    assertThat(contents(overlapping)).isEqualTo(second);
    assertThat(contents(shared)).isEqualTo(atInstant);

    // Released: clients write in place again, no copy.
    Object hash = db.get(b("hash"));
    assertThat(db.get(b("hash"))).isSameAs(hash);
    Snapshot third = Snapshot.share(keyspace, null);
    assertThat(db.get(b("hash"))).isNotSameAs(hash);
    third.release();
    Object hashNow = db.get(b("hash"));
    assertThat(db.get(b("hash"))).isSameAs(hashNow);
  }

  /** The expired keys and the free places of the slots' arrays stay out of a shared snapshot. */
  @Test
  void aSharedSnapshotLeavesOutExpiredKeys() {
    Keyspace keyspace = keyspace();
    Database db = keyspace.db(0);
    db.set(b("gone"), b("x"));
    db.expireTime(b("gone"), System.currentTimeMillis() - 1);
    db.set(b("kept"), b("y"));
    db.expireTime(b("kept"), System.currentTimeMillis() + 60_000);
    Snapshot shared = Snapshot.share(keyspace, null);
    try {
      assertThat(shared.keys(0)).isEqualTo(6);
      assertThat(shared.expires(0)).isEqualTo(1);
      assertThat(contents(shared)).contains("kept=y").noneMatch(entry -> entry.startsWith("gone="));
    } finally {
      shared.release();
    }
  }
}
