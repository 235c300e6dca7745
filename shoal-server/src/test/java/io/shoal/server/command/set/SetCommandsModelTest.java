package io.shoal.server.command.set;

import static io.shoal.server.command.hash.ModelReplies.WRONGTYPE;
import static io.shoal.server.command.hash.ModelReplies.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * Random sequences of set commands run against Shoal and against a TreeSet model; every reply
 * must match. Random replies (SPOP, SRANDMEMBER) are checked for their contract and SPOP's
 * result is applied to the model. Small limits make sequences cross intset, listpack and
 * hashtable; key "s" holds a string for WRONGTYPE. Each try uses fresh keys.
 */
class SetCommandsModelTest {
  static TestServer server;
  static Jedis jedis;
  static final AtomicInteger tries = new AtomicInteger();

  @BeforeContainer
  static void start() {
    server = TestServer.start("set-max-intset-entries", "4", "set-max-listpack-entries", "3",
        "set-max-listpack-value", "6");
    jedis = server.jedis();
  }

  @AfterContainer
  static void stop() {
    jedis.close();
    server.close();
  }

  @Provide
  Arbitrary<List<String[]>> commands() {
    Arbitrary<String> key = Arbitraries.of("{k}a", "{k}b", "{k}c", "{k}s");
    // STORE into the string key would replace it; keep "s" a string for the whole sequence.
    Arbitrary<String> destination = Arbitraries.of("{k}a", "{k}b", "{k}c", "{k}d");
    Arbitrary<String> member = Arbitraries.of("1", "2", "3", "10", "-7", "01", "x", "y", "a-long-member");
    Arbitrary<String> count = Arbitraries.of("0", "1", "2", "5", "-1", "-4");
    Arbitrary<String> limit = Arbitraries.of("0", "1", "2");
    Arbitrary<String> combine = Arbitraries.of("SINTER", "SUNION", "SDIFF");
    Arbitrary<String> store = Arbitraries.of("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE");
    Arbitrary<String[]> command = Arbitraries.oneOf(
        Combinators.combine(key, member).as((k, m) -> new String[] {"SADD", k, m}),
        Combinators.combine(key, member, member, member).as((k, m, n, o) -> new String[] {"SADD", k, m, n, o}),
        Combinators.combine(key, member, member).as((k, m, n) -> new String[] {"SREM", k, m, n}),
        Combinators.combine(key, member).as((k, m) -> new String[] {"SISMEMBER", k, m}),
        Combinators.combine(key, member, member).as((k, m, n) -> new String[] {"SMISMEMBER", k, m, n}),
        key.map(k -> new String[] {"SMEMBERS", k}),
        key.map(k -> new String[] {"SCARD", k}),
        key.map(k -> new String[] {"SSCAN", k, "0"}),
        key.map(k -> new String[] {"SPOP", k}),
        Combinators.combine(key, count).as((k, n) -> new String[] {"SPOP", k, n.replace("-", "")}),
        Combinators.combine(key, count).as((k, n) -> new String[] {"SRANDMEMBER", k, n}),
        Combinators.combine(key, key, member).as((k, d, m) -> new String[] {"SMOVE", k, d, m}),
        Combinators.combine(combine, key, key).as((op, k, l) -> new String[] {op, k, l}),
        Combinators.combine(store, destination, key, key).as((op, d, k, l) -> new String[] {op, d, k, l}),
        Combinators.combine(key, key, limit).as((k, l, n) -> new String[] {"SINTERCARD", "2", k, l, "LIMIT", n}));
    return command.list().ofMinSize(1).ofMaxSize(50);
  }

  @Property(tries = 150)
  void repliesMatchATreeSetModel(@ForAll("commands") List<String[]> commands) {
    String prefix = "t" + tries.incrementAndGet() + ":";
    jedis.set(prefix + "{k}s", "string");
    Map<String, TreeSet<String>> model = new HashMap<>();
    for (String[] command : commands) {
      String[] request = command.clone();
      for (int i = 1; i < request.length; i++) {
        if (request[i].startsWith("{k}")) {
          request[i] = prefix + request[i];
        }
      }
      String description = String.join(" ", command);
      Object actual = call(jedis, request);
      if (checkRandom(command, actual, model)) {
        continue;
      }
      if (command[0].equals("SSCAN") && actual instanceof List) {
        actual = scanAll(request[1]);
      }
      if (List.of("SMEMBERS", "SINTER", "SUNION", "SDIFF").contains(command[0]) && actual instanceof List) {
        actual = new TreeSet<>(strings((List<?>) actual));
      }
      assertThat(actual).as(description).isEqualTo(expected(command, model));
    }
  }

  private static List<String> strings(List<?> values) {
    List<String> result = new ArrayList<>();
    values.forEach(v -> result.add((String) v));
    return result;
  }

