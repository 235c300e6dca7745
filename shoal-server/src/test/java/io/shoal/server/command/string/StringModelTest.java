package io.shoal.server.command.string;

import static io.shoal.server.command.string.Calls.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Random sequences of SET, GET, APPEND, INCR, DEL and SETRANGE against a real node and against a
 * HashMap model of what Redis would hold; every reply must match the model's.
 */
class StringModelTest {
  private static final String[] KEYS = {"k0", "k1", "k2", "k3"};
  static TestServer server;
  static Jedis jedis;

  record Op(String name, String key, String value, int offset) {}

  @BeforeContainer
  static void start() {
    server = TestServer.start();
    jedis = server.jedis();
  }

  @AfterContainer
  static void stop() {
    jedis.close();
    server.close();
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.of("SET", "GET", "APPEND", "INCR", "DEL", "SETRANGE"),
        Arbitraries.of(KEYS),
        Arbitraries.strings().withChars("ab0129-").ofMinLength(0).ofMaxLength(4),
        Arbitraries.integers().between(0, 6)).as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 60)
  void matchesModel(@ForAll("operations") List<Op> ops) {
    jedis.del(KEYS);
    Map<String, String> model = new HashMap<>();
    for (Op op : ops) {
      Object expected = apply(model, op);
      Object actual = switch (op.name()) {
        case "SET" -> call(jedis, "SET", op.key(), op.value());
        case "GET" -> call(jedis, "GET", op.key());
        case "APPEND" -> call(jedis, "APPEND", op.key(), op.value());
        case "INCR" -> call(jedis, "INCR", op.key());
        case "DEL" -> call(jedis, "DEL", op.key());
        default -> call(jedis, "SETRANGE", op.key(), Integer.toString(op.offset()), op.value());
      };
      assertThat(actual).as("%s after %s", op, ops).isEqualTo(expected);
    }
    for (String key : KEYS) {
      assertThat(call(jedis, "GET", key)).isEqualTo(model.get(key));
    }
  }

  private static Object apply(Map<String, String> model, Op op) {
    String current = model.get(op.key());
    switch (op.name()) {
      case "SET":
        model.put(op.key(), op.value());
        return "OK";
      case "GET":
        return current;
      case "APPEND": {
        String next = (current == null ? "" : current) + op.value();
        model.put(op.key(), next);
        return (long) next.length();
      }
      case "INCR": {
        long value;
        if (current == null) {
          value = 0;
        } else {
          try {
            value = Long.parseLong(current);
          } catch (NumberFormatException e) {
            return "!ERR value is not an integer or out of range";
          }
          if (!Long.toString(value).equals(current)) {
            return "!ERR value is not an integer or out of range";
          }
        }
        model.put(op.key(), Long.toString(value + 1));
        return value + 1;
      }
      case "DEL":
        return model.remove(op.key()) == null ? 0L : 1L;
      default: {
        if (op.value().isEmpty()) {
          return (long) (current == null ? 0 : current.length());
        }
        StringBuilder text = new StringBuilder(current == null ? "" : current);
        while (text.length() < op.offset()) {
          text.append('\0');
        }
        for (int i = 0; i < op.value().length(); i++) {
          int at = op.offset() + i;
          if (at < text.length()) {
            text.setCharAt(at, op.value().charAt(i));
          } else {
            text.append(op.value().charAt(i));
          }
        }
        model.put(op.key(), text.toString());
        return (long) text.length();
      }
    }
  }
}
