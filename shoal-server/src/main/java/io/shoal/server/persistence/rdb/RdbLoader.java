package io.shoal.server.persistence.rdb;

import io.shoal.server.keyspace.BulkInsert;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.keyspace.SlotTable;
import io.shoal.server.slot.KeySlot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Loads a whole RDB file into a keyspace, as Redis's {@code rdbLoadRio} does: checks the magic and
 * version, applies SELECTDB, skips AUX, RESIZEDB, IDLE, FREQ and function opcodes, drops keys whose
 * expiry time has passed (a master does the same), and checks the trailing CRC-64 unless it is
 * zero (Redis writes zero with {@code rdbchecksum no}).
 *
 * <p>Keys are inserted in batches sorted by hash slot: a file written by Redis lists keys in its
 * dictionary order, which scatters consecutive inserts over all 16384 slot tables and was measured
 * to load a million keys several times slower than the same keys in slot order. Batches hold up to
 * two million entries, so a file of that size is inserted slot by slot in one pass.
 *
 * <p>The caller holds every slot lock or runs before clients are accepted.
 */
public final class RdbLoader {
  /** What a load found. */
  public record Result(long keys, long expiredSkipped, int version, boolean aofPreamble, long bytes,
      java.util.Map<String, String> aux) {}

  private RdbLoader() {}

  public static Result load(InputStream stream, Keyspace keyspace, CollectionCodecs codecs) throws IOException {
    RdbInput in = new RdbInput(stream);
    byte[] magic = in.readBytes(9);
    String header = new String(magic, StandardCharsets.US_ASCII);
    if (!header.startsWith("REDIS")) {
      throw new RdbFormatException("wrong signature trying to load DB from file", 0);
    }
    int version;
    try {
      version = Integer.parseInt(header.substring(5));
    } catch (NumberFormatException e) {
      throw new RdbFormatException("bad RDB version " + header.substring(5), 5);
    }
    if (version < 1 || version > RdbFormat.MAX_READ_VERSION) {
      throw new RdbFormatException("can't handle RDB format version " + version, 5);
    }
    long now = keyspace.nowMillis();
    Database db = keyspace.db(0);
    Batch batch = new Batch();
    long expireAt = 0;
    long keys = 0;
    long expired = 0;
    boolean aofPreamble = false;
    java.util.Map<String, String> aux = new java.util.HashMap<>();
    while (true) {
      long offset = in.offset();
      int type = in.readByte();
      switch (type) {
        case RdbFormat.OPCODE_EXPIRETIME:
          expireAt = (in.readIntLittleEndian() & 0xffffffffL) * 1000;
          continue;
        case RdbFormat.OPCODE_EXPIRETIME_MS:
          expireAt = in.readLongLittleEndian();
          continue;
        case RdbFormat.OPCODE_FREQ:
          in.readByte();
          continue;
        case RdbFormat.OPCODE_IDLE:
          in.readLength();
          continue;
        case RdbFormat.OPCODE_SELECTDB: {
          long index = in.readLength();
          if (index >= keyspace.databaseCount()) {
            throw new RdbFormatException("FATAL: Data file was created with a Redis server configured to handle more than "
                + keyspace.databaseCount() + " databases", offset);
          }
          batch.flush(db);
          db = keyspace.db((int) index);
          continue;
        }
        case RdbFormat.OPCODE_RESIZEDB:
          batch.expect(in.readLength());
          in.readLength();
          continue;
        case RdbFormat.OPCODE_AUX: {
          String name = in.readUtf8();
          String value = in.readUtf8();
          aux.put(name, value);
          if (name.equals("aof-base")) {
            aofPreamble = value.equals("1");
          }
          continue;
        }
        case RdbFormat.OPCODE_FUNCTION_2:
          // A function library's source; Shoal has no scripting, so the library is dropped.
          in.readString();
          continue;
        case RdbFormat.OPCODE_MODULE_AUX:
        case RdbFormat.OPCODE_FUNCTION_PRE_GA:
          throw new RdbFormatException("module and pre-release function data are not supported", offset);
        case RdbFormat.OPCODE_EOF: {
          batch.flush(db);
          long computed = in.crc();
          if (version >= 5) {
            long stored = in.readLongLittleEndian();
            if (stored != 0 && stored != computed) {
              throw new RdbFormatException("wrong RDB checksum", in.offset() - 8);
            }
          }
          return new Result(keys, expired, version, aofPreamble, in.offset(), aux);
        }
        default:
          break;
      }
      if (!RdbValues.isValueType(type)) {
        throw new RdbFormatException("unknown RDB type or opcode " + type, offset);
      }
      byte[] key = in.readString();
      Object value = RdbValues.read(in, type, codecs);
      if (expireAt != 0 && expireAt <= now) {
        expired++;
      } else {
        batch.add(key, value, expireAt);
        if (batch.full()) {
          batch.flush(db);
        }
        keys++;
      }
      expireAt = 0;
    }
  }

