package io.shoal.server.command;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.RandomDraws;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a command sees while it runs: its arguments, its client, the reply writer and the server.
 * One instance per connection, reused for every command, so running a command allocates nothing.
 */
public final class CommandContext {
  private final ShoalServer server;
  private final ClientConnection client;
  /** SPOP's numbers drawn ahead by the connection's prefetch (see {@link RandomDraws}). */
  private final RandomDraws randomDraws = new RandomDraws();
  private byte[][] args;
  private CommandSpec spec;
  // What this execution propagates when it is not its own arguments; reused, so a command that
  // propagates verbatim (the default) allocates nothing.
  private final ArrayList<byte[][]> effects = new ArrayList<>(2);
  private boolean rewritten;
  private boolean verbatimKept;
  // Slots the dispatcher computed for this execution's key arguments (for locking), so that the
  // keyspace need not hash the same keys again: keySlot for the single-key case, else keySlots
  // in the order of keyPositions (null when unknown).
  private int[] keyPositions;
  private int[] keySlots;
  private int keySlot = -1;
  private int keySlotCursor;
  // System.nanoTime at the end of the previous command of the batch of requests being run, 0
  // outside a batch: the next command's start, so a pipelined command reads the clock once.
  private long batchClock;
  // The collection at the command's key that it changed in place, if it said so (see changedInPlace).
  private CollectionValue changedInPlace;
  // Calls and microseconds of consecutive runs of one command in a batch, not yet added to its
  // shared counters (see tally).
  private CommandStats talliedStats;
  private long talliedCalls;
  private long talliedMicros;
  // Reused by slotsOfKeys, so that a command of many keys allocates nothing for their slots.
  private int[] slotScratch = new int[16];
  // Reused by prefetch for the keys' table hashes.
  private int[] hashScratch = new int[16];
  // Written with what Database.prefetch returns, so that its loads are not optimised away.
  private int prefetched;

  public CommandContext(ShoalServer server, ClientConnection client) {
    this.server = server;
    this.client = client;
  }

  /**
   * Starts (a System.nanoTime reading) or ends (0) a batch of requests read together: within it a
   * command's time runs from the end of the previous command, which saves one clock read per
   * pipelined command and adds only the few steps of parsing and dispatch between the two.
   */
  public void batchClock(long nanos) {
    batchClock = nanos;
    if (nanos == 0) {
      flushTally();
    }
  }

  /**
   * Counts a completed call of a command (INFO commandstats, total_commands_processed). Within a
   * batch, consecutive calls of the same command are summed here and added to the shared
   * counters once, when another command comes ({@link #flushTallyBefore}) or the batch ends:
   * each shared add is an atomic update of a counter every I/O thread writes, and the three of
   * every call drew about a tenth of the Java samples of pipelined LPUSHes in a profile. The batch's
   * replies leave after it ends, so a client never reads the counters without its own calls.
   */
  void tally(CommandStats stats, long micros) {
    if (talliedStats != stats) {
      flushTally();
      talliedStats = stats;
    }
    talliedCalls++;
    talliedMicros += micros;
    if (batchClock == 0) {
      flushTally();
    }
  }

  /** Adds the summed calls to the counters before a different command runs (it may read them). */
  void flushTallyBefore(CommandSpec next) {
    if (talliedStats != null && talliedStats != next.stats()) {
      flushTally();
    }
  }

  /** Adds the calls summed so far to the shared counters. */
  public void flushTally() {
    CommandStats stats = talliedStats;
    if (stats != null) {
      stats.calls.add(talliedCalls);
      stats.micros.add(talliedMicros);
      server.stats().commandsProcessed.add(talliedCalls);
      talliedStats = null;
      talliedCalls = 0;
      talliedMicros = 0;
    }
  }

  /** The start time of a command: the end of the previous one in the batch, else now. */
  long commandStart() {
    long clock = batchClock;
    return clock != 0 ? clock : System.nanoTime();
  }

  /** The end time of a command, which the next command of the batch starts from. */
  long commandEnd() {
    long now = System.nanoTime();
    if (batchClock != 0) {
      batchClock = now == 0 ? 1 : now;
    }
    return now;
  }

  public void prepare(CommandSpec command, byte[][] arguments) {
    this.spec = command;
    this.args = arguments;
    this.keyPositions = null;
    this.keySlots = null;
    this.keySlot = -1;
    this.changedInPlace = null;
    if (rewritten) {
      effects.clear();
      rewritten = false;
      verbatimKept = false;
    }
  }

  /**
   * Replaces what the write stream (AOF, replication) receives for this execution, as Redis's
   * {@code rewriteClientCommandVector}: for a command whose effect its arguments do not determine
   * (a random pop, a float increment, a relative expiry), one that replays to the same data. The
   * first call replaces the command itself; later calls add further commands, and several
   * commands propagate as one MULTI ... EXEC.
   */
  public void propagateAs(byte[]... command) {
    if (!rewritten) {
      rewritten = true;
    } else if (verbatimKept) {
      effects.remove(0);
      verbatimKept = false;
    }
    effects.add(command);
  }

  /** Propagates the command itself and then {@code command}, as Redis's {@code alsoPropagate}. */
  public void alsoPropagate(byte[]... command) {
    if (!rewritten) {
      rewritten = true;
      verbatimKept = true;
      effects.add(args);
    }
    effects.add(command);
  }

