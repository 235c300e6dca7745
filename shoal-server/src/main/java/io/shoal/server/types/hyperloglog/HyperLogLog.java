package io.shoal.server.types.hyperloglog;

import io.shoal.server.resp.ShoalError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HyperLogLog in Redis's exact string format (hyperloglog.c), so that a value written by Redis
 * (GET, DUMP, replication) is read here and the other way round.
 *
 * <p>Layout: a 16-byte header, "HYLL", one encoding byte (0 dense, 1 sparse), three unused bytes
 * and a cached cardinality as 8 little-endian bytes whose top bit marks the cache stale. Then
 * 16384 registers (p = 14). Dense packs them as 6-bit fields, least significant bits first, in
 * 12288 bytes. Sparse run-length encodes them with three opcodes: ZERO {@code 00xxxxxx} (1-64 zero
 * registers), XZERO {@code 01xxxxxx yyyyyyyy} (1-16384 zero registers) and VAL {@code 1vvvvvxx}
 * (1-4 registers of value 1-32). A sparse value turns dense when a register exceeds 32 or it
 * grows past {@code hll-sparse-max-bytes}.
 *
 * <p>Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register
 * and the position of the first set bit in the remaining 50 (plus one) is the value it may take.
 * The cardinality is Ertl's improved estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017), as Redis computes it from the register histogram; its standard
 * error is 1.04 / sqrt(16384), about 0.81%.
 *
 * <p>Sparse updates here decode to a register array, change it and re-encode canonically rather
 * than splicing opcodes in place as Redis does; the bytes may then differ from Redis's for the
 * same history, but both read each other's encodings and agree on every register.
 */
public final class HyperLogLog {
  public static final int REGISTERS = 16384;
  public static final int HEADER_BYTES = 16;
  public static final int DENSE_BYTES = HEADER_BYTES + (REGISTERS * 6 + 7) / 8;
  private static final int P = 14;
  private static final int Q = 64 - P;
  private static final int REGISTER_MAX = 63;
  private static final int SPARSE_VALUE_MAX = 32;
  private static final int SPARSE_VALUE_RUN_MAX = 4;
  private static final int SPARSE_ZERO_RUN_MAX = 64;
  private static final int SPARSE_XZERO_RUN_MAX = 16384;
  private static final long SEED = 0xadc83b19L;
  private static final double ALPHA_INFINITY = 0.721347520444481703680;
  private static final byte[] MAGIC = "HYLL".getBytes(StandardCharsets.US_ASCII);
  private static final int DENSE = 0;
  private static final int SPARSE = 1;

  private HyperLogLog() {}

  public static ShoalError notHyperLogLog() {
    return new ShoalError("WRONGTYPE Key is not a valid HyperLogLog string value.");
  }

  public static ShoalError corrupted() {
    return new ShoalError("INVALIDOBJ Corrupted HLL object detected");
  }