  /**
   * Loaded entries waiting to be inserted in slot order. What the insert needs of a key (its slot,
   * its table hash, the memory it adds) is computed as it is read, while its bytes are in the cache:
   * the insert then visits the entries in slot order without reading them again.
   */
  private static final class Batch {
    private static final int ENTRIES_MAX = 1 << 21;
    private byte[][] keys = new byte[1024][];
    private Object[] values = new Object[1024];
    /** Expiry times, allocated with the first key that has one. */
    private long[] expires;
    private int[] slots = new int[1024];
    private int[] hashes = new int[1024];
    private long bytes;
    private int count;

    /** Makes room for the number of keys a RESIZEDB announces, so the arrays grow once. */
    void expect(long keys) {
      ensure((int) Math.min(ENTRIES_MAX, count + keys));
    }

    private void ensure(int capacity) {
      if (capacity <= keys.length) {
        return;
      }
      keys = Arrays.copyOf(keys, capacity);
      values = Arrays.copyOf(values, capacity);
      if (expires != null) {
        expires = Arrays.copyOf(expires, capacity);
      }
      slots = Arrays.copyOf(slots, capacity);
      hashes = Arrays.copyOf(hashes, capacity);
    }

    void add(byte[] key, Object value, long expireAt) {
      if (count == keys.length) {
        ensure(keys.length * 2);
      }
      keys[count] = key;
      values[count] = value;
      if (expireAt != 0) {
        if (expires == null) {
          expires = new long[keys.length];
        }
        expires[count] = expireAt;
      }
      slots[count] = KeySlot.of(key);
      hashes[count] = SlotTable.hash(key);
      bytes += BulkInsert.entryBytes(key, value);
      count++;
    }

    boolean full() {
      return count == ENTRIES_MAX;
    }

    void flush(Database db) {
      if (count == 0) {
        return;
      }
      int[] starts = new int[KeySlot.SLOT_COUNT + 1];
      for (int i = 0; i < count; i++) {
        starts[slots[i] + 1]++;
      }
      for (int s = 0; s < KeySlot.SLOT_COUNT; s++) {
        starts[s + 1] += starts[s];
      }
      int[] order = new int[count];
      int[] next = Arrays.copyOf(starts, KeySlot.SLOT_COUNT);
      for (int i = 0; i < count; i++) {
        order[next[slots[i]]++] = i;
      }
      BulkInsert insert = db.bulkInsert();
      for (int s = 0; s < KeySlot.SLOT_COUNT; s++) {
        int from = starts[s];
        int to = starts[s + 1];
        if (from == to) {
          continue;
        }
        // Each slot table is sized once for its keys, just before they arrive (so it is in the cache).
        insert.beginSlot(s, to - from);
        for (int k = from; k < to; k++) {
          int i = order[k];
          insert.add(keys[i], hashes[i], values[i], expires == null ? 0 : expires[i]);
        }
      }
      insert.finish(bytes);
      Arrays.fill(keys, 0, count, null);
      Arrays.fill(values, 0, count, null);
      if (expires != null) {
        Arrays.fill(expires, 0, count, 0);
      }
      bytes = 0;
      count = 0;
    }
  }
}
