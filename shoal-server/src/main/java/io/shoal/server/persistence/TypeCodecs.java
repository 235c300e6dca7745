package io.shoal.server.persistence;

import io.shoal.server.ShoalServer;
import io.shoal.server.config.Setting;
import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.ValueType;
import io.shoal.server.persistence.rdb.CollectionCodec;
import io.shoal.server.persistence.rdb.CollectionCodecs;
import io.shoal.server.persistence.rdb.RdbCollection;
import io.shoal.server.types.hash.HashLimits;
import io.shoal.server.types.hash.HashValue;
import io.shoal.server.types.list.ListValue;
import io.shoal.server.types.set.SetLimits;
import io.shoal.server.types.set.SetValue;
import io.shoal.server.types.zset.ZSetValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The RDB codecs of Shoal's collection types, registered by {@link Persistence}. Building a value
 * goes through the type's own add/put with the limits currently configured, so a loaded value gets
 * the encoding (intset, listpack, hashtable) the same contents would get from commands, as Redis
 * re-encodes on load.
 */
final class TypeCodecs {
  private TypeCodecs() {}

  static void registerAll(ShoalServer server, CollectionCodecs codecs) {
    Setting hashEntries = server.settings().find("hash-max-listpack-entries");
    Setting hashValue = server.settings().find("hash-max-listpack-value");
    if (hashEntries != null && hashValue != null) {
      codecs.register(ValueType.HASH, new CollectionCodec() {
        @Override
        public CollectionValue build(RdbCollection decoded) {
          HashLimits limits = new HashLimits(hashEntries.asLong(), hashValue.asLong());
          HashValue hash = new HashValue();
          List<byte[]> parts = decoded.elements();
          for (int i = 0; i + 1 < parts.size(); i += 2) {
            hash.put(parts.get(i), parts.get(i + 1), limits);
          }
          return hash;
        }

        @Override
        public RdbCollection flatten(CollectionValue value) {
          HashValue hash = (HashValue) value;
          List<byte[]> parts = new ArrayList<>(hash.size() * 2);
          hash.forEach((field, fieldValue) -> {
            parts.add(field);
            parts.add(fieldValue);
          });
          return RdbCollection.of(ValueType.HASH, parts);
        }
      });
    }
    Setting listSize = server.settings().find("list-max-listpack-size");
    if (listSize != null) {
      codecs.register(ValueType.LIST, new CollectionCodec() {
        @Override
        public CollectionValue build(RdbCollection decoded) {
          ListValue list = new ListValue();
          for (byte[] item : decoded.elements()) {
            list.pushLast(item);
          }
          list.updateEncoding(listSize.asLong());
          return list;
        }

        @Override
        public RdbCollection flatten(CollectionValue value) {
          ListValue list = (ListValue) value;
          List<byte[]> items = new ArrayList<>(list.size());
          list.forEach(items::add);
          return RdbCollection.of(ValueType.LIST, items);
        }
      });
    }
    Setting zsetEntries = server.settings().find("zset-max-listpack-entries");
    Setting zsetValue = server.settings().find("zset-max-listpack-value");
    if (zsetEntries != null && zsetValue != null) {
      codecs.register(ValueType.ZSET, new CollectionCodec() {
        @Override
        public CollectionValue build(RdbCollection decoded) {
          List<byte[]> members = decoded.elements();
          long longest = 0;
          for (byte[] member : members) {
            longest = Math.max(longest, member.length);
          }
          ZSetValue zset = ZSetValue.forSize(zsetEntries.asLong(), zsetValue.asLong(), members.size(), longest);
          for (int i = 0; i < members.size(); i++) {
            if (zset.score(members.get(i)) == null) {
              zset.insert(members.get(i), decoded.scores()[i]);
            }
          }
          return zset;
        }

        @Override
        public RdbCollection flatten(CollectionValue value) {
          ZSetValue zset = (ZSetValue) value;
          List<byte[]> members = new ArrayList<>((int) zset.length());
          double[] scores = new double[(int) zset.length()];
          zset.forEach((member, score) -> {
            scores[members.size()] = score;
            members.add(member);
          });
          return new RdbCollection(ValueType.ZSET, members, scores);
        }
      });
    }
    Setting intsetEntries = server.settings().find("set-max-intset-entries");
    Setting setEntries = server.settings().find("set-max-listpack-entries");
    Setting setValue = server.settings().find("set-max-listpack-value");
    if (intsetEntries != null && setEntries != null && setValue != null) {
      codecs.register(ValueType.SET, new CollectionCodec() {
        @Override
        public CollectionValue build(RdbCollection decoded) {
          SetLimits limits = new SetLimits(intsetEntries.asLong(), setEntries.asLong(), setValue.asLong());
          List<byte[]> members = decoded.elements();
          if (members.isEmpty()) {
            return new SetValue();
          }
          SetValue set = SetValue.create(members.get(0), members.size(), limits);
          for (byte[] member : members) {
            set.add(member, limits);
          }
          return set;
        }

        @Override
        public RdbCollection flatten(CollectionValue value) {
          SetValue set = (SetValue) value;
          List<byte[]> members = new ArrayList<>(set.size());
          set.forEach(members::add);
          return RdbCollection.of(ValueType.SET, members);
        }
      });
    }
  }
}
