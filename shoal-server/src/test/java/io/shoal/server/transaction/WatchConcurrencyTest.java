package io.shoal.server.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Many clients increment one counter with WATCH/GET/MULTI/SET/EXEC. Optimistic locking is right
 * exactly when no increment is lost: the final value equals the number of EXECs that ran.
 */
class WatchConcurrencyTest {
  @Test
  void everySuccessfulExecIsOneIncrement() throws Exception {
    int clients = 8;
    int attempts = 150;
    try (TestServer server = TestServer.start("io-threads", "4")) {
      try (Jedis jedis = server.jedis()) {
        jedis.set("counter", "0");
      }
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          results.add(pool.submit(() -> {
            int succeeded = 0;
            try (Jedis jedis = server.jedis()) {
              for (int attempt = 0; attempt < attempts; attempt++) {
                jedis.watch("counter");
                long value = Long.parseLong(jedis.get("counter"));
                Transaction transaction = jedis.multi();
                transaction.set("counter", Long.toString(value + 1));
                if (transaction.exec() != null) {
                  succeeded++;
                }
              }
            }
            return succeeded;
          }));
        }
        int total = 0;
        for (Future<Integer> result : results) {
          total += result.get(120, TimeUnit.SECONDS);
        }
        try (Jedis jedis = server.jedis()) {
          assertThat(total).isPositive();
          assertThat(Long.parseLong(jedis.get("counter"))).isEqualTo(total);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
