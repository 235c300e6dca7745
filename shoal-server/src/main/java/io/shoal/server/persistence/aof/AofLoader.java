package io.shoal.server.persistence.aof;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Replays an append-only file at start-up, as Redis's {@code loadSingleAppendOnlyFile} does: an
 * RDB preamble if the file starts with "REDIS", then RESP command arrays, each handed to the
 * caller (who runs it through the dispatcher with a fake client).
 *
 * <p>A file that ends inside a record is what a crash mid-write leaves: with {@code
 * aof-load-truncated yes} the torn record is cut off (the file is truncated to the last complete
 * record) and loading succeeds with a warning; otherwise loading fails. Anything that is not RESP
 * where a record should start is damage, and loading fails with the offset of the bad record.
 */
public final class AofLoader {
  private static final System.Logger LOG = System.getLogger(AofLoader.class.getName());
  private static final int ARGUMENTS_MAX = 1 << 20;
  private static final long ARGUMENT_BYTES_MAX = 512L * 1024 * 1024;

  /** Loads an RDB preamble from the stream and returns the number of bytes it took. */
  public interface PreambleLoader {
    long load(InputStream in) throws IOException;
  }

  public interface CommandSink {
    void execute(byte[][] args);
  }

  /** What loading found: commands replayed, and the offset the file was truncated to, or -1. */
  public record Result(long commands, boolean preamble, long truncatedTo) {}

  /** Thrown for a damaged file; the message names the offset. */
  public static final class DamagedFileException extends IOException {
    public DamagedFileException(String message) {
      super(message);
    }
  }

  private AofLoader() {}

  public static Result load(Path path, boolean loadTruncated, PreambleLoader preamble, CommandSink sink) throws IOException {
    long start = 0;
    boolean hasPreamble = false;
    try (InputStream in = Files.newInputStream(path)) {
      byte[] magic = in.readNBytes(5);
      if (magic.length == 5 && new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("REDIS")) {
        hasPreamble = true;
      }
    }
    if (hasPreamble) {
      try (InputStream in = Files.newInputStream(path)) {
        start = preamble.load(in);
      }
    }
    long commands = 0;
    long recordStart = start;
    try (InputStream raw = Files.newInputStream(path)) {
      raw.skipNBytes(start);
      Reader reader = new Reader(new BufferedInputStream(raw, 1 << 16), start);
      while (true) {
        recordStart = reader.offset;
        int first = reader.read();
        if (first < 0) {
          return new Result(commands, hasPreamble, -1);
        }
        if (first != '*') {
          throw damaged(recordStart);
        }
        long count = reader.number(recordStart);
        if (count < 1 || count > ARGUMENTS_MAX) {
          throw damaged(recordStart);
        }
        byte[][] args = new byte[(int) count][];
        for (int i = 0; i < count; i++) {
          int marker = reader.read();
          if (marker < 0) {
            throw new TornRecord();
          }
          if (marker != '$') {
            throw damaged(recordStart);
          }
          long length = reader.number(recordStart);
          if (length < 0 || length > ARGUMENT_BYTES_MAX) {
            throw damaged(recordStart);
          }
          args[i] = reader.bytes((int) length);
          reader.crlf(recordStart);
        }
        sink.execute(args);
        commands++;
      }
    } catch (TornRecord torn) {
      if (!loadTruncated) {
        throw new DamagedFileException("Unexpected end of file reading the append only file " + path
            + " at offset " + recordStart + ". You can: 1) Make a backup of your AOF file, then use"
            + " redis-check-aof --fix <filename>. 2) Alternatively you can set the 'aof-load-truncated'"
            + " configuration option to yes and restart the server.");
      }
      LOG.log(System.Logger.Level.WARNING, "!!! Warning: short read while loading the AOF file {0}!!!"
          + " AOF loaded anyway because aof-load-truncated is enabled; truncating the file to offset {1}",
          path, Long.toString(recordStart));
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
        channel.truncate(recordStart);
        channel.force(true);
      }
      return new Result(commands, hasPreamble, recordStart);
    }
  }

  private static DamagedFileException damaged(long offset) {
    return new DamagedFileException("Bad file format reading the append only file at offset " + offset
        + ": make a backup of your AOF file, then use redis-check-aof --fix <filename>");
  }

  /** The file ended inside a record. */
  private static final class TornRecord extends IOException {
    TornRecord() {
      super(null, null);
    }
  }

  private static final class Reader {
    private final InputStream in;
    long offset;

    Reader(InputStream in, long offset) {
      this.in = in;
      this.offset = offset;
    }

    int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        offset++;
      }
      return b;
    }

    long number(long recordStart) throws IOException {
      long value = 0;
      boolean negative = false;
      int digits = 0;
      while (true) {
        int b = read();
        if (b < 0) {
          throw new TornRecord();
        }
        if (b == '\r') {
          int lf = read();
          if (lf < 0) {
            throw new TornRecord();
          }
          if (lf != '\n' || digits == 0) {
            throw damaged(recordStart);
          }
          return negative ? -value : value;
        }
        if (b == '-' && digits == 0 && !negative) {
          negative = true;
          continue;
        }
        if (b < '0' || b > '9' || digits > 18) {
          throw damaged(recordStart);
        }
        value = value * 10 + (b - '0');
        digits++;
      }
    }

    byte[] bytes(int length) throws IOException {
      byte[] result = in.readNBytes(length);
      offset += result.length;
      if (result.length < length) {
        throw new TornRecord();
      }
      return result;
    }

    void crlf(long recordStart) throws IOException {
      int cr = read();
      int lf = cr < 0 ? -1 : read();
      if (cr < 0 || lf < 0) {
        throw new TornRecord();
      }
      if (cr != '\r' || lf != '\n') {
        throw damaged(recordStart);
      }
    }
  }
}