  /** Propagates nothing for this execution: it changed nothing another node must repeat. */
  public void propagateNothing() {
    rewritten = true;
    verbatimKept = false;
    effects.clear();
  }

  /**
   * What this execution propagates: null for the command itself (the usual case), else the
   * commands, possibly none. Valid until the next command is prepared on this context.
   */
  public List<byte[][]> propagation() {
    return rewritten ? effects : null;
  }

  /**
   * Tells the dispatcher that the command changed {@code value}, the collection stored at its one
   * key, in place: the write's bookkeeping then updates the value's memory accounting without
   * looking the key up a second time (a hash and a probe per LPUSH or LPOP).
   */
  public void changedInPlace(CollectionValue value) {
    changedInPlace = value;
  }

  /** What {@link #changedInPlace} said for this execution, or null. */
  CollectionValue changedInPlace() {
    return changedInPlace;
  }

  /** The slots of the key arguments, as computed for locking; see {@link #slotOf}. */
  void keySlots(int[] positions, int slot, int[] slots) {
    this.keyPositions = positions;
    this.keySlot = slot;
    this.keySlots = slots.length == positions.length ? slots : null;
    this.keySlotCursor = 0;
  }

  /**
   * The hash slot of a key argument of this command ({@link KeySlot#of}), without hashing it
   * again when it is one of the key arguments whose slot the dispatcher computed (recognised by
   * identity, so any other array is hashed).
   */
  public int slotOf(byte[] key) {
    int[] positions = keyPositions;
    if (positions != null) {
      if (keySlot >= 0) {
        if (args[positions[0]] == key) {
          return keySlot;
        }
      } else if (keySlots != null) {
        // Commands walk their keys in order (MSET): start after the last one found.
        int count = positions.length;
        for (int n = 0, i = keySlotCursor; n < count; n++, i = i + 1 == count ? 0 : i + 1) {
          int position = positions[i];
          if (position < args.length && args[position] == key) {
            keySlotCursor = i + 1 == count ? 0 : i + 1;
            return keySlots[i];
          }
        }
      }
    }
    return KeySlot.of(key);
  }

  /**
   * The slots of {@code count} key arguments at {@code first}, {@code first + step}... in an
   * array reused by the next call (valid until then), for {@link Database#prefetch}.
   */
  public int[] slotsOfKeys(int first, int step, int count) {
    int[] slots = slotScratch;
    if (slots.length < count) {
      slots = new int[Math.max(count, slots.length * 2)];
      slotScratch = slots;
    }
    for (int j = 0, i = first; j < count; j++, i += step) {
      slots[j] = slotOf(args[i]);
    }
    return slots;
  }

  /**
   * Brings into the cache what the command will touch of these keys ({@link Database#prefetch}):
   * worth it for commands of several keys, whose memory misses then overlap. Returns the keys'
   * table hashes, in key order, for writes that take them ({@link Database#set(byte[], int, int,
   * Object)}); the array is reused by the next call.
   */
  public int[] prefetch(Database db, int first, int step, int count, int[] slots) {
    int[] hashes = hashScratch;
    if (hashes.length < count) {
      hashes = new int[Math.max(count, hashes.length * 2)];
      hashScratch = hashes;
    }
    prefetched += db.prefetch(args, first, step, slots, hashes, count);
    return hashes;
  }

  public ShoalServer server() {
    return server;
  }

  public ClientConnection client() {
    return client;
  }

  /** The numbers the connection's prefetch drew ahead for the random pops of a batch. */
  public RandomDraws randomDraws() {
    return randomDraws;
  }

  public Reply reply() {
    return client.reply();
  }

  public CommandSpec spec() {
    return spec;
  }

  public Database db() {
    return server.keyspace().db(client.db());
  }

  public byte[][] args() {
    return args;
  }

  public int argc() {
    return args.length;
  }

  public byte[] arg(int index) {
    return args[index];
  }

  public String argString(int index) {
    return new String(args[index], StandardCharsets.UTF_8);
  }

  /** The argument upper-cased, for matching option names. */
  public String option(int index) {
    return argString(index).toUpperCase(Locale.ROOT);
  }

  public boolean argIs(int index, String option) {
    byte[] arg = args[index];
    if (arg.length != option.length()) {
      return false;
    }
    for (int i = 0; i < arg.length; i++) {
      int c = arg[i];
      if (c >= 'a' && c <= 'z') {
        c -= 32;
      }
      int o = option.charAt(i);
      if (o >= 'a' && o <= 'z') {
        o -= 32;
      }
      if (c != o) {
        return false;
      }
    }
    return true;
  }

  public long argLong(int index) {
    return NumberFormat.parseLong(args[index]);
  }

  public int argInt(int index) {
    return NumberFormat.parseInt(args[index]);
  }

  public double argDouble(int index) {
    return NumberFormat.parseDouble(args[index]);
  }

  public long nowMillis() {
    return server.keyspace().nowMillis();
  }

  /** Fires a keyspace notification if notify-keyspace-events enables its class. */
  public void notify(char eventClass, String event, byte[] key) {
    server.notifications().notify(eventClass, event, key, client.db());
  }

  public ShoalError wrongArgs() {
    return ShoalError.wrongArgs(spec.fullName());
  }
}
