package io.shoal.server.command.list;

import static io.shoal.server.command.list.ListCommandsTest.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.blocking.BlockingRegistry;
import io.shoal.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.shoal.server.client.ClientConnection;
import redis.clients.jedis.exceptions.JedisDataException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Many producers and blocked consumers on a few keys at once: every pushed element must be
 * delivered exactly once, whichever path takes it (served at once, served after blocking, moved
 * through BLMOVE to a sink list).
 */
class BlockingListConcurrencyTest {
  static final String[] KEYS = {"q1", "q2", "q3"};

  @Test
  void everyElementIsDeliveredExactlyOnce() throws Exception {
    int producers = 4;
    int perProducer = 1500;
    int consumers = 8;
    int total = producers * perProducer;
    Map<String, Integer> delivered = new ConcurrentHashMap<>();
    AtomicInteger count = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(producers + consumers);
    try (TestServer server = TestServer.start()) {
      List<Future<?>> consumerTasks = new ArrayList<>();
      List<Future<?>> producerTasks = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      for (int c = 0; c < consumers; c++) {
        int consumer = c;
        consumerTasks.add(threads.submit(() -> {
          try (Jedis jedis = server.jedis()) {
            while (!stop.get()) {
              List<String> taken;
              try {
                taken = take(jedis, consumer);
              } catch (JedisDataException unblocked) {
                continue;
              }
              for (String element : taken) {
                delivered.merge(element, 1, Integer::sum);
                count.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (int p = 0; p < producers; p++) {
        int producer = p;
        producerTasks.add(threads.submit(() -> {
          try (Jedis jedis = server.jedis()) {
            for (int i = 0; i < perProducer; i++) {
              String key = KEYS[(producer + i) % KEYS.length];
              if (i % 2 == 0) {
                jedis.rpush(key, producer + ":" + i);
              } else {
                jedis.lpush(key, producer + ":" + i);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> task : producerTasks) {
        task.get(60, TimeUnit.SECONDS);
      }
      // Consumers wait forever (timeout 0): a lost wake-up would leave elements behind for good.
      BlockingListCommandsTest.waitUntil(() -> count.get() >= total);
      stop.set(true);
      BlockingRegistry registry = server.server().module(BlockingRegistry.class);
      for (Future<?> task : consumerTasks) {
        while (!task.isDone()) {
          for (ClientConnection client : server.server().clients().all()) {
            registry.unblock(client.id(), true);
          }
          Thread.sleep(1);
        }
        task.get();
      }
      assertThat(count.get()).isEqualTo(total);
      assertThat(delivered).hasSize(total);
      assertThat(delivered.values()).allMatch(times -> times == 1);
      assertThat(server.server().module(BlockingRegistry.class).blockedClients()).isZero();
      for (String key : KEYS) {
        assertThat(server.server().keyspace().db(0).exists(key.getBytes())).isFalse();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** One take with a consumer-specific command; BLMOVE consumers drain their own sink list. */
  @SuppressWarnings("unchecked")
  private static List<String> take(Jedis jedis, int consumer) {
    switch (consumer % 4) {
      case 0: {
        List<String> reply = (List<String>) call(jedis, "BLPOP", "q1", "q2", "q3", "0");
        return reply == null ? List.of() : List.of(reply.get(1));
      }
      case 1: {
        List<String> reply = (List<String>) call(jedis, "BRPOP", "q3", "q2", "q1", "0");
        return reply == null ? List.of() : List.of(reply.get(1));
      }
      case 2: {
        List<Object> reply = (List<Object>) call(jedis, "BLMPOP", "0", "3", "q2", "q1", "q3", "LEFT", "COUNT", "3");
        return reply == null ? List.of() : (List<String>) reply.get(1);
      }
      default: {
        String sink = "sink" + consumer;
        Object moved = call(jedis, "BLMOVE", KEYS[consumer % KEYS.length], sink, "LEFT", "RIGHT", "0");
        if (moved == null) {
          return List.of();
        }
        String popped = (String) call(jedis, "RPOP", sink);
        assertThat(popped).isEqualTo(moved);
        return List.of(popped);
      }
    }
  }
}
