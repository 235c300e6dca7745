package io.shoal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Kill -9 under write load, restart, and check the acknowledged writes: with {@code appendfsync
 * always} every one must be there; with {@code everysec} at most about a second may be lost (none
 * is, for a process crash, because Shoal writes each record to the kernel before replying; the
 * second is the bound for an operating-system crash, which this test cannot cause).
 */
class CrashRecoveryTest {
  private static final class Node implements AutoCloseable {
    final Process process;
    final int port;

    Node(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Node start(Path dir, String fsync) throws IOException {
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), CrashNode.class.getName(),
          "dir", dir.toString(), "save", "", "appendonly", "yes", "appendfsync", fsync));
      Process process = new ProcessBuilder(command)
          .redirectError(dir.resolve("node.err").toFile()).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
      String line = out.readLine();
      if (line == null || !line.startsWith("PORT ")) {
        process.destroyForcibly();
        throw new IOException("node did not start: " + line + " " + java.nio.file.Files.readString(dir.resolve("node.err")));
      }
      return new Node(process, Integer.parseInt(line.substring(5).trim()));
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"always", "everysec"})
  void acknowledgedWritesSurviveKillNine(String fsync, @TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<String> acknowledged = new ArrayList<>();
    List<Long> acknowledgedAtNanos = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      try (Node node = Node.start(dir, fsync)) {
        try (Jedis warmUp = new Jedis("127.0.0.1", node.port, 5_000)) {
          warmUp.set("warm-up", "yes");
        }
        long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(900));
        Thread killer = new Thread(() -> {
          try {
            long wait = killAt - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          node.process.destroyForcibly();
        });
        killer.start();
        try (Jedis jedis = new Jedis("127.0.0.1", node.port, 5_000)) {
          for (int i = 0; ; i++) {
            String key = "r" + round + ":" + i;
            jedis.set(key, "value-" + i);
            acknowledged.add(key);
            acknowledgedAtNanos.add(System.nanoTime());
          }
        } catch (RuntimeException expected) {
          // The node died under the client.
        }
        killer.join();
        node.process.waitFor(20, TimeUnit.SECONDS);
      }
    }
    try (Node node = Node.start(dir, fsync); Jedis jedis = new Jedis("127.0.0.1", node.port, 5_000)) {
      List<String> lost = new ArrayList<>();
      for (int i = 0; i < acknowledged.size(); i++) {
        String key = acknowledged.get(i);
        String expected = "value-" + key.substring(key.indexOf(':') + 1);
        if (!expected.equals(jedis.get(key))) {
          lost.add(key);
        }
      }
      assertThat(acknowledged).as("seed " + seed).hasSizeGreaterThan(20);
      if (fsync.equals("always")) {
        assertThat(lost).as("seed " + seed).isEmpty();
      } else {
        // At most about one second of writes before each kill.
        long lastSecondWrites = acknowledgedAtNanos.stream()
            .filter(t -> t > acknowledgedAtNanos.get(acknowledgedAtNanos.size() - 1) - 1_500_000_000L).count();
        assertThat((long) lost.size()).as("seed " + seed).isLessThanOrEqualTo(2 * lastSecondWrites);
      }
    }
  }
}
