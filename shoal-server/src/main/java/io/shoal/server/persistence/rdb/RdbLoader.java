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
  private final Batch batch;
  private final java.util.Map<String, String> aux = new java.util.HashMap<>();
  private Database db;
  /** The expiry time an EXPIRETIME opcode gave the next key, 0 for none. */
  private long expireAt;
  private long keys;
  private long expired;
  private boolean aofPreamble;
  private Result result;

  private RdbLoader(RdbInput in, Keyspace keyspace, CollectionCodecs codecs, int version, int threads) {
    this.in = in;
    this.batch = new Batch(threads);
    this.keyspace = keyspace;
    this.codecs = codecs;
    this.version = version;
    this.now = keyspace.nowMillis();
    this.db = keyspace.db(0);
  }

  public static Result load(InputStream stream, Keyspace keyspace, CollectionCodecs codecs) throws IOException {
    return load(stream, keyspace, codecs, defaultThreads());
  }

  /**
   * Threads a load uses to describe and insert its keys: two where there are two processors. At
   * start-up the JIT compiler threads keep part of a second processor busy as well, so more than
   * two was not worth measuring on the two-core machine the figures come from.
   */
  static int defaultThreads() {
    return Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  /** {@link #load(InputStream, Keyspace, CollectionCodecs)} with {@code threads} threads (1: this one alone). */
  public static Result load(InputStream stream, Keyspace keyspace, CollectionCodecs codecs, int threads)
      throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
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
    RdbLoader loader = new RdbLoader(in, keyspace, codecs, version, threads);
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
   * Loaded entries waiting to be inserted in slot order. The reader only parses and keeps the keys
   * and values; what the insert needs of a key (its slot, its table hash, the memory it adds) is
   * computed at the flush, over the entries in the order they were allocated (so memory is read
   * front to back), by {@code threads} threads each taking a share of the entries. The insert
   * then visits the entries in slot order, each thread a range of slots, whose tables no other
   * thread touches.
   */
  private static final class Batch {
    private static final int ENTRIES_MAX = 1 << 21;
    /** Fewer entries than this are done on the calling thread alone: a thread start costs more. */
    private static final int PARALLEL_MIN = 1 << 14;
    private final int threads;
    private byte[][] keys = new byte[1024][];
    private Object[] values = new Object[1024];
    /** Expiry times, allocated with the first key that has one. */
    private long[] expires;
    private int[] slots = new int[1024];
    private int[] hashes = new int[1024];
    private int count;

    Batch(int threads) {
      this.threads = threads;
    }

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
      count++;
    }

    /**
     * Slot, hash and entry bytes of the entries {@code [from, to)}, and their count per slot into
     * {@code perSlot}; returns the sum of their entry bytes.
     */
    private long describe(int from, int to, int[] perSlot) {
      long bytes = 0;
      for (int i = from; i < to; i++) {
        byte[] key = keys[i];
        int slot = KeySlot.of(key);
        slots[i] = slot;
        hashes[i] = SlotTable.hash(key);
        perSlot[slot]++;
        bytes += BulkInsert.entryBytes(key, values[i]);
      }
      return bytes;
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

    /** Inserts the slots {@code [fromSlot, toSlot)} through one bulk insert; returns it unfinished. */
    private BulkInsert insertSlots(Database db, int[] starts, int[] order, int fromSlot, int toSlot) {
      BulkInsert insert = db.bulkInsert();
      for (int s = fromSlot; s < toSlot; s++) {
        int from = starts[s];
        int to = starts[s + 1];
        if (from != to) {
          insertSlot(insert, s, order, from, to);
        }
      }
      return insert;
    }

    boolean full() {
      return count == ENTRIES_MAX;
    }

    void flush(Database db) throws IOException {
      if (count == 0) {
        return;
      }
      // Threads only into a database that is empty: then every slot table is fresh and touched by
      // one thread alone, whereas a key already present goes through Database.set.
      int workers = count >= PARALLEL_MIN && db.size() == 0 ? threads : 1;
      int n = count;
      // Entry counts per slot, one array per worker, merged below.
      int[][] perSlot = new int[workers][KeySlot.SLOT_COUNT];
      long[] bytes = new long[workers];
      parallel(workers, w -> bytes[w] = describe(share(n, workers, w), share(n, workers, w + 1), perSlot[w]));
      int[] starts = new int[KeySlot.SLOT_COUNT + 1];
      for (int s = 0; s < KeySlot.SLOT_COUNT; s++) {
        int inSlot = 0;
        for (int w = 0; w < workers; w++) {
          inSlot += perSlot[w][s];
        }
        starts[s + 1] = starts[s] + inSlot;
      }
      // Within a slot the entries keep their file order, so of a key loaded twice the later wins.
      int[] order = new int[n];
      int[] next = Arrays.copyOf(starts, KeySlot.SLOT_COUNT);
      for (int i = 0; i < n; i++) {
        order[next[slots[i]]++] = i;
      }
      // Slot ranges of about equal entry counts, one per worker.
      int[] bounds = new int[workers + 1];
      bounds[workers] = KeySlot.SLOT_COUNT;
      for (int w = 1, s = 0; w < workers; w++) {
        long wanted = (long) n * w / workers;
        while (s < KeySlot.SLOT_COUNT && starts[s] < wanted) {
          s++;
        }
        bounds[w] = s;
      }
      BulkInsert[] inserts = new BulkInsert[workers];
      parallel(workers, w -> inserts[w] = insertSlots(db, starts, order, bounds[w], bounds[w + 1]));
      long total = 0;
      for (long b : bytes) {
        total += b;
      }
      inserts[0].finish(total);
      for (int w = 1; w < workers; w++) {
        inserts[w].finish(0);
      }
      Arrays.fill(keys, 0, count, null);
      Arrays.fill(values, 0, count, null);
      if (expires != null) {
        Arrays.fill(expires, 0, count, 0);
      }
      count = 0;
    }

    /** Start of worker {@code w}'s share of {@code n} entries. */
    private static int share(int n, int workers, int w) {
      return (int) ((long) n * w / workers);
    }

    /** Runs {@code task} for workers 1.. on threads of their own and for worker 0 on this one. */
    private static void parallel(int workers, java.util.function.IntConsumer task) throws IOException {
      Thread[] helpers = new Thread[workers - 1];
      Throwable[] failures = new Throwable[workers];
      for (int w = 1; w < workers; w++) {
        int worker = w;
        helpers[w - 1] = new Thread(() -> {
          try {
            task.accept(worker);
          } catch (Throwable t) {
            failures[worker] = t;
          }
        }, "shoal-rdb-load-" + w);
        helpers[w - 1].start();
      }
      try {
        task.accept(0);
      } finally {
        for (Thread helper : helpers) {
          try {
            helper.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading", e);
          }
        }
      }
      for (Throwable failure : failures) {
        if (failure instanceof RuntimeException) {
          throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
          throw (Error) failure;
        }
      }
    }
  }
}
