package io.shoal.server.command.list;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Random sequences of list commands on two keys, run against Shoal and against an ArrayList model
 * of Redis's documented behaviour; every reply must match, and so must the lists at the end.
 */
class ListModelTest {
  static TestServer server;
  static Jedis jedis;
  static final AtomicLong runs = new AtomicLong();

  @BeforeContainer
  static void start() {
    server = TestServer.start("list-max-listpack-size", "3");
    jedis = server.jedis();
  }

  @AfterContainer
  static void stop() {
    jedis.close();
    server.close();
  }

  @Property(tries = 300)
  void repliesMatchTheModel(@ForAll("commands") List<String[]> commands) {
    String prefix = "m" + runs.incrementAndGet() + ":";
    Map<String, List<String>> model = new HashMap<>();
    model.put("A", new ArrayList<>());
    model.put("B", new ArrayList<>());
    for (String[] template : commands) {
      String[] command = template.clone();
      for (int i = 1; i < command.length; i++) {
        if (command[i].equals("A") || command[i].equals("B")) {
          command[i] = prefix + command[i];
        }
      }
      Object expected = apply(model, template, prefix);
      Object actual;
      try {
        actual = ListCommandsTest.call(jedis, command);
      } catch (JedisDataException e) {
        actual = e.getMessage();
      }
      assertThat(actual).as(String.join(" ", command)).isEqualTo(expected);
    }
    assertThat(jedis.lrange(prefix + "A", 0, -1)).isEqualTo(model.get("A"));
    assertThat(jedis.lrange(prefix + "B", 0, -1)).isEqualTo(model.get("B"));
  }

