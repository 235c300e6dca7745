package io.shoal.server.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** Sends any command through Jedis as raw arguments, to test replies and errors Jedis has no method for. */
public final class RawCommands {
  private RawCommands() {}

  /** The raw reply (byte[], Long, List...) of the command {@code args[0]} with the rest as arguments. */
  public static Object call(Jedis jedis, String... args) {
    return jedis.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(args, 1, args.length));
  }

  /** Asserts that the command fails with exactly this error text. */
  public static void assertError(Jedis jedis, String message, String... args) {
    assertThatThrownBy(() -> call(jedis, args)).isInstanceOf(JedisDataException.class).hasMessage(message);
  }
}
