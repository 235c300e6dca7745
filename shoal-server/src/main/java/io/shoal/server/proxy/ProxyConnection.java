package io.shoal.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.shoal.server.cluster.ClusterState;
import io.shoal.server.cluster.KnownNode;
import io.shoal.server.cluster.RedirectGate;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.RequestParser;
import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One client of the proxy port. Requests are routed by the slot of their keys, replies are written
 * back in request order whatever order the owners answer in. A MOVED or ASK from an owner (the
 * slot map changed under us) is followed, at most {@link #REDIRECTS_MAX} times.
 *
 * <p>Multi-key commands across slots: MGET and MSET are split by slot and merged in argument
 * order (MSET is then atomic per slot only, as with Redis Cluster clients); DEL, EXISTS, UNLINK
 * and TOUCH add up their counts. Any other command with keys in several slots is refused.
 * Connection-state commands that would change a shared link are refused too.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {
  static final int REDIRECTS_MAX = 3;
  static final String CROSSSLOT = "-" + RedirectGate.CROSSSLOT
      + " (the proxy splits only MGET, MSET, DEL, EXISTS, UNLINK and TOUCH)\r\n";
  private static final Set<String> SUMMED = Set.of("del", "exists", "unlink", "touch");
  private static final Set<String> REFUSED = Set.of("multi", "exec", "discard", "watch", "unwatch", "subscribe",
      "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "monitor", "sync", "psync",
      "replicaof", "slaveof", "client", "blpop", "brpop", "blmove", "bzpopmin", "bzpopmax", "xread", "xreadgroup");

  private final ProxyServer proxy;
  private final RequestParser parser;
  private ByteBuf buffer;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  private ChannelHandlerContext context;
  private boolean flushScheduled;

  ProxyConnection(ProxyServer proxy) {
    this.proxy = proxy;
    this.parser = new RequestParser(proxy.server().core().protoMaxBulkLen.asLong());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.context = ctx;
    this.buffer = ctx.alloc().buffer();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (buffer != null) {
      buffer.release();
      buffer = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    ByteBuf in = (ByteBuf) message;
    try {
      buffer.writeBytes(in);
    } finally {
      in.release();
    }
    try {
      byte[][] args;
      while ((args = parser.next(buffer)) != null) {
        if (args.length > 0) {
          respond(route(args));
        }
      }
      buffer.discardSomeReadBytes();
    } catch (RuntimeException e) {
      respond(CompletableFuture.completedFuture(error("ERR Protocol error: " + e.getMessage())));
      tail.whenComplete((v, t) -> ctx.close());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void respond(CompletableFuture<byte[]> reply) {
    tail = tail.thenCombine(reply.exceptionally(t -> error("ERR proxy: " + rootMessage(t))), (ignored, bytes) -> {
      // Replies are written by tasks on the connection's loop, in the order the chain completes,
      // and one flush task, queued behind them, covers every reply written before it runs.
      context.executor().execute(() -> {
        context.write(context.alloc().buffer(bytes.length).writeBytes(bytes));
        if (!flushScheduled) {
          flushScheduled = true;
          context.executor().execute(() -> {
            flushScheduled = false;
            context.flush();
          });
        }
      });
      return null;
    });
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  static byte[] error(String text) {
    return ("-" + text.replace('\r', ' ').replace('\n', ' ') + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  // ---- Routing -----------------------------------------------------------------------------------

  private CompletableFuture<byte[]> route(byte[][] args) {
    String name = new String(args[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    if (REFUSED.contains(name)) {
      return done(error("ERR '" + name.toUpperCase(Locale.ROOT)
          + "' is not supported on the proxy port; use a cluster client on the client port"));
    }
    if (name.equals("hello") && args.length > 1 && !new String(args[1], StandardCharsets.UTF_8).equals("2")) {
      return done(error("NOPROTO the proxy port speaks RESP2 only"));
    }
    if (name.equals("quit")) {
      context.channel().eventLoop().execute(() -> tail.whenComplete((v, t) -> context.close()));
      return done("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    CommandSpec spec = proxy.server().commands().lookup(args[0]);
    int[] positions = spec == null ? knownKeyPositions(name, args) : spec.keyPositions(args);
    if (positions.length == 0) {
      return forward(myEndpoint(), args, 0);
    }
    int slot = -1;
    boolean cross = false;
    for (int position : positions) {
      if (position < args.length) {
        int keySlot = KeySlot.of(args[position]);
        if (slot >= 0 && keySlot != slot) {
          cross = true;
        }
        slot = keySlot;
      }
    }
    if (!cross) {
      return toOwner(slot, args);
    }
    if (name.equals("mget")) {
      return mget(args);
    }
    if (name.equals("mset")) {
      return mset(args);
    }
    if (SUMMED.contains(name)) {
      return summed(args);
    }
    return done(CROSSSLOT.getBytes(StandardCharsets.UTF_8));
  }

  /** Key positions of the splittable commands, for a node built before they are registered. */
  private static int[] knownKeyPositions(String name, byte[][] args) {
    int step = name.equals("mset") ? 2 : SUMMED.contains(name) || name.equals("mget") ? 1 : 0;
    if (step == 0) {
      return new int[0];
    }
    int[] positions = new int[(args.length - 1 + step - 1) / step];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = 1 + i * step;
    }
    return positions;
  }

  private static CompletableFuture<byte[]> done(byte[] reply) {
    return CompletableFuture.completedFuture(reply);
  }

  private String myEndpoint() {
    return proxy.module().state().myself().endpoint();
  }

  private CompletableFuture<byte[]> toOwner(int slot, byte[][] args) {
    ClusterState.Routing routing = proxy.module().state().routing();
    if (!routing.ok()) {
      return done(error(RedirectGate.DOWN));
    }
    KnownNode owner = routing.owners()[slot];
    if (owner == null) {
      return done(error(RedirectGate.UNBOUND));
    }
    return forward(owner.endpoint(), args, 0);
  }

  private CompletableFuture<byte[]> forward(String endpoint, byte[][] args, int redirects) {
    int clientIndex = context.channel().hashCode();
    return proxy.link(endpoint, clientIndex).send(RespScanner.encode(args)).thenCompose(reply -> {
      if (redirects < REDIRECTS_MAX && reply.length > 5 && reply[0] == '-') {
        String text = new String(reply, 1, reply.length - 3, StandardCharsets.UTF_8);
        if (text.startsWith("MOVED ")) {
          return forward(text.substring(text.lastIndexOf(' ') + 1), args, redirects + 1);
        }
        if (text.startsWith("ASK ")) {
          String target = text.substring(text.lastIndexOf(' ') + 1);
          NodeLink link = proxy.link(target, clientIndex);
          link.send(RespScanner.encode(new byte[][] {"ASKING".getBytes(StandardCharsets.US_ASCII)}));
          return link.send(RespScanner.encode(args));
        }
      }
      return CompletableFuture.completedFuture(reply);
    });
  }

  /** Groups argument indexes (each with {@code width} arguments) by slot, keeping their order. */
  private static Map<Integer, List<Integer>> bySlot(byte[][] args, int width) {
    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += width) {
      groups.computeIfAbsent(KeySlot.of(args[i]), ignored -> new ArrayList<>()).add(i);
    }
    return groups;
  }

  private static byte[][] subcommand(byte[][] args, List<Integer> indexes, int width) {
    byte[][] sub = new byte[1 + indexes.size() * width][];
    sub[0] = args[0];
    int at = 1;
    for (int index : indexes) {
      for (int j = 0; j < width; j++) {
        sub[at++] = args[index + j];
      }
    }
    return sub;
  }

  private CompletableFuture<byte[]> mget(byte[][] args) {
    Map<Integer, List<Integer>> groups = bySlot(args, 1);
    List<CompletableFuture<byte[]>> parts = new ArrayList<>();
    List<List<Integer>> order = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> group : groups.entrySet()) {
      parts.add(toOwner(group.getKey(), subcommand(args, group.getValue(), 1)));
      order.add(group.getValue());
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      byte[][] values = new byte[args.length][];
      for (int p = 0; p < parts.size(); p++) {
        byte[] reply = parts.get(p).join();
        List<byte[]> elements = RespScanner.elements(reply);
        if (elements == null) {
          return reply;
        }
        List<Integer> indexes = order.get(p);
        for (int i = 0; i < indexes.size(); i++) {
          values[indexes.get(i)] = elements.get(i);
        }
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      out.writeBytes(("*" + (args.length - 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (int i = 1; i < args.length; i++) {
        out.writeBytes(values[i]);
      }
      return out.toByteArray();
    });
  }

  private CompletableFuture<byte[]> mset(byte[][] args) {
    if (args.length % 2 == 0) {
      return done(error("ERR wrong number of arguments for 'mset' command"));
    }
    List<CompletableFuture<byte[]>> parts = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> group : bySlot(args, 2).entrySet()) {
      parts.add(toOwner(group.getKey(), subcommand(args, group.getValue(), 2)));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      for (CompletableFuture<byte[]> part : parts) {
        byte[] reply = part.join();
        if (reply[0] == '-') {
          return reply;
        }
      }
      return "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    });
  }

  private CompletableFuture<byte[]> summed(byte[][] args) {
    List<CompletableFuture<byte[]>> parts = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> group : bySlot(args, 1).entrySet()) {
      parts.add(toOwner(group.getKey(), subcommand(args, group.getValue(), 1)));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      long total = 0;
      for (CompletableFuture<byte[]> part : parts) {
        byte[] reply = part.join();
        Long count = RespScanner.integer(reply);
        if (count == null) {
          return reply;
        }
        total += count;
      }
      return (":" + total + "\r\n").getBytes(StandardCharsets.US_ASCII);
    });
  }
}
