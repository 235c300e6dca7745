package io.shoal.server.command.hash;

import static io.shoal.server.command.hash.ModelReplies.WRONGTYPE;
import static io.shoal.server.command.hash.ModelReplies.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import redis.clients.jedis.Jedis;

/**
 * Random sequences of hash commands run against Shoal and against a HashMap model; every reply
 * must match. Small encoding limits make the sequences cross listpack/hashtable conversions.
 * Key "s" holds a string, so WRONGTYPE is exercised too. Each try uses fresh keys.
 */
class HashCommandsModelTest {
  static TestServer server;
  static Jedis jedis;
  static final AtomicInteger tries = new AtomicInteger();

  @BeforeContainer
  static void start() {
    server = TestServer.start("hash-max-listpack-entries", "3", "hash-max-listpack-value", "8");
    jedis = server.jedis();
  }

  @AfterContainer
  static void stop() {
    jedis.close();
    server.close();
  }

  @Provide
  Arbitrary<List<String[]>> commands() {
    Arbitrary<String> key = Arbitraries.of("a", "b", "s");
    Arbitrary<String> field = Arbitraries.of("f1", "f2", "f3", "f4", "f5", "a-longer-field");
    Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("1", "-5", "0", "9223372036854775807", "1.5", "007"),
        Arbitraries.strings().alpha().ofMaxLength(12));
    Arbitrary<String> increment = Arbitraries.of("1", "-1", "100", "9223372036854775807", "-9223372036854775808", "x");
    Arbitrary<String> count = Arbitraries.of("0", "1", "2", "5", "-1", "-4");
    Arbitrary<String[]> command = Arbitraries.oneOf(
        Combinators.combine(key, field, value).as((k, f, v) -> new String[] {"HSET", k, f, v}),
        Combinators.combine(key, field, value, field, value).as((k, f, v, g, w) -> new String[] {"HSET", k, f, v, g, w}),
        Combinators.combine(key, field, value).as((k, f, v) -> new String[] {"HMSET", k, f, v}),
        Combinators.combine(key, field, value).as((k, f, v) -> new String[] {"HSETNX", k, f, v}),
        Combinators.combine(key, field).as((k, f) -> new String[] {"HGET", k, f}),
        Combinators.combine(key, field, field).as((k, f, g) -> new String[] {"HMGET", k, f, g}),
        Combinators.combine(key, field, field).as((k, f, g) -> new String[] {"HDEL", k, f, g}),
        Combinators.combine(key, field).as((k, f) -> new String[] {"HEXISTS", k, f}),
        Combinators.combine(key, field).as((k, f) -> new String[] {"HSTRLEN", k, f}),
        key.map(k -> new String[] {"HLEN", k}),
        key.map(k -> new String[] {"HKEYS", k}),
        key.map(k -> new String[] {"HVALS", k}),
        key.map(k -> new String[] {"HGETALL", k}),
        key.map(k -> new String[] {"HSCAN", k}),
        Combinators.combine(key, field, increment).as((k, f, i) -> new String[] {"HINCRBY", k, f, i}),
        Combinators.combine(key, count).as((k, n) -> new String[] {"HRANDFIELD", k, n}));
    return command.list().ofMinSize(1).ofMaxSize(50);
  }

  @Property(tries = 150)
  void repliesMatchAHashMapModel(@ForAll("commands") List<String[]> commands) {
    String prefix = "t" + tries.incrementAndGet() + ":";
    jedis.set(prefix + "s", "string");
    Map<String, Map<String, String>> model = new HashMap<>();
    for (String[] command : commands) {
      String[] request = command.clone();
      request[1] = prefix + command[1];
      String key = command[1];
      if (command[0].equals("HSCAN")) {
        checkScan(request[1], key, model);
        continue;
      }
      if (command[0].equals("HRANDFIELD") && !key.equals("s")) {
        checkRandom(call(jedis, request), model.get(key), Long.parseLong(command[2]));
        continue;
      }
      Object expected = expected(command, model);
      Object actual = call(jedis, request);
      if (List.of("HKEYS", "HVALS").contains(command[0]) && actual instanceof List) {
        actual = sorted((List<?>) actual);
      }
      if (command[0].equals("HGETALL") && actual instanceof List) {
        actual = toMap((List<?>) actual);
      }
      assertThat(actual).as(String.join(" ", command)).isEqualTo(expected);
    }
  }

  private static List<String> sorted(List<?> values) {
    List<String> result = new ArrayList<>();
    values.forEach(v -> result.add((String) v));
    result.sort(null);
    return result;
  }

  private static Map<String, String> toMap(List<?> flat) {
    Map<String, String> map = new TreeMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      map.put((String) flat.get(i), (String) flat.get(i + 1));
    }
    return map;
  }

  private static void checkScan(String realKey, String key, Map<String, Map<String, String>> model) {
    if (key.equals("s")) {
      assertThat(call(jedis, "HSCAN", realKey, "0")).isEqualTo(WRONGTYPE);
      return;
    }
    Map<String, String> seen = new TreeMap<>();
    String cursor = "0";
    int calls = 0;
    do {
      List<?> page = (List<?>) call(jedis, "HSCAN", realKey, cursor, "COUNT", "1");
      cursor = (String) page.get(0);
      seen.putAll(toMap((List<?>) page.get(1)));
      calls++;
    } while (!cursor.equals("0") && calls < 1000);
    assertThat(seen).isEqualTo(new TreeMap<>(model.getOrDefault(key, Map.of())));
  }

  private static void checkRandom(Object reply, Map<String, String> hash, long count) {
    List<?> fields = (List<?>) reply;
    int size = hash == null ? 0 : hash.size();
    if (count >= 0) {
      assertThat(fields).hasSize((int) Math.min(count, size)).doesNotHaveDuplicates();
    } else {
      assertThat(fields).hasSize(size == 0 ? 0 : (int) -count);
    }
    if (hash != null) {
      assertThat(hash.keySet()).containsAll(new HashSet<>(fields.stream().map(f -> (String) f).toList()));
    }
  }

  /** The model: what Redis replies, computed from a map of maps. */
  private static Object expected(String[] c, Map<String, Map<String, String>> model) {
    String key = c[1];
    if (c[0].equals("HINCRBY") && !ModelReplies.isCanonicalLong(c[3])) {
      return "!ERR value is not an integer or out of range";
    }
    if (key.equals("s")) {
      return WRONGTYPE;
    }
    Map<String, String> hash = model.get(key);
    Map<String, String> view = hash == null ? Map.of() : hash;
    switch (c[0]) {
      case "HSET":
      case "HMSET": {
        Map<String, String> target = model.computeIfAbsent(key, k -> new HashMap<>());
        long created = 0;
        for (int i = 2; i < c.length; i += 2) {
          if (target.put(c[i], c[i + 1]) == null) {
            created++;
          }
        }
        return c[0].equals("HSET") ? (Object) created : "OK";
      }
      case "HSETNX":
        if (view.containsKey(c[2])) {
          return 0L;
        }
        model.computeIfAbsent(key, k -> new HashMap<>()).put(c[2], c[3]);
        return 1L;
      case "HGET":
        return view.get(c[2]);
      case "HMGET": {
        List<Object> values = new ArrayList<>();
        values.add(view.get(c[2]));
        values.add(view.get(c[3]));
        return values;
      }
      case "HDEL": {
        long deleted = 0;
        for (int i = 2; i < c.length; i++) {
          if (hash != null && hash.remove(c[i]) != null) {
            deleted++;
          }
        }
        if (hash != null && hash.isEmpty()) {
          model.remove(key);
        }
        return deleted;
      }
      case "HEXISTS":
        return view.containsKey(c[2]) ? 1L : 0L;
      case "HSTRLEN":
        return view.containsKey(c[2]) ? (long) view.get(c[2]).length() : 0L;
      case "HLEN":
        return (long) view.size();
      case "HKEYS":
        return sorted(new ArrayList<>(view.keySet()));
      case "HVALS":
        return sorted(new ArrayList<>(view.values()));
      case "HGETALL":
        return new TreeMap<>(view);
      case "HINCRBY": {
        long increment = Long.parseLong(c[3]);
        String old = view.get(c[2]);
        if (old != null && !ModelReplies.isCanonicalLong(old)) {
          return "!ERR hash value is not an integer";
        }
        long current = old == null ? 0 : Long.parseLong(old);
        long result;
        try {
          result = Math.addExact(current, increment);
        } catch (ArithmeticException e) {
          return "!ERR increment or decrement would overflow";
        }
        model.computeIfAbsent(key, k -> new HashMap<>()).put(c[2], Long.toString(result));
        return result;
      }
      default:
        throw new IllegalArgumentException(c[0]);
    }
  }
}
