package io.shoal.server.transaction;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandRegistry;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.Dispatcher;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import java.util.Arrays;
import java.util.List;

/**
 * EXEC: runs a client's queued commands as one atomic step.
 *
 * <p>Redis gets atomicity from its single thread. Shoal runs commands on many event loops under
 * slot locks, so EXEC takes, before running anything, the locks of every key of every queued
 * command and of every watched key, all at once and in ascending stripe order (the order every
 * multi-key command uses, so EXEC cannot deadlock with them). A queued keyless write (FLUSHALL,
 * SWAPDB) may touch anything, so then EXEC takes every lock. With the locks held it checks the
 * watches, then runs each command through the dispatcher without locking again; each command's
 * reply, error or not, becomes one element of EXEC's array, as in Redis's {@code execCommand}.
 *
 * <p>The client stays "in MULTI" while its commands run, as Redis keeps {@code CLIENT_MULTI}:
 * blocking commands check {@link ClientConnection#inMulti()} to answer at once instead of
 * blocking.
 */
public final class TransactionExecutor {
  private final ShoalServer server;
  private final Watches watches;

  public TransactionExecutor(ShoalServer server, Watches watches) {
    this.server = server;
    this.watches = watches;
  }

  public void exec(CommandContext context) {
    ClientConnection client = context.client();
    if (!client.inMulti()) {
      throw ShoalError.err("EXEC without MULTI");
    }
    if (client.multiDirty()) {
      watches.unwatchAll(client);
      client.endMulti();
      throw new ShoalError("EXECABORT Transaction discarded because of previous errors.");
    }
    List<byte[][]> queue = client.multiQueue();
    CommandSpec[] specs = new CommandSpec[queue.size()];
    for (int i = 0; i < specs.length; i++) {
      specs[i] = resolve(queue.get(i));
    }
    LockPlan plan = planLocks(client, queue, specs);
    SlotLocks locks = server.keyspace().locks();
    plan.lock(locks);
    try {
      boolean abort = client.watchDirty() || watchedKeyExpired(client);
      // Unwatch while the watched keys' locks are held, so no writer still marks this client.
      watches.unwatchAll(client);
      Reply reply = client.reply();
      if (abort) {
        reply.nullArray();
        return;
      }
      reply.array(specs.length);
      // The writes leave the node as one MULTI ... EXEC, so a replica or a reloaded AOF applies
      // them atomically too (Redis's execCommand wraps them the same way).
      server.propagator().beginTransaction();
      try {
        for (int i = 0; i < specs.length; i++) {
          if (specs[i] == null) {
            reply.error("ERR unknown command");
            continue;
          }
          server.dispatcher().execute(context, specs[i], queue.get(i), true);
        }
      } finally {
        server.propagator().endTransaction(client);
      }
    } finally {
      plan.unlock(locks);
      client.endMulti();
    }
  }

  private CommandSpec resolve(byte[][] args) {
    CommandSpec spec = server.commands().lookup(args[0]);
    if (spec != null && spec.hasSubcommands() && args.length >= 2) {
      CommandSpec sub = CommandRegistry.subcommand(spec, args[1]);
      if (sub != null) {
        spec = sub;
      }
    }
    return spec;
  }

  /** A watched key that was live at WATCH and has expired (or vanished) since aborts EXEC. */
  private boolean watchedKeyExpired(ClientConnection client) {
    for (Object entry : client.watched()) {
      Watch watch = (Watch) entry;
      if (watch.liveAtWatch()
          && server.keyspace().db(watch.key().db()).expireTime(watch.key().key()) == -1) {
        return true;
      }
    }
    return false;
  }

  private LockPlan planLocks(ClientConnection client, List<byte[][]> queue, CommandSpec[] specs) {
    int[] slots = new int[16];
    int count = 0;
    for (int i = 0; i < specs.length; i++) {
      CommandSpec spec = specs[i];
      if (spec == null) {
        continue;
      }
      int[] positions = spec.keyPositions(queue.get(i));
      if (positions.length == 0 && touchesWholeKeyspace(spec)) {
        return LockPlan.ALL;
      }
      int[] commandSlots = Dispatcher.slotsOf(queue.get(i), positions);
      if (count + commandSlots.length > slots.length) {
        slots = Arrays.copyOf(slots, Math.max(slots.length * 2, count + commandSlots.length));
      }
      System.arraycopy(commandSlots, 0, slots, count, commandSlots.length);
      count += commandSlots.length;
    }
    for (Object entry : client.watched()) {
      if (count == slots.length) {
        slots = Arrays.copyOf(slots, slots.length * 2);
      }
      slots[count++] = io.shoal.server.slot.KeySlot.of(((Watch) entry).key().key());
    }
    return new LockPlan(server.keyspace().locks().stripesOf(slots, count));
  }

  private static boolean touchesWholeKeyspace(CommandSpec spec) {
    return (spec.isWrite() && spec.firstKey() <= 0 && !spec.movableKeys())
        || spec.has(CommandFlag.ALLOW_CROSS_SLOT);
  }

  /** Either every stripe or the given sorted stripes. */
  private static final class LockPlan {
    static final LockPlan ALL = new LockPlan(null);

    private final int[] stripes;

    LockPlan(int[] stripes) {
      this.stripes = stripes;
    }

    void lock(SlotLocks locks) {
      if (stripes == null) {
        locks.lockAll();
      } else {
        locks.lockStripes(stripes);
      }
    }

    void unlock(SlotLocks locks) {
      if (stripes == null) {
        locks.unlockAll();
      } else {
        locks.unlockStripes(stripes);
      }
    }
  }
}
