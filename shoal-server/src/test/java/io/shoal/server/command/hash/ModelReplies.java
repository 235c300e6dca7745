package io.shoal.server.command.hash;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Shared by the model-based tests: sends a raw command and turns its reply into plain Java values
 * a model can produce too (String for bulk and status, Long, null, List, "!message" for errors).
 */
public final class ModelReplies {
  public static final String WRONGTYPE = "!WRONGTYPE Operation against a key holding the wrong kind of value";

  private ModelReplies() {}

  public static Object call(Jedis jedis, String... args) {
    try {
      return normalise(jedis.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
          Arrays.copyOfRange(args, 1, args.length)));
    } catch (JedisDataException e) {
      return "!" + e.getMessage();
    }
  }

  static Object normalise(Object reply) {
    if (reply instanceof byte[]) {
      return new String((byte[]) reply, StandardCharsets.UTF_8);
    }
    if (reply instanceof List) {
      List<Object> list = new ArrayList<>();
      for (Object element : (List<?>) reply) {
        list.add(normalise(element));
      }
      return list;
    }
    return reply;
  }

  /** Redis's canonical integer (string2ll): the only texts HINCRBY and intsets treat as integers. */
  public static boolean isCanonicalLong(String text) {
    if (!text.matches("0|-?[1-9][0-9]{0,18}")) {
      return false;
    }
    try {
      Long.parseLong(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