  private static TreeSet<String> scanAll(String realKey) {
    TreeSet<String> seen = new TreeSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      List<?> page = (List<?>) call(jedis, "SSCAN", realKey, cursor, "COUNT", "1");
      cursor = (String) page.get(0);
      seen.addAll(strings((List<?>) page.get(1)));
      calls++;
    } while (!cursor.equals("0") && calls < 1000);
    return seen;
  }

  /** SPOP and SRANDMEMBER: checks their contract and applies pops to the model; false for others. */
  private static boolean checkRandom(String[] c, Object actual, Map<String, TreeSet<String>> model) {
    if (!c[0].equals("SPOP") && !c[0].equals("SRANDMEMBER")) {
      return false;
    }
    if (c[1].equals("{k}s")) {
      assertThat(actual).isEqualTo(WRONGTYPE);
      return true;
    }
    TreeSet<String> set = model.get(c[1]);
    Set<String> view = set == null ? Set.of() : set;
    if (c.length == 2) {
      if (view.isEmpty()) {
        assertThat(actual).isNull();
      } else {
        assertThat(view).contains((String) actual);
        if (c[0].equals("SPOP")) {
          set.remove(actual);
        }
      }
    } else {
      List<String> members = strings((List<?>) actual);
      long count = Long.parseLong(c[2]);
      assertThat(view).containsAll(members);
      if (count >= 0) {
        assertThat(members).hasSize((int) Math.min(count, view.size())).doesNotHaveDuplicates();
      } else {
        assertThat(members).hasSize(view.isEmpty() ? 0 : (int) -count);
      }
      if (c[0].equals("SPOP") && set != null) {
        members.forEach(set::remove);
      }
    }
    if (set != null && set.isEmpty()) {
      model.remove(c[1]);
    }
    return true;
  }

  /** The model: what Redis replies, computed from sorted sets of strings. */
  private static Object expected(String[] c, Map<String, TreeSet<String>> model) {
    switch (c[0]) {
      case "SADD": {
        if (c[1].equals("{k}s")) {
          return WRONGTYPE;
        }
        TreeSet<String> set = model.computeIfAbsent(c[1], k -> new TreeSet<>());
        long added = 0;
        for (int i = 2; i < c.length; i++) {
          added += set.add(c[i]) ? 1 : 0;
        }
        return added;
      }
      case "SREM": {
        if (c[1].equals("{k}s")) {
          return WRONGTYPE;
        }
        TreeSet<String> set = model.get(c[1]);
        long removed = 0;
        for (int i = 2; i < c.length && set != null; i++) {
          removed += set.remove(c[i]) ? 1 : 0;
        }
        if (set != null && set.isEmpty()) {
          model.remove(c[1]);
        }
        return removed;
      }
      case "SISMEMBER":
        return c[1].equals("{k}s") ? WRONGTYPE : view(model, c[1]).contains(c[2]) ? 1L : 0L;
      case "SMISMEMBER":
        return c[1].equals("{k}s") ? WRONGTYPE
            : List.of(view(model, c[1]).contains(c[2]) ? 1L : 0L, view(model, c[1]).contains(c[3]) ? 1L : 0L);
      case "SMEMBERS":
      case "SSCAN":
        return c[1].equals("{k}s") ? WRONGTYPE : new TreeSet<>(view(model, c[1]));
      case "SCARD":
        return c[1].equals("{k}s") ? WRONGTYPE : (long) view(model, c[1]).size();
      case "SMOVE": {
        TreeSet<String> source = model.get(c[1]);
        if (c[1].equals("{k}s")) {
          return WRONGTYPE;
        }
        if (source == null) {
          return 0L;
        }
        if (c[2].equals("{k}s")) {
          return WRONGTYPE;
        }
        if (c[1].equals(c[2])) {
          return source.contains(c[3]) ? 1L : 0L;
        }
        if (!source.remove(c[3])) {
          return 0L;
        }
        if (source.isEmpty()) {
          model.remove(c[1]);
        }
        model.computeIfAbsent(c[2], k -> new TreeSet<>()).add(c[3]);
        return 1L;
      }
      case "SINTER":
      case "SUNION":
      case "SDIFF": {
        if (c[1].equals("{k}s") || c[2].equals("{k}s")) {
          return WRONGTYPE;
        }
        return combine(c[0], view(model, c[1]), view(model, c[2]));
      }
      case "SINTERSTORE":
      case "SUNIONSTORE":
      case "SDIFFSTORE": {
        if (c[2].equals("{k}s") || c[3].equals("{k}s")) {
          return WRONGTYPE;
        }
        TreeSet<String> result = combine(c[0].replace("STORE", ""), view(model, c[2]), view(model, c[3]));
        if (result.isEmpty()) {
          model.remove(c[1]);
        } else {
          model.put(c[1], result);
        }
        return (long) result.size();
      }
      case "SINTERCARD": {
        if (c[2].equals("{k}s") || c[3].equals("{k}s")) {
          return WRONGTYPE;
        }
        long size = combine("SINTER", view(model, c[2]), view(model, c[3])).size();
        long limit = Long.parseLong(c[5]);
        return limit == 0 ? size : Math.min(size, limit);
      }
      default:
        throw new IllegalArgumentException(c[0]);
    }
  }

  private static Set<String> view(Map<String, TreeSet<String>> model, String key) {
    TreeSet<String> set = model.get(key);
    return set == null ? Set.of() : set;
  }

  private static TreeSet<String> combine(String operation, Set<String> left, Set<String> right) {
    TreeSet<String> result = new TreeSet<>(left);
    switch (operation) {
      case "SINTER":
        result.retainAll(right);
        break;
      case "SUNION":
        result.addAll(right);
        break;
      default:
        result.removeAll(right);
    }
    return result;
  }
}
