package io.shoal.server.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shoal.server.testing.RealRedis;
import io.shoal.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines of hash, set and sorted-set requests on large collections (walked ahead by the
 * connection's member prefetch, the sorted set's pops by the entries they will take) get byte
 * for byte the replies real Redis gives to the same input, errors and wrong types included. Each
 * pipeline is written in one piece so that it is parsed ahead.
 */
class MemberPrefetchPipelineTest {
  private static final String MARKER = "end-of-pipeline";

  @Test
  void repliesAreRedissAcrossPipelinesOfHashSetAndSortedSetRequests(@TempDir Path dir) throws Exception {
    assumeTrue(RealRedis.available());
    try (TestServer shoal = TestServer.start(); RealRedis redis = RealRedis.start(dir, "redis.rdb");
        Socket toShoal = new Socket("127.0.0.1", shoal.port()); Socket toRedis = new Socket("127.0.0.1", redis.port())) {
      toShoal.setSoTimeout(10_000);
      toRedis.setSoTimeout(10_000);
      StringBuilder setup = new StringBuilder();
      for (int i = 0; i < 2000; i += 100) {
        List<String> hset = new ArrayList<>(List.of("HSET", "h"));
        List<String> sadd = new ArrayList<>(List.of("SADD", "s"));
        List<String> zadd = new ArrayList<>(List.of("ZADD", "z"));
        for (int j = i; j < i + 100; j++) {
          hset.add("f" + j);
          hset.add(Integer.toString(j));
          sadd.add("m" + j);
          zadd.add(Integer.toString(j * 7919 % 300));
          zadd.add("m" + j);
        }
        setup.append(resp(hset)).append(resp(sadd)).append(resp(zadd));
      }
      setup.append(resp(List.of("SET", "str", "x"))).append(resp(List.of("HSET", "t", "a", "1")));
      assertThat(exchange(toShoal, setup.toString())).isEqualTo(exchange(toRedis, setup.toString()));

      Random random = new Random(42);
      for (int round = 0; round < 40; round++) {
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < 64; i++) {
          pipeline.append(resp(randomRequest(random)));
        }
        String expected = exchange(toRedis, pipeline.toString());
        assertThat(exchange(toShoal, pipeline.toString())).as("round " + round).isEqualTo(expected);
      }
    }
  }

  /**
   * SPOP's pipelined batches start from buckets drawn ahead by the prefetch: each pop still takes
   * a different member of the set, and the set empties exactly, past its end too.
   */
  @Test
  void pipelinedSpopsTakeEveryMemberOnce() throws Exception {
    try (TestServer shoal = TestServer.start(); Socket socket = new Socket("127.0.0.1", shoal.port())) {
      socket.setSoTimeout(10_000);
      StringBuilder setup = new StringBuilder();
      for (int i = 0; i < 3000; i += 100) {
        List<String> sadd = new ArrayList<>(List.of("SADD", "s"));
        for (int j = i; j < i + 100; j++) {
          sadd.add("m" + j);
        }
        setup.append(resp(sadd));
      }
      exchange(socket, setup.toString());
      java.util.Set<String> popped = new java.util.HashSet<>();
      for (int round = 0; round < 50; round++) {
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < 64; i++) {
          pipeline.append(resp(List.of("SPOP", "s")));
        }
        for (String line : exchange(socket, pipeline.toString()).split("\r\n")) {
          if (line.startsWith("m")) {
            assertThat(popped.add(line)).as("popped twice: " + line).isTrue();
          } else {
            assertThat(line).matches("\\$\\d+|\\$-1");
          }
        }
      }
      assertThat(popped).hasSize(3000);
      assertThat(exchange(socket, resp(List.of("EXISTS", "s")))).isEqualTo(":0\r\n");
    }
  }

  private static List<String> randomRequest(Random random) {
    String field = "f" + random.nextInt(2500);
    String member = "m" + random.nextInt(2500);
    String key = random.nextInt(20) == 0 ? "str" : random.nextInt(20) == 0 ? "t" : null;
    switch (random.nextInt(24)) {
      case 0: return List.of("HSET", key == null ? "h" : key, field, "v" + random.nextInt(100));
      case 1: return List.of("HGET", key == null ? "h" : key, field);
      case 2: return List.of("HDEL", key == null ? "h" : key, field);
      case 3: return List.of("HEXISTS", key == null ? "h" : key, field);
      case 4: return List.of("HINCRBY", key == null ? "h" : key, field, "3");
      case 5: return List.of("HSETNX", "h", field, "n");
      case 6: return List.of("HSTRLEN", "h", field);
      case 7: return List.of("SADD", key == null ? "s" : key, member);
      case 8: return List.of("SREM", key == null ? "s" : key, member);
      case 9: return List.of("SISMEMBER", key == null ? "s" : key, member);
      case 10: return List.of("SMOVE", "s", "s2", member);
      case 11: return List.of("SMISMEMBER", "s", member, "m1");
      case 12: return List.of("HSET", "h", field); // wrong number of arguments
      case 13: return List.of("ZADD", key == null ? "z" : key, Integer.toString(random.nextInt(300)), member);
      case 14: return List.of("ZSCORE", key == null ? "z" : key, member);
      case 15: return List.of("ZREM", "z", member);
      case 16: return List.of("ZINCRBY", "z", "5", member);
      case 17: case 18: return List.of("ZPOPMIN", key == null ? "z" : key);
      case 19: return List.of("ZPOPMAX", "z");
      case 20: return List.of("ZPOPMIN", "z", "3");
      case 21: return List.of("ZRANK", "z", member);
      case 22: return List.of("ZADD", "z", "NX", "7", member);
      default: return List.of("HMGET", "h", field, "f1");
    }
  }

  /** Writes the requests and a marker in one piece, returns everything read before the marker's reply. */
  private static String exchange(Socket socket, String requests) throws IOException {
    String end = "$" + MARKER.length() + "\r\n" + MARKER + "\r\n";
    socket.getOutputStream().write((requests + resp(List.of("ECHO", MARKER))).getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[65536];
    while (!read.toString(StandardCharsets.UTF_8).endsWith(end)) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("closed after " + read);
      }
      read.write(buffer, 0, n);
    }
    String text = read.toString(StandardCharsets.UTF_8);
    return text.substring(0, text.length() - end.length());
  }

  private static String resp(List<String> args) {
    StringBuilder text = new StringBuilder("*").append(args.size()).append("\r\n");
    for (String arg : args) {
      text.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    return text.toString();
  }
}
