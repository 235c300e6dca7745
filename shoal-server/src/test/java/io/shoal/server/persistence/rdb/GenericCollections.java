package io.shoal.server.persistence.rdb;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stand-in collection value for tests: holds the neutral {@link RdbCollection} as it is, so the
 * RDB code can be tested for every type before (and independently of) the real value classes.
 */
public final class GenericCollections {
  private GenericCollections() {}

  public static final class Value extends CollectionValue {
    public final RdbCollection contents;

    public Value(RdbCollection contents) {
      this.contents = contents;
    }

    @Override
    public ValueType type() {
      return contents.type();
    }

    @Override
    public String encoding() {
      return "generic";
    }

    @Override
    public long memoryBytes() {
      long total = 0;
      for (byte[] element : contents.elements()) {
        total += element.length + 16;
      }
      return total;
    }

    @Override
    public long length() {
      return contents.type() == ValueType.HASH ? contents.elements().size() / 2 : contents.elements().size();
    }

    @Override
    public CollectionValue copy() {
      return new Value(new RdbCollection(contents.type(), new ArrayList<>(contents.elements()),
          contents.scores() == null ? null : contents.scores().clone()));
    }
  }

  public static CollectionCodecs codecs() {
    CollectionCodecs codecs = new CollectionCodecs();
    CollectionCodec codec = new CollectionCodec() {
      @Override
      public CollectionValue build(RdbCollection decoded) {
        return new Value(decoded);
      }

      @Override
      public RdbCollection flatten(CollectionValue value) {
        return ((Value) value).contents;
      }
    };
    for (ValueType type : List.of(ValueType.LIST, ValueType.SET, ValueType.ZSET, ValueType.HASH)) {
      codecs.register(type, codec);
    }
    return codecs;
  }

  public static Value of(ValueType type, String... elements) {
    List<byte[]> list = new ArrayList<>();
    for (String element : elements) {
      list.add(element.getBytes(StandardCharsets.UTF_8));
    }
    return new Value(RdbCollection.of(type, list));
  }

  public static Value zset(List<String> members, double[] scores) {
    List<byte[]> list = new ArrayList<>();
    for (String member : members) {
      list.add(member.getBytes(StandardCharsets.UTF_8));
    }
    return new Value(new RdbCollection(ValueType.ZSET, list, scores));
  }

  /** A comparable text form: lists in order, sets and hashes sorted, zsets by score then member. */
  public static String canonical(Object value) {
    if (value instanceof byte[]) {
      return "string:" + new String((byte[]) value, StandardCharsets.UTF_8);
    }
    RdbCollection c = ((Value) value).contents;
    List<String> parts = new ArrayList<>();
    switch (c.type()) {
      case LIST:
        c.elements().forEach(e -> parts.add(new String(e, StandardCharsets.UTF_8)));
        return "list:" + parts;
      case SET:
        c.elements().forEach(e -> parts.add(new String(e, StandardCharsets.UTF_8)));
        parts.sort(null);
        return "set:" + parts;
      case HASH:
        for (int i = 0; i < c.elements().size(); i += 2) {
          parts.add(new String(c.elements().get(i), StandardCharsets.UTF_8) + "="
              + new String(c.elements().get(i + 1), StandardCharsets.UTF_8));
        }
        parts.sort(null);
        return "hash:" + parts;
      case ZSET: {
        Integer[] order = new Integer[c.elements().size()];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
          int byScore = Double.compare(c.scores()[a], c.scores()[b]);
          return byScore != 0 ? byScore : new String(c.elements().get(a), StandardCharsets.UTF_8)
              .compareTo(new String(c.elements().get(b), StandardCharsets.UTF_8));
        });
        for (int i : order) {
          parts.add(new String(c.elements().get(i), StandardCharsets.UTF_8) + "=" + c.scores()[i]);
        }
        return "zset:" + parts;
      }
      default:
        throw new IllegalArgumentException(c.type().toString());
    }
  }
}
