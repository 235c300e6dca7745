package io.shoal.server.command.string;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Sends raw commands through Jedis and turns replies into plain values (String, Long, List), and
 * errors into their text prefixed with "!", so a test can state Redis's exact reply in one line.
 */
public final class Calls {
  private Calls() {}

  public static Object call(Jedis jedis, String... args) {
    byte[][] rest = new byte[args.length - 1][];
    for (int i = 1; i < args.length; i++) {
      rest[i - 1] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    try {
      return plain(jedis.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8), rest));
    } catch (JedisDataException e) {
      return "!" + e.getMessage();
    }
  }

  public static Object plain(Object reply) {
    if (reply instanceof byte[]) {
      return new String((byte[]) reply, StandardCharsets.UTF_8);
    }
    if (reply instanceof List) {
      List<Object> list = new ArrayList<>();
      for (Object item : (List<?>) reply) {
        list.add(plain(item));
      }
      return list;
    }
    return reply;
  }

  public static List<Object> list(Object... items) {
    return Arrays.asList(items);
  }

  /** Stores a non-string value (a hash-typed stand-in) so WRONGTYPE paths can be tested. */
  public static void putHash(io.shoal.server.ShoalServer server, int db, String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int slot = io.shoal.server.slot.KeySlot.of(bytes);
    server.keyspace().locks().lockSlot(slot);
    try {
      server.keyspace().db(db).set(bytes, new FakeHash());
    } finally {
      server.keyspace().locks().unlockSlot(slot);
    }
  }

  /** A one-element collection reporting type hash. */
  public static final class FakeHash extends io.shoal.server.keyspace.CollectionValue {
    @Override
    public io.shoal.server.keyspace.ValueType type() {
      return io.shoal.server.keyspace.ValueType.HASH;
    }

    @Override
    public String encoding() {
      return "listpack";
    }

    @Override
    public long memoryBytes() {
      return 64;
    }

    @Override
    public long length() {
      return 1;
    }

    @Override
    public io.shoal.server.keyspace.CollectionValue copy() {
      return new FakeHash();
    }
  }
}
