package io.shoal.server.command.list;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shoal.server.testing.RealRedis;
import io.shoal.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Range and pop replies of lists (written in one staged pass, {@code Reply.bulks}) are byte for
 * byte what real Redis sends for the same pipelines, in RESP2 and RESP3: elements of every
 * framing size (empty, one to five digits of length, longer than the reply's staging array),
 * ranges that cross the ring's wrap, replies of many kilobytes.
 */
class ListRepliesDifferentialTest {
  private static final String MARKER = "end-of-pipeline";
  private static final int[] LENGTHS = {0, 1, 3, 9, 10, 99, 100, 511, 512, 1000, 9999, 10000, 17000, 70000};

  @Test
  void rangeAndPopRepliesAreRedissInBothProtocols(@TempDir Path dir) throws Exception {
    assumeTrue(RealRedis.available());
    try (TestServer shoal = TestServer.start(); RealRedis redis = RealRedis.start(dir, "redis.rdb");
        Socket toShoal = new Socket("127.0.0.1", shoal.port()); Socket toRedis = new Socket("127.0.0.1", redis.port())) {
      toShoal.setSoTimeout(10_000);
      toRedis.setSoTimeout(10_000);
      Random random = new Random(7);
      for (String protocol : List.of("2", "3")) {
        exchange(toShoal, resp(List.of("HELLO", protocol)));
        exchange(toRedis, resp(List.of("HELLO", protocol)));
        for (int round = 0; round < 30; round++) {
          StringBuilder pipeline = new StringBuilder();
          for (int i = 0; i < 40; i++) {
            pipeline.append(resp(randomRequest(random)));
          }
          String expected = exchange(toRedis, pipeline.toString());
          assertThat(exchange(toShoal, pipeline.toString())).as("RESP%s round %d", protocol, round).isEqualTo(expected);
        }
      }
    }
  }

  private static List<String> randomRequest(Random random) {
    String key = "l" + random.nextInt(3);
    switch (random.nextInt(9)) {
      case 0: case 1: case 2: {
        List<String> push = new ArrayList<>(List.of(random.nextBoolean() ? "LPUSH" : "RPUSH", key));
        // Now and then a long run of short elements (multi-kilobyte ranges), else a few of any size.
        boolean many = random.nextInt(10) == 0;
        int count = many ? 200 + random.nextInt(500) : 1 + random.nextInt(8);
        for (int i = 0; i < count; i++) {
          push.add(many ? element(random, random.nextInt(12)) : element(random));
        }
        return push;
      }
      case 3: case 4:
        return List.of("LRANGE", key, Integer.toString(random.nextInt(40) - 20), Integer.toString(random.nextInt(800) - 100));
      case 5:
        return random.nextBoolean() ? List.of("LRANGE", key, "0", "-1") : List.of("LTRIM", key, "0", "1499");
      case 6:
        return List.of(random.nextBoolean() ? "LPOP" : "RPOP", key, Integer.toString(random.nextInt(300)));
      case 7:
        return List.of("LMPOP", "2", "nokey", key, random.nextBoolean() ? "LEFT" : "RIGHT", "COUNT",
            Integer.toString(1 + random.nextInt(20)));
      default:
        return List.of(random.nextBoolean() ? "LPOP" : "RPOP", key);
    }
  }

  private static String element(Random random) {
    return element(random, random.nextInt(6) == 0 ? LENGTHS[random.nextInt(LENGTHS.length)] : random.nextInt(12));
  }

  private static String element(Random random, int length) {
    char[] text = new char[length];
    Arrays.fill(text, (char) ('a' + random.nextInt(26)));
    return new String(text);
  }

  /** Writes the requests and a marker in one piece, returns everything read before the marker's reply. */
  private static String exchange(Socket socket, String requests) throws IOException {
    byte[] end = ("$" + MARKER.length() + "\r\n" + MARKER + "\r\n").getBytes(StandardCharsets.US_ASCII);
    socket.getOutputStream().write((requests + resp(List.of("ECHO", MARKER))).getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    byte[] read = new byte[65536];
    int size = 0;
    // RESP framing makes the marker's reply, at the very end, unambiguous.
    while (size < end.length || !Arrays.equals(read, size - end.length, size, end, 0, end.length)) {
      if (size == read.length) {
        read = Arrays.copyOf(read, size * 2);
      }
      int n = in.read(read, size, read.length - size);
      if (n < 0) {
        throw new IOException("closed after " + size + " bytes");
      }
      size += n;
    }
    return new String(read, 0, size - end.length, StandardCharsets.ISO_8859_1);
  }

  private static String resp(List<String> args) {
    StringBuilder text = new StringBuilder("*").append(args.size()).append("\r\n");
    for (String arg : args) {
      text.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    return text.toString();
  }
}
