package io.shoal.server.persistence.rdb;

import io.shoal.server.persistence.Snapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a whole RDB file from a {@link Snapshot}, in the layout of Redis 7's {@code rdbSaveRio}:
 * the "REDIS0010" magic, AUX fields (redis-ver, redis-bits, ctime, used-mem, aof-base), then per
 * non-empty database SELECTDB, RESIZEDB and the keys, each preceded by EXPIRETIME_MS when it has a
 * TTL, then EOF and the little-endian CRC-64 of everything before it.
 */
public final class RdbWriter {
  /** The version Shoal reports in the redis-ver AUX field; tools only print it. */
  public static final String REDIS_VERSION = "7.0.0";

  private RdbWriter() {}

  /** Writes the file; returns the number of bytes written. */
  public static long write(Snapshot snapshot, OutputStream stream, CollectionCodecs codecs,
      boolean compress, long usedMemoryBytes, boolean aofPreamble) throws IOException {
    return write(snapshot, stream, codecs, compress, usedMemoryBytes, aofPreamble, java.util.Map.of());
  }

  /** As above, with extra AUX fields (replication writes repl-stream-db, repl-id, repl-offset). */
  public static long write(Snapshot snapshot, OutputStream stream, CollectionCodecs codecs,
      boolean compress, long usedMemoryBytes, boolean aofPreamble, java.util.Map<String, String> extraAux)
      throws IOException {
    RdbOutput out = new RdbOutput(stream, compress);
    out.writeBytes(String.format("REDIS%04d", RdbFormat.WRITE_VERSION).getBytes(StandardCharsets.US_ASCII));
    aux(out, "redis-ver", REDIS_VERSION);
    aux(out, "redis-bits", "64");
    aux(out, "ctime", Long.toString(snapshot.takenMillis() / 1000));
    aux(out, "used-mem", Long.toString(usedMemoryBytes));
    aux(out, "aof-base", aofPreamble ? "1" : "0");
    for (java.util.Map.Entry<String, String> field : extraAux.entrySet()) {
      aux(out, field.getKey(), field.getValue());
    }
    for (int d = 0; d < snapshot.databaseCount(); d++) {
      long keys = snapshot.keys(d);
      if (keys == 0) {
        continue;
      }
      out.writeByte(RdbFormat.OPCODE_SELECTDB);
      out.writeLength(d);
      out.writeByte(RdbFormat.OPCODE_RESIZEDB);
      out.writeLength(keys);
      out.writeLength(snapshot.expires(d));
      for (Snapshot.Chunk chunk : snapshot.database(d)) {
        for (int i = 0; i < chunk.count; i++) {
          if (chunk.expires[i] != 0) {
            out.writeByte(RdbFormat.OPCODE_EXPIRETIME_MS);
            out.writeLongLittleEndian(chunk.expires[i]);
          }
          writeEntry(out, chunk.keys[i], chunk.values[i], codecs, compress);
          // Serialized whole (into the entry's own buffer): clients may change it in place now.
          snapshot.written(chunk.values[i]);
        }
      }
    }
    out.writeByte(RdbFormat.OPCODE_EOF);
    out.writeChecksum();
    out.flush();
    return out.written();
  }

  private static void writeEntry(RdbOutput out, byte[] key, Object value, CollectionCodecs codecs, boolean compress)
      throws IOException {
    RdbOutput probe = out;
    if (value instanceof byte[]) {
      probe.writeByte(RdbFormat.TYPE_STRING);
      probe.writeString(key);
      probe.writeString((byte[]) value);
      return;
    }
    // The type byte comes before the key: encode the value aside, then split type and body.
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    RdbOutput valueOut = new RdbOutput(body, compress);
    RdbValues.write(valueOut, value, codecs);
    valueOut.flush();
    byte[] bytes = body.toByteArray();
    out.writeByte(bytes[0] & 0xff);
    out.writeString(key);
    out.writeBytes(bytes, 1, bytes.length - 1);
  }

  private static void aux(RdbOutput out, String name, String value) throws IOException {
    out.writeByte(RdbFormat.OPCODE_AUX);
    out.writeString(name);
    out.writeString(value);
  }
}
