package io.shoal.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pipeline's prefetch runs without the slots' locks while other I/O threads write: whatever
 * state of a table it sees, it must neither throw nor loop, and it must change nothing.
 */
class KeyPrefetchTest {
  private static byte[] key(int i) {
    // One hash tag: every key in the same slot, so that one table grows and shrinks all the time.
    return ("{t}key:" + i).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void changesNothingAndReturnsTheSlots() {
    Keyspace keyspace = new Keyspace(1, 16, System::currentTimeMillis);
    Database db = keyspace.db(0);
    for (int i = 0; i < 1000; i++) {
      db.set(key(i), ("v" + i).getBytes(StandardCharsets.US_ASCII));
    }
    KeyPrefetch prefetch = new KeyPrefetch();
    for (int i = 0; i < KeyPrefetch.MAX_KEYS; i++) {
      byte[] key = i % 2 == 0 ? key(i * 7) : ("absent:" + i).getBytes(StandardCharsets.US_ASCII);
      assertThat(prefetch.add(key)).isEqualTo(KeySlot.of(key));
    }
    assertThat(prefetch.add(key(1))).isEqualTo(-1); // the run is full
    prefetch.run(db);
    assertThat(prefetch.size()).isZero();
    for (int i = 0; i < 1000; i++) {
      assertThat(db.getString(key(i))).isEqualTo(("v" + i).getBytes(StandardCharsets.US_ASCII));
    }
    assertThat(db.getString("absent:1".getBytes(StandardCharsets.US_ASCII))).isNull();
  }

  @Test
  void aKeyRepeatedByTheNextRequestTakesNoSecondPlace() {
    KeyPrefetch prefetch = new KeyPrefetch();
    byte[] list = "mylist".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 16; i++) {
      // A new array each time, as each parsed request has its own.
      assertThat(prefetch.add(list.clone())).isEqualTo(KeySlot.of(list));
    }
    assertThat(prefetch.size()).isEqualTo(1);
    assertThat(prefetch.add(key(1))).isEqualTo(KeySlot.of(key(1)));
    assertThat(prefetch.add(list.clone(), "member".getBytes(StandardCharsets.US_ASCII))).isEqualTo(KeySlot.of(list));
    assertThat(prefetch.add(list.clone(), "member".getBytes(StandardCharsets.US_ASCII))).isEqualTo(KeySlot.of(list));
    // Requests with a member each keep their place (their members differ in general).
    assertThat(prefetch.size()).isEqualTo(4);
    prefetch.clear();
  }

  @Test
  @Timeout(120) // a prefetch that looped would hang here
  void toleratesTablesResizedByAnotherThreadMeanwhile() throws Exception {
    Keyspace keyspace = new Keyspace(1, 16, System::currentTimeMillis);
    Database db = keyspace.db(0);
    PrefetchRace race = new PrefetchRace(keyspace, KeySlot.of(key(0)));
    KeyPrefetch prefetch = new KeyPrefetch();
    race.run(() -> {
      // Grow the slot's table through several resizes, then empty it (shrinks, then null arrays).
      for (int i = 0; i < 3000; i++) {
        int k = i;
        race.locked(() -> db.set(key(k), new byte[] {(byte) k}));
      }
      for (int i = 0; i < 3000; i++) {
        int k = i;
        race.locked(() -> db.remove(key(k)));
      }
    }, runs -> {
      for (int i = 0; i < KeyPrefetch.MAX_KEYS; i++) {
        prefetch.add(key((int) ((runs * 31 + i * 47) % 3500)));
      }
      prefetch.run(db);
    });
  }
}