  @Provide
  Arbitrary<List<String[]>> commands() {
    Arbitrary<String> key = Arbitraries.of("A", "B");
    Arbitrary<String> element = Arbitraries.of("a", "b", "c");
    Arbitrary<String> small = Arbitraries.integers().between(-6, 6).map(String::valueOf);
    Arbitrary<String> side = Arbitraries.of("LEFT", "RIGHT");
    Arbitrary<String[]> command = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"), key, element.list().ofMinSize(1).ofMaxSize(4))
            .as((name, k, values) -> concat(new String[] {name, k}, values)),
        Combinators.combine(Arbitraries.of("LPOP", "RPOP"), key).as((name, k) -> new String[] {name, k}),
        Combinators.combine(Arbitraries.of("LPOP", "RPOP"), key, Arbitraries.integers().between(-1, 4))
            .as((name, k, n) -> new String[] {name, k, String.valueOf(n)}),
        key.map(k -> new String[] {"LLEN", k}),
        Combinators.combine(key, small).as((k, i) -> new String[] {"LINDEX", k, i}),
        Combinators.combine(key, small, element).as((k, i, v) -> new String[] {"LSET", k, i, v}),
        Combinators.combine(Arbitraries.of("LRANGE", "LTRIM"), key, small, small).as((name, k, a, b) -> new String[] {name, k, a, b}),
        Combinators.combine(key, Arbitraries.integers().between(-2, 2), element)
            .as((k, n, v) -> new String[] {"LREM", k, String.valueOf(n), v}),
        Combinators.combine(key, Arbitraries.of("BEFORE", "AFTER"), element, element)
            .as((k, where, pivot, v) -> new String[] {"LINSERT", k, where, pivot, v}),
        Combinators.combine(key, element, Arbitraries.integers().between(-3, 3), Arbitraries.integers().between(-1, 3),
            Arbitraries.integers().between(-1, 5)).as(ListModelTest::lpos),
        Combinators.combine(key, key, side, side).as((s, d, from, to) -> new String[] {"LMOVE", s, d, from, to}),
        Combinators.combine(side, Arbitraries.integers().between(1, 3))
            .as((where, n) -> new String[] {"LMPOP", "2", "A", "B", where, "COUNT", String.valueOf(n)}),
        Combinators.combine(Arbitraries.of("BLPOP", "BRPOP"), key, key).as((name, k1, k2) -> new String[] {name, k1, k2, "0.001"}),
        Combinators.combine(key, key, side, side).as((s, d, from, to) -> new String[] {"BLMOVE", s, d, from, to, "0.001"}),
        Combinators.combine(side, Arbitraries.integers().between(1, 3))
            .as((where, n) -> new String[] {"BLMPOP", "0.001", "2", "B", "A", where, "COUNT", String.valueOf(n)}));
    return command.list().ofMaxSize(40);
  }

  private static String[] lpos(String key, String element, int rank, int count, int maxlen) {
    List<String> args = new ArrayList<>(List.of("LPOS", key, element));
    if (rank != 1) {
      args.addAll(List.of("RANK", String.valueOf(rank)));
    }
    if (count >= 0) {
      args.addAll(List.of("COUNT", String.valueOf(count)));
    }
    if (maxlen >= 0) {
      args.addAll(List.of("MAXLEN", String.valueOf(maxlen)));
    }
    return args.toArray(new String[0]);
  }

  private static String[] concat(String[] head, List<String> tail) {
    String[] result = Arrays.copyOf(head, head.length + tail.size());
    for (int i = 0; i < tail.size(); i++) {
      result[head.length + i] = tail.get(i);
    }
    return result;
  }

  /** The reply Redis gives, computed on the model (which it updates). */
  private static Object apply(Map<String, List<String>> model, String[] c, String prefix) {
    List<String> list = c.length > 1 ? model.get(c[1]) : null;
    switch (c[0]) {
      case "LPUSH":
      case "RPUSH":
      case "LPUSHX":
      case "RPUSHX": {
        if (c[0].endsWith("X") && list.isEmpty()) {
          return 0L;
        }
        for (int i = 2; i < c.length; i++) {
          if (c[0].startsWith("L")) {
            list.add(0, c[i]);
          } else {
            list.add(c[i]);
          }
        }
        return (long) list.size();
      }
      case "LPOP":
      case "RPOP": {
        boolean left = c[0].startsWith("L");
        if (c.length == 2) {
          return list.isEmpty() ? null : list.remove(left ? 0 : list.size() - 1);
        }
        long count = Long.parseLong(c[2]);
        if (count < 0) {
          return "ERR value is out of range, must be positive";
        }
        if (list.isEmpty()) {
          return null;
        }
        List<String> popped = new ArrayList<>();
        for (int i = 0; i < count && !list.isEmpty(); i++) {
          popped.add(list.remove(left ? 0 : list.size() - 1));
        }
        return popped;
      }
      case "LLEN":
        return (long) list.size();
      case "LINDEX": {
        int index = index(Integer.parseInt(c[2]), list.size());
        return index < 0 || index >= list.size() ? null : list.get(index);
      }
      case "LSET": {
        if (list.isEmpty()) {
          return "ERR no such key";
        }
        int index = index(Integer.parseInt(c[2]), list.size());
        if (index < 0 || index >= list.size()) {
          return "ERR index out of range";
        }
        list.set(index, c[3]);
        return "OK";
      }
      case "LRANGE": {
        int[] range = ListCommands.range(Long.parseLong(c[2]), Long.parseLong(c[3]), list.size());
        return range == null ? List.of() : new ArrayList<>(list.subList(range[0], range[1] + 1));
      }
      case "LTRIM": {
        int[] range = ListCommands.range(Long.parseLong(c[2]), Long.parseLong(c[3]), list.size());
        List<String> kept = range == null ? List.of() : new ArrayList<>(list.subList(range[0], range[1] + 1));
        list.clear();
        list.addAll(kept);
        return "OK";
      }
      case "LREM": {
        long count = Long.parseLong(c[2]);
        long removed = 0;
        if (count >= 0) {
          for (int i = 0; i < list.size(); ) {
            if (list.get(i).equals(c[3]) && (count == 0 || removed < count)) {
              list.remove(i);
              removed++;
            } else {
              i++;
            }
          }
        } else {
          for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).equals(c[3]) && removed < -count) {
              list.remove(i);
              removed++;
            }
          }
        }
        return removed;
      }
      case "LINSERT": {
        if (list.isEmpty()) {
          return 0L;
        }
        int pivot = list.indexOf(c[3]);
        if (pivot < 0) {
          return -1L;
        }
        list.add(c[2].equals("AFTER") ? pivot + 1 : pivot, c[4]);
        return (long) list.size();
      }
      case "LPOS":
        return lposModel(list, c);
      case "BLPOP":
      case "BRPOP": {
        for (String key : new String[] {c[1], c[2]}) {
          List<String> source = model.get(key);
          if (!source.isEmpty()) {
            return List.of(prefix + key, source.remove(c[0].equals("BLPOP") ? 0 : source.size() - 1));
          }
        }
        return null;
      }
      case "BLMOVE":
      case "LMOVE": {
        List<String> destination = model.get(c[2]);
        if (list.isEmpty()) {
          return null;
        }
        String value = list.remove(c[3].equals("LEFT") ? 0 : list.size() - 1);
        if (c[4].equals("LEFT")) {
          destination.add(0, value);
        } else {
          destination.add(value);
        }
        return value;
      }
      case "BLMPOP":
      case "LMPOP": {
        boolean blocking = c[0].equals("BLMPOP");
        boolean left = c[blocking ? 5 : 4].equals("LEFT");
        long count = Long.parseLong(c[blocking ? 7 : 6]);
        for (String key : blocking ? new String[] {"B", "A"} : new String[] {"A", "B"}) {
          List<String> source = model.get(key);
          if (source.isEmpty()) {
            continue;
          }
          List<String> popped = new ArrayList<>();
          for (int i = 0; i < count && !source.isEmpty(); i++) {
            popped.add(source.remove(left ? 0 : source.size() - 1));
          }
          return List.of(prefix + key, popped);
        }
        return null;
      }
      default:
        throw new IllegalArgumentException(c[0]);
    }
  }

  private static Object lposModel(List<String> list, String[] c) {
    long rank = 1;
    long count = -1;
    long maxlen = 0;
    for (int i = 3; i < c.length; i += 2) {
      long value = Long.parseLong(c[i + 1]);
      switch (c[i]) {
        case "RANK":
          if (value == 0) {
            return "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                + "or use negative to start from the end of the list";
          }
          rank = value;
          break;
        case "COUNT":
          if (value < 0) {
            return "ERR COUNT can't be negative";
          }
          count = value;
          break;
        default:
          if (value < 0) {
            return "ERR MAXLEN can't be negative";
          }
          maxlen = value;
      }
    }
    List<Long> matches = new ArrayList<>();
    int seen = 0;
    int size = list.size();
    for (int scanned = 0; scanned < size && (maxlen == 0 || scanned < maxlen); scanned++) {
      int index = rank > 0 ? scanned : size - 1 - scanned;
      if (list.get(index).equals(c[2])) {
        seen++;
        if (seen >= Math.abs(rank)) {
          matches.add((long) index);
          if (count == -1 || (count > 0 && matches.size() == count)) {
            break;
          }
        }
      }
    }
    if (count == -1) {
      return matches.isEmpty() ? null : matches.get(0);
    }
    return matches;
  }

  private static int index(int index, int size) {
    return index < 0 ? index + size : index;
  }
}
