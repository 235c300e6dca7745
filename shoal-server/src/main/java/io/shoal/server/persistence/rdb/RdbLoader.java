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
 * version, applies SELECTDB, sizes its batch by RESIZEDB, skips AUX, IDLE, FREQ and function opcodes, drops keys whose
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

  private final RdbInput in;
  private final Keyspace keyspace;
  private final CollectionCodecs codecs;
  private final int version;
  private final long now;
  private final Batch batch = new Batch();
  private final java.util.Map<String, String> aux = new java.util.HashMap<>();
  private Database db;
  /** The expiry time an EXPIRETIME opcode gave the next key, 0 for none. */
  private long expireAt;
  private long keys;
  private long expired;
  private boolean aofPreamble;
  private Result result;

  private RdbLoader(RdbInput in, Keyspace keyspace, CollectionCodecs codecs, int version) {
    this.in = in;
    this.keyspace = keyspace;
    this.codecs = codecs;
    this.version = version;
    this.now = keyspace.nowMillis();
    this.db = keyspace.db(0);
  }

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
    RdbLoader loader = new RdbLoader(in, keyspace, codecs, version);
    // One call per record rather than one long loop in this method: the JIT compiles a method
    // after a few thousand calls, whereas a loop waits for on-stack replacement after tens of
    // thousands of iterations, which at start-up left the first 100,000 keys to the interpreter.
    while (loader.record()) {
      // next record
    }
    return loader.result;
  }

  /** Reads one record (an opcode or a key with its value); false after EOF. */
  private boolean record() throws IOException {
    long offset = in.offset();
    int type = in.readByte();
    if (type == RdbFormat.TYPE_STRING) {
      entry(type);
      return true;
    }
    switch (type) {
      case RdbFormat.OPCODE_EXPIRETIME:
        expireAt = (in.readIntLittleEndian() & 0xffffffffL) * 1000;
        return true;
      case RdbFormat.OPCODE_EXPIRETIME_MS:
        expireAt = in.readLongLittleEndian();
        return true;
      case RdbFormat.OPCODE_FREQ:
        in.readByte();
        return true;
      case RdbFormat.OPCODE_IDLE:
        in.readLength();
        return true;
      case RdbFormat.OPCODE_SELECTDB: {
        long index = in.readLength();
        if (index >= keyspace.databaseCount()) {
          throw new RdbFormatException("FATAL: Data file was created with a Redis server configured to handle more than "
              + keyspace.databaseCount() + " databases", offset);
        }
        batch.flush(db);
        db = keyspace.db((int) index);
        return true;
      }
      case RdbFormat.OPCODE_RESIZEDB:
        batch.expect(in.readLength());
        in.readLength();
        return true;
      case RdbFormat.OPCODE_AUX: {
        String name = in.readUtf8();
        String value = in.readUtf8();
        aux.put(name, value);
        if (name.equals("aof-base")) {
          aofPreamble = value.equals("1");
        }
        return true;
      }
      case RdbFormat.OPCODE_FUNCTION_2:
        // A function library's source; Shoal has no scripting, so the library is dropped.
        in.readString();
        return true;
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
        result = new Result(keys, expired, version, aofPreamble, in.offset(), aux);
        return false;
      }
      default:
        if (!RdbValues.isValueType(type)) {
          throw new RdbFormatException("unknown RDB type or opcode " + type, offset);
        }
        entry(type);
        return true;
    }
  }

  /** A key and its value of the given type. */
  private void entry(int type) throws IOException {
    byte[] key = in.readString();
    Object value = type == RdbFormat.TYPE_STRING ? in.readString() : RdbValues.read(in, type, codecs);
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

    /** The entries {@code order[from..to)}, all of one slot; a method of its own so the JIT compiles it early. */
    private void insertSlot(BulkInsert insert, int slot, int[] order, int from, int to) {
      // Each slot table is sized once for its keys, just before they arrive (so it is in the cache).
      insert.beginSlot(slot, to - from);
      long[] expiry = expires;
      for (int k = from; k < to; k++) {
        int i = order[k];
        insert.add(keys[i], hashes[i], values[i], expiry == null ? 0 : expiry[i]);
      }
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
        insertSlot(insert, s, order, from, to);
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
