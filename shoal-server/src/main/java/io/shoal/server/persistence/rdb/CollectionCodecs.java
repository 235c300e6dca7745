package io.shoal.server.persistence.rdb;

import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.ValueType;
import java.util.EnumMap;
import java.util.Map;

/** The registered {@link CollectionCodec}s of one node, by type. */
public final class CollectionCodecs {
  private final Map<ValueType, CollectionCodec> codecs = new EnumMap<>(ValueType.class);

  public synchronized void register(ValueType type, CollectionCodec codec) {
    codecs.put(type, codec);
  }

  public synchronized CollectionCodec get(ValueType type) {
    return codecs.get(type);
  }

  CollectionValue build(RdbCollection decoded, long offset) throws RdbFormatException {
    CollectionCodec codec = get(decoded.type());
    if (codec == null) {
      throw new RdbFormatException("Shoal cannot hold values of type " + decoded.type().typeName() + " yet", offset);
    }
    return codec.build(decoded);
  }

  RdbCollection flatten(CollectionValue value) {
    CollectionCodec codec = get(value.type());
    if (codec == null) {
      throw new IllegalStateException("no RDB codec registered for type " + value.type().typeName());
    }
    return codec.flatten(value);
  }
}
