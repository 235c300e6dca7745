package io.shoal.server.command.hyperloglog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shoal.server.command.zset.RealRedis;
import io.shoal.server.command.zset.RespConnection;
import io.shoal.server.testing.TestServer;
import io.shoal.server.types.hyperloglog.HyperLogLog;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PFADD, PFCOUNT and PFMERGE against a real redis-server with the same random operations, then
 * each side's values are copied to the other: counts and registers must agree both ways.
 */
class HyperLogLogDifferentialTest {
  @Test
  void shoalAndRedisAgreeAndReadEachOthersValues() throws Exception {
    assumeTrue(RealRedis.available(), "redis-server not installed");
    Random random = new Random(7);
    try (RealRedis redis = RealRedis.start();
        TestServer shoal = TestServer.start();
        RespConnection ours = new RespConnection(shoal.port());
        RespConnection theirs = new RespConnection(redis.port())) {
      String[] keys = {"{h}0", "{h}1", "{h}2"};
      for (int step = 0; step < 600; step++) {
        String key = keys[random.nextInt(keys.length)];
        String[] command;
        int kind = random.nextInt(10);
        if (kind < 7) {
          int count = 1 + random.nextInt(step < 300 ? 5 : 200);
          command = new String[2 + count];
          command[0] = "PFADD";
          command[1] = key;
          for (int i = 0; i < count; i++) {
            command[2 + i] = "e" + random.nextInt(step < 300 ? 2000 : 50_000);
          }
        } else if (kind < 9) {
          command = new String[] {"PFCOUNT", key, keys[random.nextInt(keys.length)]};
        } else {
          command = new String[] {"PFMERGE", key, keys[random.nextInt(keys.length)]};
        }
        assertThat(ours.call(command)).as("step %d %s", step, command[0]).isEqualTo(theirs.call(command));
      }
      for (String key : keys) {
        byte[] ourValue = bytes(ours.call("GET", key));
        byte[] theirValue = bytes(theirs.call("GET", key));
        assertThat(HyperLogLog.registers(ourValue)).isEqualTo(HyperLogLog.registers(theirValue));
        ours.call("SET".getBytes(StandardCharsets.US_ASCII), ("redis" + key).getBytes(StandardCharsets.US_ASCII), theirValue);
        theirs.call("SET".getBytes(StandardCharsets.US_ASCII), ("shoal" + key).getBytes(StandardCharsets.US_ASCII), ourValue);
        String expected = theirs.call("PFCOUNT", key);
        assertThat(ours.call("PFCOUNT", "redis" + key)).isEqualTo(expected);
        assertThat(theirs.call("PFCOUNT", "shoal" + key)).isEqualTo(expected);
        assertThat(ours.call("PFADD", "redis" + key, "fresh-element")).isEqualTo(theirs.call("PFADD", "shoal" + key, "fresh-element"));
      }
    }
  }

  @Test
  void pfdebugAgreesWithRedis() throws Exception {
    assumeTrue(RealRedis.available(), "redis-server not installed");
    try (RealRedis redis = RealRedis.start();
        TestServer shoal = TestServer.start();
        RespConnection ours = new RespConnection(shoal.port());
        RespConnection theirs = new RespConnection(redis.port())) {
      String[][] script = {
          {"PFDEBUG", "ENCODING", "nokey"},
          {"PFADD", "h", "a", "b", "c", "hello", "world"},
          {"PFDEBUG", "ENCODING", "h"},
          {"PFDEBUG", "DECODE", "h"},
          {"PFDEBUG", "NOPE", "h"},
          {"PFDEBUG", "GETREG", "h"},
          {"PFDEBUG", "ENCODING", "h"},
          {"PFDEBUG", "TODENSE", "h"},
          {"PFDEBUG", "DECODE", "h"},
          {"PFCOUNT", "h"},
          {"PFADD", "h2", "x"},
          {"PFDEBUG", "TODENSE", "h2"},
          {"SET", "s", "not an hll"},
          {"PFDEBUG", "ENCODING", "s"},
      };
      for (String[] command : script) {
        assertThat(ours.call(command)).as(String.join(" ", command)).isEqualTo(theirs.call(command));
      }
    }
  }

  private static byte[] bytes(String bulk) {
    assertThat(bulk).startsWith("$HYLL");
    return bulk.substring(1).getBytes(StandardCharsets.ISO_8859_1);
  }
}
