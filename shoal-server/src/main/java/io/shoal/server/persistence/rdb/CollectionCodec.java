package io.shoal.server.persistence.rdb;

import io.shoal.server.keyspace.CollectionValue;

/**
 * How one collection type crosses the RDB boundary: from the neutral {@link RdbCollection} to the
 * type's in-memory value (choosing its compact or large encoding by the type's own settings) and
 * back. Each type registers one with {@link CollectionCodecs}, so the RDB code knows no value class.
 */
public interface CollectionCodec {
  CollectionValue build(RdbCollection decoded);

  RdbCollection flatten(CollectionValue value);
}
