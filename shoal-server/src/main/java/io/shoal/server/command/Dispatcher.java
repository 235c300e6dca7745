package io.shoal.server.command;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.keyspace.CollectionValue;
import io.shoal.server.keyspace.CopyOnWrite;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs one request: lookup, arity, authentication, MULTI queueing, subscribe-mode and OOM checks,
 * then the command itself under the locks of its keys' slots, then the bookkeeping every write
 * needs (memory accounting, WATCH, blocked clients) while those locks are still held.
 *
 * <p>The checks are in Redis's order ({@code processCommand}), so a client sees the same error
 * Redis would give for the same mistake.
 */
public final class Dispatcher {
  private static final int[] NO_SLOTS = new int[0];

  private final ShoalServer server;

  public Dispatcher(ShoalServer server) {
    this.server = server;
  }

  /** Executes a request from a client; the reply goes to the client's reply writer. */
  public void dispatch(CommandContext context, byte[][] args) {
    dispatch(context, args, server.commands().lookup(args[0]), -1);
  }

  /**
   * {@link #dispatch(CommandContext, byte[][])} for a caller that has already looked the command
   * up ({@code found} is {@link CommandRegistry#lookup}'s answer for {@code args[0]}, null for an
   * unknown command) and, when {@code firstKeySlot} is not -1, computed the slot of the key at the
   * command's first key position (the connection's prefetch does both).
   */
  public void dispatch(CommandContext context, byte[][] args, CommandSpec found, int firstKeySlot) {
    ClientConnection client = context.client();
    Reply reply = client.reply();
    CommandSpec spec = found;
    int knownSlot = firstKeySlot;
    if (spec == null) {
      rejectInMulti(client);
      reply.error(unknownCommand(args));
      return;
    }
    if (spec.hasSubcommands() && args.length >= 2) {
      CommandSpec sub = CommandRegistry.subcommand(spec, args[1]);
      if (sub != null) {
        spec = sub;
        knownSlot = -1;
      } else if (spec.handler() == null) {
        rejectInMulti(client);
        reply.error("ERR unknown subcommand '" + abbreviate(args[1]) + "'. Try "
            + spec.name().toUpperCase() + " HELP.");
        return;
      }
    }
    if (!spec.arityAccepts(args.length) || (spec.handler() == null)) {
      rejectInMulti(client);
      spec.stats().rejected.increment();
      reply.error(ShoalError.wrongArgs(spec.fullName()));
      return;
    }
    if (!client.authenticated() && !spec.has(CommandFlag.NO_AUTH)) {
      rejectInMulti(client);
      reply.error("NOAUTH Authentication required.");
      return;
    }
    if (client.inMulti() && !isTransactionControl(spec)) {
      if (spec.has(CommandFlag.NO_MULTI)) {
        rejectInMulti(client);
        reply.error("ERR Command not allowed inside a transaction");
        return;
      }
      client.multiQueue().add(args);
      reply.queued();
      return;
    }
    if (client.inSubscribeMode() && !allowedWhileSubscribed(spec)) {
      reply.error("ERR Can't execute '" + spec.fullName() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
      return;
    }
    if (server.held(context, spec, args)) {
      return;
    }
    execute(context, spec, args, false, knownSlot);
  }

  /**
   * The first key of a request whose keys sit at fixed positions (its spec's key specs), for the
   * connection's prefetch of a pipelined read; null for unknown commands, commands with
   * subcommands or movable keys, and keyless ones. Only a hint: no check of the request.
   */
  public static byte[] prefetchKey(CommandSpec spec, byte[][] args) {
    if (spec == null || spec.hasSubcommands() || spec.movableKeys()) {
      return null;
    }
    return argAt(args, spec.firstKey());
  }

  /**
   * The member or field a request looks up in the collection at its first key
   * ({@link CommandSpec#memberArg}), for the same prefetch; null when there is none. Only a hint.
   */
  public static byte[] prefetchMember(CommandSpec spec, byte[][] args) {
    if (spec == null) {
      return null;
    }
    return argAt(args, spec.memberArg());
  }

  /**
   * The end a request pops one entry from ({@link CommandSpec#popEnd}), for the same prefetch;
   * {@link CommandSpec#POPS_NONE} when it pops none or (with a count) more than one.
   */
  public static int prefetchPop(CommandSpec spec, byte[][] args) {
    return spec == null || args.length != 2 ? CommandSpec.POPS_NONE : spec.popEnd();
  }

  /** The argument at {@code position}, or null when the position is 0 (none) or past the request. */
  private static byte[] argAt(byte[][] args, int position) {
    return position > 0 && position < args.length ? args[position] : null;
  }

  /**
   * Runs a command whose checks have passed. Inside EXEC the locks are already held by the
   * transaction, so {@code locked} skips taking them again.
   */
  public void execute(CommandContext context, CommandSpec spec, byte[][] args, boolean locked) {
    execute(context, spec, args, locked, -1);
  }

  private void execute(CommandContext context, CommandSpec spec, byte[][] args, boolean locked, int knownSlot) {
    ClientConnection client = context.client();
    Reply reply = client.reply();
    String refusal = server.refusal(client, spec, args);
    if (refusal != null) {
      spec.stats().rejected.increment();
      reply.error(refusal);
      return;
    }
    context.flushTallyBefore(spec);
    int[] keyPositions = spec.keyPositions(args);
    // The common single-key command takes its slot without an array of slots.
    // (Or the slot the caller computed for the first key, when that is the key.)
    int slot = keyPositions.length == 1 && keyPositions[0] < args.length
        ? knownSlot >= 0 && keyPositions[0] == spec.firstKey() && !spec.movableKeys() ? knownSlot : KeySlot.of(args[keyPositions[0]])
        : -1;
    int[] slots = slot >= 0 ? NO_SLOTS : slotsOf(args, keyPositions);
    SlotLocks locks = server.keyspace().locks();
    int[] stripes = null;
    boolean all = false;
    if (!locked) {
      if (lockEverything(spec)) {
        all = true;
        locks.lockAll();
      } else if (slot >= 0) {
        locks.lockSlot(slot);
      } else if (slots.length == 1) {
        locks.lockSlot(slots[0]);
      } else if (slots.length > 1) {
        stripes = locks.stripesOf(slots, slots.length);
        locks.lockStripes(stripes);
      }
    }
    long started = context.commandStart();
    long repliesBefore = reply.repliesWritten();
    boolean failed = false;
    context.prepare(spec, args);
    context.keySlots(keyPositions, slot, slots);
    boolean denyBlockingBefore = client.denyBlocking();
    if (locked) {
      client.denyBlocking(true);
    }
    // While a snapshot shares the collections, a read-only command reads them where they are
    // instead of copying them (see CopyOnWrite): declared for its handler only, so that nothing
    // else this thread runs (a write, an EXEC around this command) is taken for a read. A snapshot
    // that starts after this check only makes the command copy, the safe side.
    boolean readOnly = spec.has(CommandFlag.READONLY) && server.keyspace().sharing();
    boolean readOnlyBefore = readOnly && CopyOnWrite.readOnly(true);
    try {
      spec.handler().execute(context);
      // A command that blocked has changed nothing yet: waking WATCH or other waiters would be wrong.
      if (spec.isWrite() && !client.blocked()) {
        List<byte[][]> propagation = context.propagation();
        // A write that propagates nothing changed nothing (DEL of a missing key, SET NX refused):
        // as in Redis, which signals a modified key only on a change, it does not abort WATCHers.
        boolean changed = propagation == null || !propagation.isEmpty();
        afterWrite(client, spec, args, keyPositions, slot, slots, changed, context.changedInPlace());
        if (lockEverything(spec)) {
          afterKeylessWrite(client);
        }
        List<CommandLog> logs = server.commandLogs();
        for (int i = 0; i < logs.size(); i++) {
          logs.get(i).written(client, spec, args, propagation);
        }
      }
    } catch (ShoalError error) {
      failed = true;
      if (reply.repliesWritten() == repliesBefore) {
        reply.error(error.getMessage());
      } else {
        throw new IllegalStateException("command " + spec.fullName() + " failed after replying", error);
      }
    } finally {
      if (readOnly) {
        CopyOnWrite.restore(readOnlyBefore);
      }
      client.denyBlocking(denyBlockingBefore);
      if (!locked) {
        if (all) {
          locks.unlockAll();
        } else if (slot >= 0) {
          locks.unlockSlot(slot);
        } else if (slots.length == 1) {
          locks.unlockSlot(slots[0]);
        } else if (stripes != null) {
          locks.unlockStripes(stripes);
        }
      }
    }
    long micros = (context.commandEnd() - started) / 1000;
    CommandStats stats = spec.stats();
    context.tally(stats, micros);
    if (failed) {
      stats.failed.increment();
    }
    server.commandCompleted(client, spec, args, micros);
    if (!locked) {
      server.afterCommand();
    }
  }

  private static boolean lockEverything(CommandSpec spec) {
    // Keyless writes (FLUSHALL, SWAPDB...) and whole-keyspace admin commands see one instant.
    return spec.firstKey() <= 0 && !spec.movableKeys() && spec.isWrite();
  }

  private void afterWrite(ClientConnection client, CommandSpec spec, byte[][] args, int[] keyPositions,
      int slot, int[] slots, boolean changed, CollectionValue changedInPlace) {
    if (keyPositions.length == 0) {
      return;
    }
    Database db = server.keyspace().db(client.db());
    // A string command changed no collection in place: no second lookup of each key.
    boolean collections = !spec.writesOnlyStrings();
    List<KeyWriteListener> listeners = changed ? server.keyWriteListeners() : List.of();
    // The slots computed for locking, in key order when none was skipped.
    boolean slotsInOrder = slots.length == keyPositions.length;
    for (int j = 0; j < keyPositions.length; j++) {
      int position = keyPositions[j];
      if (position >= args.length) {
        continue;
      }
      byte[] key = args[position];
      if (collections) {
        if (changedInPlace != null && keyPositions.length == 1 && changedInPlace.length() > 0) {
          db.changedInPlace(changedInPlace);
        } else {
          db.changed(key, slot >= 0 ? slot : slotsInOrder ? slots[j] : KeySlot.of(key));
        }
      }
      for (int i = 0; i < listeners.size(); i++) {
        listeners.get(i).keyWritten(client.db(), key, client);
      }
    }
  }

  private void afterKeylessWrite(ClientConnection client) {
    List<KeyWriteListener> listeners = server.keyWriteListeners();
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).keylessWrite(client.db(), client);
    }
  }

  /** Slots of the given key arguments, in argument order. */
  public static int[] slotsOf(byte[][] args, int[] keyPositions) {
    if (keyPositions.length == 0) {
      return NO_SLOTS;
    }
    int[] slots = new int[keyPositions.length];
    int count = 0;
    for (int position : keyPositions) {
      if (position < args.length) {
        slots[count++] = KeySlot.of(args[position]);
      }
    }
    return count == slots.length ? slots : java.util.Arrays.copyOf(slots, count);
  }

  private static boolean isTransactionControl(CommandSpec spec) {
    String name = spec.parent() == null ? spec.name() : spec.parent().name();
    switch (name) {
      case "exec": case "discard": case "multi": case "watch": case "quit": case "reset":
        return true;
      default:
        return false;
    }
  }

  private static boolean allowedWhileSubscribed(CommandSpec spec) {
    String name = spec.parent() == null ? spec.name() : spec.parent().name();
    switch (name) {
      case "subscribe": case "unsubscribe": case "psubscribe": case "punsubscribe": case "ssubscribe":
      case "sunsubscribe": case "ping": case "quit": case "reset":
        return true;
      default:
        return false;
    }
  }

  private static void rejectInMulti(ClientConnection client) {
    if (client.inMulti()) {
      client.markMultiDirty();
    }
  }

  private static String unknownCommand(byte[][] args) {
    StringBuilder text = new StringBuilder("ERR unknown command '").append(abbreviate(args[0]))
        .append("', with args beginning with: ");
    for (int i = 1; i < args.length && text.length() < 256; i++) {
      text.append('\'').append(abbreviate(args[i])).append("' ");
    }
    return text.toString();
  }

  private static String abbreviate(byte[] value) {
    String text = new String(value, 0, Math.min(value.length, 128), StandardCharsets.UTF_8);
    return text;
  }
}
