package io.shoal.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The slot table against a HashMap doing the same random inserts, updates and removals: through
 * growth, shrinking and backward-shift deletion every key keeps its value, expiry and clock.
 */
class SlotTableTest {
  private static final class Entry {
    Object value;
    long expire;
    int clock;
  }

  @Test
  void matchesAMapThroughGrowthShrinkingAndRemovals() {
    Random random = new Random(42);
    SlotTable table = new SlotTable();
    Map<String, Entry> model = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      // Phases of growth and of shrinking, so the table resizes both ways.
      boolean growing = (step / 20_000) % 2 == 0;
      String name = "key:" + random.nextInt(3000);
      byte[] key = name.getBytes(StandardCharsets.UTF_8);
      int index = table.find(key);
      assertThat(index >= 0).as("present %s", name).isEqualTo(model.containsKey(name));
      int action = random.nextInt(10);
      if (index < 0 && (growing ? action < 8 : action < 2)) {
        Entry entry = new Entry();
        entry.value = ("v" + step).getBytes(StandardCharsets.UTF_8);
        entry.clock = step;
        int at = table.insert(key, entry.value, entry.clock);
        if (random.nextBoolean()) {
          entry.expire = 1_000_000L + step;
          table.expireAt(at, entry.expire);
        }
        model.put(name, entry);
      } else if (index >= 0 && (growing ? action < 3 : action < 8)) {
        table.removeAt(index);
        model.remove(name);
      } else if (index >= 0) {
        Entry entry = model.get(name);
        assertThat(table.keyAt(index)).isEqualTo(key);
        assertThat(table.valueAt(index)).isSameAs(entry.value);
        assertThat(table.expireAt(index)).isEqualTo(entry.expire);
        assertThat(table.accessAt(index)).isEqualTo(entry.clock);
        entry.value = ("u" + step).getBytes(StandardCharsets.UTF_8);
        table.valueAt(index, entry.value);
        // A clock with bits above its 24 must not disturb the hash fingerprint kept beside it.
        entry.clock = step & SlotTable.CLOCK_MASK;
        table.accessAt(index, step | 0xff000000);
        assertThat(table.find(key)).isEqualTo(index);
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    int volatileKeys = 0;
    for (Map.Entry<String, Entry> e : model.entrySet()) {
      int index = table.find(e.getKey().getBytes(StandardCharsets.UTF_8));
      assertThat(index).isGreaterThanOrEqualTo(0);
      assertThat(table.valueAt(index)).isSameAs(e.getValue().value);
      if (e.getValue().expire != 0) {
        volatileKeys++;
      }
    }
    assertThat(table.volatileCount()).isEqualTo(volatileKeys);
    int occupied = 0;
    for (int i = 0; i < table.capacity(); i++) {
      if (table.keyAt(i) != null) {
        occupied++;
      }
    }
    assertThat(occupied).isEqualTo(model.size());
  }
}
