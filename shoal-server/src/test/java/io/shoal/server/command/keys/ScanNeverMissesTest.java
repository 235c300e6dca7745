package io.shoal.server.command.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * SCAN's guarantee: a key present from the first call to the last is returned, however many
 * other keys are inserted and deleted meanwhile (which makes slot tables grow and shrink).
 */
class ScanNeverMissesTest {
  @Test
  void stableKeysAreAlwaysReturnedDespiteConcurrentChurn() throws Exception {
    try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
      Set<String> stable = new HashSet<>();
      for (int i = 0; i < 2000; i++) {
        stable.add("stable:" + i);
        jedis.set("stable:" + i, "v");
      }
      AtomicBoolean running = new AtomicBoolean(true);
      Thread churn = new Thread(() -> {
        try (Jedis writer = server.jedis()) {
          int n = 0;
          while (running.get()) {
            writer.set("churn:" + (n % 5000), "x");
            if (n % 3 == 0) {
              writer.del("churn:" + ((n / 3) % 5000));
            }
            n++;
          }
        }
      });
      churn.start();
      try {
        for (int round = 0; round < 3; round++) {
          Set<String> seen = new HashSet<>();
          String cursor = "0";
          int calls = 0;
          do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(50));
            seen.addAll(page.getResult());
            cursor = page.getCursor();
            assertThat(++calls).isLessThan(100_000);
          } while (!cursor.equals("0"));
          assertThat(seen).containsAll(stable);
        }
      } finally {
        running.set(false);
        churn.join(10_000);
      }
      assertThat(churn.isAlive()).isFalse();
    }
  }
}
