package io.shoal.server.persistence.rdb;

import io.shoal.server.keyspace.ValueType;
import java.util.List;

/**
 * A collection in the neutral form the RDB code reads and writes, independent of how each type
 * stores itself in memory: list items in order, set members, hash fields and values alternating
 * ({@code f1, v1, f2, v2...}), sorted-set members with {@code scores} in the same order.
 */
public record RdbCollection(ValueType type, List<byte[]> elements, double[] scores) {
  public static RdbCollection of(ValueType type, List<byte[]> elements) {
    return new RdbCollection(type, elements, null);
  }
}
