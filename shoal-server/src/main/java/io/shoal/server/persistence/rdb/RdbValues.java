package io.shoal.server.persistence.rdb;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One value in RDB form: a type byte and the type's body, as {@code rdbSaveObjectType} and
 * {@code rdbSaveObject} write it and {@code rdbLoadObject} reads it. The same bytes are the body of
 * a DUMP payload.
 *
 * <p>Written encodings: strings as STRING; lists as QUICKLIST_2 of listpack nodes of at most
 * {@value #LIST_NODE_ELEMENTS} elements; sets as SET, hashes as HASH and sorted sets as ZSET_2, the
 * plain encodings Redis re-encodes compactly on load when they are small. Read encodings: every
 * type Redis 7 or 6 writes except streams, modules and the zipmap of Redis 2.
 */
public final class RdbValues {
  static final int LIST_NODE_ELEMENTS = 128;

  private RdbValues() {}

  public static void write(RdbOutput out, Object value, CollectionCodecs codecs) throws IOException {
    if (value instanceof byte[]) {
      out.writeByte(RdbFormat.TYPE_STRING);
      out.writeString((byte[]) value);
      return;
    }
    RdbCollection flat = codecs.flatten((CollectionValue) value);
    List<byte[]> elements = flat.elements();
    switch (flat.type()) {
      case LIST: {
        out.writeByte(RdbFormat.TYPE_LIST_QUICKLIST_2);
        int nodes = (elements.size() + LIST_NODE_ELEMENTS - 1) / LIST_NODE_ELEMENTS;
        out.writeLength(nodes);
        for (int from = 0; from < elements.size(); from += LIST_NODE_ELEMENTS) {
          out.writeLength(RdbFormat.QUICKLIST_NODE_PACKED);
          out.writeString(Listpack.encode(elements.subList(from, Math.min(elements.size(), from + LIST_NODE_ELEMENTS))));
        }
        return;
      }
      case SET:
        out.writeByte(RdbFormat.TYPE_SET);
        out.writeLength(elements.size());
        for (byte[] member : elements) {
          out.writeString(member);
        }
        return;
      case HASH:
        out.writeByte(RdbFormat.TYPE_HASH);
        out.writeLength(elements.size() / 2);
        for (byte[] part : elements) {
          out.writeString(part);
        }
        return;
      case ZSET:
        out.writeByte(RdbFormat.TYPE_ZSET_2);
        out.writeLength(elements.size());
        // Redis writes sorted sets from the highest score down, so loading appends at the head.
        for (int i = elements.size() - 1; i >= 0; i--) {
          out.writeString(elements.get(i));
          out.writeBinaryDouble(flat.scores()[i]);
        }
        return;
      default:
        throw new IllegalStateException("cannot write values of type " + flat.type().typeName());
    }
  }

  /** True for the type bytes a value may start with (anything else is an opcode or damage). */
  public static boolean isValueType(int type) {
    return (type >= RdbFormat.TYPE_STRING && type <= RdbFormat.TYPE_MODULE_2)
        || (type >= RdbFormat.TYPE_HASH_ZIPMAP && type <= RdbFormat.TYPE_STREAM_LISTPACKS_3);
  }

  public static Object read(RdbInput in, int type, CollectionCodecs codecs) throws IOException {
    long offset = in.offset();
    try {
      switch (type) {
        case RdbFormat.TYPE_STRING:
          return in.readString();
        case RdbFormat.TYPE_LIST:
          return codecs.build(RdbCollection.of(ValueType.LIST, strings(in, in.readSmallLength("list"))), offset);
        case RdbFormat.TYPE_SET:
          return codecs.build(RdbCollection.of(ValueType.SET, strings(in, in.readSmallLength("set"))), offset);
        case RdbFormat.TYPE_HASH:
          return codecs.build(RdbCollection.of(ValueType.HASH, strings(in, 2 * in.readSmallLength("hash"))), offset);
        case RdbFormat.TYPE_ZSET:
        case RdbFormat.TYPE_ZSET_2: {
          int count = in.readSmallLength("zset");
          List<byte[]> members = new ArrayList<>(count);
          double[] scores = new double[count];
          for (int i = 0; i < count; i++) {
            members.add(in.readString());
            scores[i] = type == RdbFormat.TYPE_ZSET ? in.readStringDouble() : in.readBinaryDouble();
          }
          return codecs.build(new RdbCollection(ValueType.ZSET, members, scores), offset);
        }
        case RdbFormat.TYPE_LIST_ZIPLIST:
          return codecs.build(RdbCollection.of(ValueType.LIST, Ziplist.decode(in.readString())), offset);
        case RdbFormat.TYPE_SET_INTSET:
          return codecs.build(RdbCollection.of(ValueType.SET, Intset.decode(in.readString())), offset);
        case RdbFormat.TYPE_SET_LISTPACK:
          return codecs.build(RdbCollection.of(ValueType.SET, Listpack.decode(in.readString())), offset);
        case RdbFormat.TYPE_HASH_ZIPLIST:
          return codecs.build(pairs(ValueType.HASH, Ziplist.decode(in.readString()), offset), offset);
        case RdbFormat.TYPE_HASH_LISTPACK:
          return codecs.build(pairs(ValueType.HASH, Listpack.decode(in.readString()), offset), offset);
        case RdbFormat.TYPE_ZSET_ZIPLIST:
          return codecs.build(scored(Ziplist.decode(in.readString()), offset), offset);
        case RdbFormat.TYPE_ZSET_LISTPACK:
          return codecs.build(scored(Listpack.decode(in.readString()), offset), offset);
        case RdbFormat.TYPE_LIST_QUICKLIST:
        case RdbFormat.TYPE_LIST_QUICKLIST_2: {
          int nodes = in.readSmallLength("quicklist");
          List<byte[]> items = new ArrayList<>();
          for (int i = 0; i < nodes; i++) {
            int container = type == RdbFormat.TYPE_LIST_QUICKLIST ? RdbFormat.QUICKLIST_NODE_PACKED : (int) in.readLength();
            byte[] node = in.readString();
            if (container == RdbFormat.QUICKLIST_NODE_PLAIN) {
              items.add(node);
            } else if (container == RdbFormat.QUICKLIST_NODE_PACKED) {
              items.addAll(type == RdbFormat.TYPE_LIST_QUICKLIST ? Ziplist.decode(node) : Listpack.decode(node));
            } else {
              throw new RdbFormatException("unknown quicklist container " + container, offset);
            }
          }
          return codecs.build(RdbCollection.of(ValueType.LIST, items), offset);
        }
        case RdbFormat.TYPE_STREAM_LISTPACKS:
        case RdbFormat.TYPE_STREAM_LISTPACKS_2:
        case RdbFormat.TYPE_STREAM_LISTPACKS_3:
          throw new RdbFormatException("streams are not supported by Shoal", offset);
        case RdbFormat.TYPE_MODULE:
        case RdbFormat.TYPE_MODULE_2:
          throw new RdbFormatException("module values are not supported by Shoal", offset);
        default:
          throw new RdbFormatException("unknown or unsupported value type " + type, offset);
      }
    } catch (IllegalArgumentException e) {
      throw new RdbFormatException("damaged encoded value: " + e.getMessage(), offset);
    }
  }

  private static List<byte[]> strings(RdbInput in, int count) throws IOException {
    List<byte[]> result = new ArrayList<>(Math.min(count, 1 << 16));
    for (int i = 0; i < count; i++) {
      result.add(in.readString());
    }
    return result;
  }

  private static RdbCollection pairs(ValueType type, List<byte[]> flat, long offset) throws RdbFormatException {
    if (flat.size() % 2 != 0) {
      throw new RdbFormatException("odd number of elements in an encoded " + type.typeName(), offset);
    }
    return RdbCollection.of(type, flat);
  }

  private static RdbCollection scored(List<byte[]> flat, long offset) throws RdbFormatException {
    if (flat.size() % 2 != 0) {
      throw new RdbFormatException("odd number of elements in an encoded zset", offset);
    }
    List<byte[]> members = new ArrayList<>(flat.size() / 2);
    double[] scores = new double[flat.size() / 2];
    for (int i = 0; i < flat.size(); i += 2) {
      members.add(flat.get(i));
      scores[i / 2] = parseScore(flat.get(i + 1));
    }
    return new RdbCollection(ValueType.ZSET, members, scores);
  }

  private static double parseScore(byte[] text) {
    String value = new String(text, StandardCharsets.US_ASCII);
    switch (value) {
      case "inf": case "+inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(value);
    }
  }
}
