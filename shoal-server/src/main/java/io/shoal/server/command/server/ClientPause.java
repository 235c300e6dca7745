package io.shoal.server.command.server;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.server.CommandHold;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CLIENT PAUSE: commands that arrive during a pause are parked, not refused, and run in arrival
 * order when it ends, as in Redis ({@code blockPostponeClient}). Parking marks the client blocked,
 * which stops its connection reading, so no event loop ever waits: the parked request runs later
 * on the client's own event loop and the connection then reads on.
 *
 * <p>WRITE pauses commands that write or may replicate (and EXEC of a transaction containing
 * one); ALL pauses every command. Two pauses combine as Redis combines them: the later end time
 * and the more restrictive mode win. One deviation: the CLIENT command itself is never paused, so
 * another connection can always send CLIENT UNPAUSE.
 */
public final class ClientPause implements CommandHold {
  public enum Mode { NONE, WRITE, ALL }

  private record Parked(CommandContext context, byte[][] args) {}

  private final ShoalServer server;
  private final List<Parked> parked = new ArrayList<>();
  private volatile Mode mode = Mode.NONE;
  private volatile long endMillis;

  public ClientPause(ShoalServer server) {
    this.server = server;
  }

  public synchronized void pause(long durationMillis, Mode requested) {
    long now = server.nowMillis();
    long end = now + durationMillis;
    if (mode == Mode.NONE || endMillis <= now) {
      mode = requested;
      endMillis = end;
    } else {
      endMillis = Math.max(endMillis, end);
      mode = requested.ordinal() > mode.ordinal() ? requested : mode;
    }
    long delay = Math.max(1, endMillis - now);
    server.workers().next().schedule(this::endIfDue, delay, TimeUnit.MILLISECONDS);
  }

  /** CLIENT UNPAUSE, or the pause's time is up: parked commands run. */
  public void unpause() {
    List<Parked> released;
    synchronized (this) {
      mode = Mode.NONE;
      endMillis = 0;
      released = new ArrayList<>(parked);
      parked.clear();
    }
    for (Parked entry : released) {
      run(entry);
    }
  }

  private void endIfDue() {
    boolean due;
    synchronized (this) {
      due = mode != Mode.NONE && endMillis <= server.nowMillis();
      if (!due && mode != Mode.NONE) {
        server.workers().next().schedule(this::endIfDue, Math.max(1, endMillis - server.nowMillis()), TimeUnit.MILLISECONDS);
      }
    }
    if (due) {
      unpause();
    }
  }

  private void run(Parked entry) {
    ClientConnection client = entry.context().client();
    client.channel().eventLoop().execute(() -> {
      client.send(reply -> {
        client.blocked(false);
        server.dispatcher().dispatch(entry.context(), entry.args());
      });
      client.resume();
    });
  }

  /** "none", "write" or "all", as INFO clients reports paused_actions. */
  public String actions() {
    Mode current = mode;
    if (current == Mode.NONE || endMillis <= server.nowMillis()) {
      return "none";
    }
    return current == Mode.ALL ? "all" : "write";
  }

  public long remainingMillis() {
    return mode == Mode.NONE ? 0 : Math.max(0, endMillis - server.nowMillis());
  }

  @Override
  public boolean hold(CommandContext context, CommandSpec spec, byte[][] args) {
    if (mode == Mode.NONE) {
      return false;
    }
    String family = spec.parent() == null ? spec.name() : spec.parent().name();
    if (family.equals("client")) {
      return false;
    }
    synchronized (this) {
      if (mode == Mode.NONE) {
        return false;
      }
      if (endMillis <= server.nowMillis()) {
        server.workers().next().execute(this::unpause);
        return false;
      }
      if (mode == Mode.WRITE && !writes(context, spec)) {
        return false;
      }
      context.client().blocked(true);
      parked.add(new Parked(context, args));
      return true;
    }
  }

  public synchronized int parkedCount() {
    return parked.size();
  }

  private boolean writes(CommandContext context, CommandSpec spec) {
    if (spec.isWrite() || spec.has(CommandFlag.MAY_REPLICATE)) {
      return true;
    }
    if (spec.name().equals("exec") && context.client().inMulti()) {
      for (byte[][] queued : context.client().multiQueue()) {
        CommandSpec command = server.commands().lookup(queued[0]);
        if (command != null && (command.isWrite() || command.has(CommandFlag.MAY_REPLICATE))) {
          return true;
        }
      }
    }
    return false;
  }
}