  /** Redis's isHLLObjectOrReply: the header is sane and a dense value has the exact size. */
  public static boolean isValid(byte[] value) {
    if (value.length < HEADER_BYTES) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (value[i] != MAGIC[i]) {
        return false;
      }
    }
    int encoding = value[4];
    if (encoding != DENSE && encoding != SPARSE) {
      return false;
    }
    return encoding != DENSE || value.length == DENSE_BYTES;
  }

  public static boolean isDense(byte[] value) {
    return value[4] == DENSE;
  }

  /** An empty sparse HyperLogLog with a valid cached cardinality of 0, as PFADD creates. */
  public static byte[] createEmpty() {
    byte[] value = header(SPARSE, HEADER_BYTES + 2);
    int length = REGISTERS - 1;
    value[HEADER_BYTES] = (byte) ((length >> 8) | 0x40);
    value[HEADER_BYTES + 1] = (byte) length;
    return value;
  }

  private static byte[] header(int encoding, int size) {
    byte[] value = new byte[size];
    System.arraycopy(MAGIC, 0, value, 0, 4);
    value[4] = (byte) encoding;
    return value;
  }

  /** The register index (low 32 bits) and value (high 32 bits) an element maps to. */
  public static long patternOf(byte[] element) {
    long hash = MurmurHash64A.hash(element, SEED);
    int index = (int) (hash & (REGISTERS - 1));
    hash >>>= P;
    hash |= 1L << Q;
    int count = Long.numberOfTrailingZeros(hash) + 1;
    return ((long) count << 32) | index;
  }

  /** The registers, one byte each, of a valid HyperLogLog; INVALIDOBJ if sparse data is corrupt. */
  public static byte[] registers(byte[] value) {
    byte[] registers = new byte[REGISTERS];
    maxInto(value, registers);
    return registers;
  }

  /** Raises each of {@code registers} to the value's register where that is higher. */
  public static void maxInto(byte[] value, byte[] registers) {
    if (isDense(value)) {
      for (int i = 0; i < REGISTERS; i++) {
        int register = denseGet(value, i);
        if (register > registers[i]) {
          registers[i] = (byte) register;
        }
      }
      return;
    }
    int index = 0;
    int position = HEADER_BYTES;
    while (position < value.length) {
      int opcode = value[position] & 0xFF;
      if ((opcode & 0x80) != 0) {
        int register = ((opcode >> 2) & 0x1F) + 1;
        int run = (opcode & 0x3) + 1;
        if (index + run > REGISTERS) {
          throw corrupted();
        }
        for (int i = 0; i < run; i++, index++) {
          if (register > registers[index]) {
            registers[index] = (byte) register;
          }
        }
        position++;
      } else if ((opcode & 0x40) != 0) {
        if (position + 1 >= value.length) {
          throw corrupted();
        }
        index += (((opcode & 0x3F) << 8) | (value[position + 1] & 0xFF)) + 1;
        position += 2;
      } else {
        index += (opcode & 0x3F) + 1;
        position++;
      }
      if (index > REGISTERS) {
        throw corrupted();
      }
    }
    if (index != REGISTERS) {
      throw corrupted();
    }
  }

  static int denseGet(byte[] value, int register) {
    int bit = register * 6;
    int at = HEADER_BYTES + bit / 8;
    int shift = bit & 7;
    int low = value[at] & 0xFF;
    int high = at + 1 < value.length ? value[at + 1] & 0xFF : 0;
    return ((low >>> shift) | (high << (8 - shift))) & REGISTER_MAX;
  }

  static void denseSet(byte[] value, int register, int count) {
    int bit = register * 6;
    int at = HEADER_BYTES + bit / 8;
    int shift = bit & 7;
    value[at] = (byte) ((value[at] & ~(REGISTER_MAX << shift)) | (count << shift));
    if (at + 1 < value.length) {
      int spill = 8 - shift;
      value[at + 1] = (byte) ((value[at + 1] & ~(REGISTER_MAX >>> spill)) | (count >>> spill));
    }
  }

  /** Dense encoding of a register array, with the cardinality cache marked stale. */
  public static byte[] encodeDense(byte[] registers) {
    byte[] value = header(DENSE, DENSE_BYTES);
    for (int i = 0; i < REGISTERS; i++) {
      if (registers[i] != 0) {
        denseSet(value, i, registers[i]);
      }
    }
    invalidateCache(value);
    return value;
  }

  /** Sparse encoding of a register array (cache stale), or null when a register exceeds 32. */
  public static byte[] encodeSparse(byte[] registers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(header(SPARSE, HEADER_BYTES), 0, HEADER_BYTES);
    int index = 0;
    while (index < REGISTERS) {
      int register = registers[index];
      int run = 1;
      if (register == 0) {
        while (index + run < REGISTERS && registers[index + run] == 0 && run < SPARSE_XZERO_RUN_MAX) {
          run++;
        }
        if (run > SPARSE_ZERO_RUN_MAX) {
          out.write(((run - 1) >> 8) | 0x40);
          out.write((run - 1) & 0xFF);
        } else {
          out.write(run - 1);
        }
      } else {
        if (register > SPARSE_VALUE_MAX) {
          return null;
        }
        while (index + run < REGISTERS && registers[index + run] == register && run < SPARSE_VALUE_RUN_MAX) {
          run++;
        }
        out.write(0x80 | ((register - 1) << 2) | (run - 1));
      }
      index += run;
    }
    byte[] value = out.toByteArray();
    invalidateCache(value);
    return value;
  }

  /** The smallest encoding allowed for the registers: sparse within the byte limit, else dense. */
  public static byte[] encode(byte[] registers, long sparseMaxBytes) {
    byte[] sparse = encodeSparse(registers);
    return sparse != null && sparse.length <= sparseMaxBytes ? sparse : encodeDense(registers);
  }

  /**
   * Adds elements (arguments {@code from} onwards) to a valid HyperLogLog. Returns the value to
   * store, the same array when nothing changed, and sets {@code changed[0]}. A changed dense value
   * is a copy: a stored string may be shared (COPY, a snapshot being written, shared counters), so
   * it is never written in place, where Redis's fork and string duplication make that safe.
   */
  public static byte[] add(byte[] value, byte[][] elements, int from, long sparseMaxBytes, boolean[] changed) {
    if (isDense(value)) {
      byte[] dense = value;
      for (int i = from; i < elements.length; i++) {
        long pattern = patternOf(elements[i]);
        int index = (int) pattern;
        int count = (int) (pattern >>> 32);
        if (count > denseGet(dense, index)) {
          if (dense == value) {
            dense = value.clone();
          }
          denseSet(dense, index, count);
          changed[0] = true;
        }
      }
      if (changed[0]) {
        invalidateCache(dense);
      }
      return dense;
    }
    byte[] registers = registers(value);
    for (int i = from; i < elements.length; i++) {
      long pattern = patternOf(elements[i]);
      int index = (int) pattern;
      int count = (int) (pattern >>> 32);
      if (count > registers[index]) {
        registers[index] = (byte) count;
        changed[0] = true;
      }
    }
    return changed[0] ? encode(registers, sparseMaxBytes) : value;
  }

  /** The dense form of a value, keeping its cached cardinality (PFDEBUG TODENSE and GETREG). */
  public static byte[] toDense(byte[] value) {
    if (isDense(value)) {
      return value;
    }
    byte[] dense = encodeDense(registers(value));
    System.arraycopy(value, 8, dense, 8, 8);
    return dense;
  }

  /** PFDEBUG DECODE: the opcodes of a sparse value as Redis words them: "z:len" ZERO, "Z:len" XZERO, "v:value,len". */
  public static String decodeSparse(byte[] value) {
    registers(value); // Validates the runs before describing them.
    StringBuilder text = new StringBuilder();
    int position = HEADER_BYTES;
    while (position < value.length) {
      int opcode = value[position] & 0xFF;
      if ((opcode & 0x80) != 0) {
        text.append("v:").append(((opcode >> 2) & 0x1F) + 1).append(',').append((opcode & 0x3) + 1).append(' ');
        position++;
      } else if ((opcode & 0x40) != 0) {
        text.append("Z:").append((((opcode & 0x3F) << 8) | (value[position + 1] & 0xFF)) + 1).append(' ');
        position += 2;
      } else {
        text.append("z:").append((opcode & 0x3F) + 1).append(' ');
        position++;
      }
    }
    return text.toString().trim();
  }

  public static void invalidateCache(byte[] value) {
    value[15] |= (byte) 0x80;
  }

  /** PFCOUNT of one value: the cached cardinality, or a fresh estimate (the value is not written). */
  public static long count(byte[] value) {
    if ((value[15] & 0x80) == 0) {
      long cached = 0;
      for (int i = 7; i >= 0; i--) {
        cached = (cached << 8) | (value[8 + i] & 0xFF);
      }
      return cached;
    }
    return estimate(registers(value));
  }

  /**
   * The value with its cardinality cached, as Redis's PFCOUNT leaves it: the value itself when its
   * cache is valid, else a copy carrying the estimate (see {@link #add} for why never in place).
   */
  public static byte[] withCache(byte[] value) {
    if ((value[15] & 0x80) == 0) {
      return value;
    }
    long estimate = estimate(registers(value));
    byte[] cached = value.clone();
    for (int i = 0; i < 8; i++) {
      cached[8 + i] = (byte) (estimate >>> (8 * i));
    }
    return cached;
  }

  /** Ertl's estimator over a register array, as Redis's hllCount. */
  public static long estimate(byte[] registers) {
    double m = REGISTERS;
    int[] histogram = new int[64];
    for (byte register : registers) {
      histogram[register]++;
    }
    double z = m * tau((m - histogram[Q + 1]) / m);
    for (int j = Q; j >= 1; j--) {
      z += histogram[j];
      z *= 0.5;
    }
    z += m * sigma(histogram[0] / m);
    return Math.round(ALPHA_INFINITY * m * m / z);
  }

  private static double tau(double x) {
    if (x == 0 || x == 1) {
      return 0;
    }
    double y = 1;
    double z = 1 - x;
    double previous;
    do {
      x = Math.sqrt(x);
      previous = z;
      y *= 0.5;
      z -= Math.pow(1 - x, 2) * y;
    } while (previous != z);
    return z / 3;
  }

  private static double sigma(double x) {
    if (x == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double y = 1;
    double z = x;
    double previous;
    do {
      x *= x;
      previous = z;
      z += x * y;
      y += y;
    } while (previous != z);
    return z;
  }
}
