package io.shoal.server.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.testing.TestServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * io-spin-micros: an I/O thread polls for that long after a busy iteration before it blocks. The
 * polling must end: a node that has just served requests and then sees none uses no CPU.
 */
class IoSpinTest {
  @Test
  void anIdleNodeStopsPollingAfterTheWindow() throws Exception {
    try (TestServer server = TestServer.start("io-spin-micros", "1000"); Jedis jedis = server.jedis()) {
      for (int i = 0; i < 2000; i++) {
        jedis.set("key" + i, "value");
      }
      assertThat(jedis.get("key1999")).isEqualTo("value");
      assertThat(jedis.configGet("io-spin-micros")).containsEntry("io-spin-micros", "1000");
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      List<Long> ioThreads = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
          .filter(info -> info != null && info.getThreadName().startsWith("multiThreadIoEventLoopGroup"))
          .map(info -> info.getThreadId())
          .toList();
      assertThat(ioThreads).isNotEmpty();
      Thread.sleep(50); // past the 1 ms window
      long before = ioThreads.stream().mapToLong(threads::getThreadCpuTime).sum();
      Thread.sleep(500);
      long after = ioThreads.stream().mapToLong(threads::getThreadCpuTime).sum();
      // Polling without end would cost ~500 ms of CPU here; the node's own timers cost a few.
      assertThat((after - before) / 1_000_000).isLessThan(100);
    }
  }

  @Test
  void theWindowIsSetAtStartUpOnly() {
    try (TestServer server = TestServer.start("io-spin-micros", "0"); Jedis jedis = server.jedis()) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThatThrownBy(() -> jedis.configSet("io-spin-micros", "5")).hasMessageContaining("io-spin-micros");
    }
  }
}
