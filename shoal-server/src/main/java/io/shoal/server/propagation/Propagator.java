package io.shoal.server.propagation;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The one stream of writes that leaves a node, as Redis's {@code propagate()}: every executed
 * write command, and every change made outside a command (expiry, eviction, a blocked pop served),
 * turned into commands that replay to the same data on another node or at restart. The AOF and
 * replication are its sinks, so a replica and a reloaded log see exactly the same effects.
 *
 * <p>Commands whose effect depends on the clock are pinned: relative expiry is followed by the
 * absolute PEXPIREAT it set. Changes outside commands propagate the key's resulting state: DEL
 * when it is gone, else RESTORE ... REPLACE ABSTTL of its DUMP payload.
 */
public final class Propagator {
  private static final Set<String> RELATIVE_EXPIRY = Set.of("expire", "pexpire", "setex", "psetex", "set", "getex");
  private static final byte[] DEL = bytes("DEL");
  private static final byte[] RESTORE = bytes("RESTORE");
  private static final byte[] REPLACE = bytes("REPLACE");
  private static final byte[] ABSTTL = bytes("ABSTTL");
  private static final byte[] PEXPIREAT = bytes("PEXPIREAT");

  private final ShoalServer server;
  private final List<PropagationSink> sinks = new CopyOnWriteArrayList<>();
  private volatile Function<Object, byte[]> dumper;

  public Propagator(ShoalServer server) {
    this.server = server;
    server.addCommandLog(this::commandWritten);
    server.addKeyWriteListener((db, key, writer) -> {
      if (writer == null || writer.blocked()) {
        // Not a command the dispatcher will log: an expiry or eviction (no writer), or a blocked
        // command served after another client's write (its client is still marked blocked).
        propagateKeyState(writer, db, key);
      }
    });
  }

  public void addSink(PropagationSink sink) {
    sinks.add(sink);
  }

  public void removeSink(PropagationSink sink) {
    sinks.remove(sink);
  }

  /** How a value becomes a DUMP payload; set by persistence, which owns the type codecs. */
  public void dumpWith(Function<Object, byte[]> dumpPayload) {
    this.dumper = dumpPayload;
  }

  public boolean hasSinks() {
    return !sinks.isEmpty();
  }

  /** Sends one effect to every sink. */
  public void propagate(ClientConnection origin, int db, byte[][] args) {
    for (int i = 0; i < sinks.size(); i++) {
      sinks.get(i).propagate(origin, db, args);
    }
  }

  private void commandWritten(ClientConnection client, CommandSpec spec, byte[][] args) {
    if (sinks.isEmpty()) {
      return;
    }
    int db = client.db();
    propagate(client, db, args);
    if (args.length > 2 && RELATIVE_EXPIRY.contains(spec.name())) {
      long expireAt = server.keyspace().db(db).expireTime(args[1]);
      if (expireAt > 0) {
        propagate(client, db, new byte[][] {PEXPIREAT, args[1], bytes(Long.toString(expireAt))});
      }
    }
  }

  /** Propagates a key's current state, for a write made outside a propagated command. */
  public void propagateKeyState(ClientConnection origin, int db, byte[] key) {
    if (sinks.isEmpty()) {
      return;
    }
    Database database = server.keyspace().db(db);
    Object value = database.peek(key);
    if (value == null) {
      propagate(origin, db, new byte[][] {DEL, key});
      return;
    }
    Function<Object, byte[]> dump = dumper;
    if (dump == null) {
      throw new IllegalStateException("no DUMP codec installed: cannot propagate the state of a key");
    }
    long expireAt = Math.max(0, database.expireTime(key));
    propagate(origin, db, new byte[][] {RESTORE, key, bytes(Long.toString(expireAt)), dump.apply(value), REPLACE,
        ABSTTL});
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
