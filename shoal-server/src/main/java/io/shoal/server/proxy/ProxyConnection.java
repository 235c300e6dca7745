package io.shoal.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.shoal.server.cluster.ClusterState;
import io.shoal.server.cluster.KnownNode;
import io.shoal.server.cluster.RedirectGate;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.RequestParser;
import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One client of the proxy port. Requests are routed by the slot of their keys, replies are written
 * back in request order whatever order the owners answer in. A MOVED or ASK from an owner (the
 * slot map changed under us) is followed, at most {@link #REDIRECTS_MAX} times.
 *
 * <p>Multi-key commands across slots: MGET and MSET are split by slot and merged in argument
 * order (MSET is then atomic per slot only, as with Redis Cluster clients); DEL, EXISTS, UNLINK
 * and TOUCH add up their counts. Any other command with keys in several slots is refused.
 * Commands about the connection itself (AUTH, HELLO, RESET, SELECT, READONLY) run on the client's own
 * in-process connection, so no client changes a link others share; MULTI, SUBSCRIBE, CLIENT and
 * the blocking commands, which would, are refused.
 *
 * <p>A command whose slot this node owns runs in this process ({@link LocalNode}), not over a link
 * to its own client port.
 *
 * <p>Everything runs on the connection's event loop, which also owns the links it forwards over:
 * a request is copied as received into its owner's link (written once per loop iteration with the
 * other requests queued meanwhile), and a reply is a slice of what the owner sent, written to the
 * client when every reply owed before it has been written.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {
  static final int REDIRECTS_MAX = 3;
  private static final int COPIED_REPLY_MAX = 512;
  private static final int GATHER_INITIAL = 1024;
  static final String CROSSSLOT = "-" + RedirectGate.CROSSSLOT
      + " (the proxy splits only MGET, MSET, DEL, EXISTS, UNLINK and TOUCH)\r\n";
  private static final Set<String> SUMMED = Set.of("del", "exists", "unlink", "touch");
  private static final Set<String> REFUSED = Set.of("multi", "exec", "discard", "watch", "unwatch", "subscribe",
      "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "monitor", "sync", "psync",
      "replicaof", "slaveof", "client", "blpop", "brpop", "blmove", "bzpopmin", "bzpopmax", "xread", "xreadgroup");
  private static final byte[] ASKING = RespScanner.encode(new byte[][] {"ASKING".getBytes(StandardCharsets.US_ASCII)});
  // What each client has for itself: never sent over a link other clients share.
  private static final Set<String> CONNECTION_STATE = Set.of("auth", "hello", "reset", "select", "readonly",
      "readwrite");

  private final ProxyServer proxy;
  private final RequestParser parser;
  private final ArrayDeque<Owed> owed = new ArrayDeque<>();
  private final Runnable flushTask = this::flushNow;
  private ByteBuf buffer;
  private ChannelHandlerContext context;
  private EventLoop loop;
  private Map<String, NodeLink> links;
  // The link of each owner in the routing last seen, so the common case builds no endpoint string.
  private ClusterState.Routing routingSeen;
  private final IdentityHashMap<KnownNode, NodeLink> ownerLinks = new IdentityHashMap<>();
  // Small replies copied since the last flush; written as one buffer.
  private ByteBuf gathered;
  // This node's own slots, run in process; made on first use.
  private LocalNode local;
  private boolean flushQueued;
  private boolean closeWhenDone;
  private boolean inactive;

  ProxyConnection(ProxyServer proxy) {
    this.proxy = proxy;
    this.parser = new RequestParser(proxy.server().core().protoMaxBulkLen.asLong());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.context = ctx;
    this.loop = ctx.channel().eventLoop();
    this.links = proxy.linksOf(loop);
    this.buffer = ctx.alloc().buffer();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive = true;
    if (buffer != null) {
      buffer.release();
      buffer = null;
    }
    if (gathered != null) {
      gathered.release();
      gathered = null;
    }
    if (local != null) {
      local.close();
    }
    Owed next;
    while ((next = owed.poll()) != null) {
      if (next.reply != null) {
        next.reply.release();
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    ByteBuf in = (ByteBuf) message;
    try {
      if (closeWhenDone || inactive) {
        return; // after QUIT or a protocol error nothing more is read
      }
      buffer.writeBytes(in);
    } finally {
      in.release();
    }
    try {
      while (true) {
        boolean fresh = !parser.inProgress();
        int start = buffer.readerIndex();
        byte[][] args = parser.next(buffer);
        if (args == null) {
          break;
        }
        if (args.length > 0) {
          // The request as received, when all of it is still in the buffer and it is RESP.
          boolean raw = fresh && buffer.getByte(start) == '*';
          route(args, start, raw ? buffer.readerIndex() - start : -1);
          if (closeWhenDone) {
            break;
          }
        }
      }
      buffer.discardSomeReadBytes();
    } catch (RuntimeException e) {
      immediate(error("ERR Protocol error: " + e.getMessage()));
      closeWhenDone = true;
      drain();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
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

  // ---- Replies, in request order -----------------------------------------------------------------

  /** A reply known at once, in line behind those still owed. */
  private void immediate(byte[] reply) {
    Owed slot = new Owed(null);
    owed.add(slot);
    slot.done(Unpooled.wrappedBuffer(reply));
  }

  /**
   * Writes every reply at the head of the line that has arrived; one flush per loop iteration.
   * Small replies are copied into one buffer per flush: a pipeline's replies then leave as one
   * buffer instead of a slice and an outbound entry each (the copy of a few bytes costs less).
   */
  private void drain() {
    Owed head;
    boolean wrote = false;
    while ((head = owed.peek()) != null && head.reply != null) {
      owed.poll();
      ByteBuf reply = head.reply;
      head.reply = null;
      if (inactive) {
        reply.release();
        continue;
      }
      int length = reply.readableBytes();
      if (length <= COPIED_REPLY_MAX) {
        if (gathered == null) {
          gathered = context.alloc().buffer(GATHER_INITIAL);
        }
        gathered.writeBytes(reply, reply.readerIndex(), length);
        reply.release();
      } else {
        writeGathered();
        context.write(reply, context.voidPromise());
      }
      wrote = true;
    }
    if (inactive) {
      return;
    }
    if (closeWhenDone && owed.isEmpty()) {
      writeGathered();
      context.flush();
      context.close();
      return;
    }
    if (wrote && !flushQueued) {
      flushQueued = true;
      loop.execute(flushTask);
    }
  }

  private void writeGathered() {
    if (gathered != null) {
      context.write(gathered, context.voidPromise());
      gathered = null;
    }
  }

  private void flushNow() {
    flushQueued = false;
    if (!inactive) {
      writeGathered();
      context.flush();
    }
  }

  /** A command sent to an owner: follows MOVED and ASK, then hands the final reply on. */
  private abstract class Forwarded implements NodeLink.Receiver {
    final byte[][] args;
    int redirects;

    Forwarded(byte[][] args) {
      this.args = args;
    }

    @Override
    public void reply(ByteBuf reply) {
      int length = reply.readableBytes();
      if (redirects < REDIRECTS_MAX && length > 5 && reply.getByte(reply.readerIndex()) == '-' && !inactive) {
        String text = reply.toString(reply.readerIndex() + 1, length - 3, StandardCharsets.UTF_8);
        if (text.startsWith("MOVED ")) {
          reply.release();
          redirects++;
          link(text.substring(text.lastIndexOf(' ') + 1)).send(RespScanner.encode(args), this);
          return;
        }
        if (text.startsWith("ASK ")) {
          reply.release();
          redirects = REDIRECTS_MAX;
          NodeLink target = link(text.substring(text.lastIndexOf(' ') + 1));
          target.send(ASKING, NodeLink.IGNORED);
          target.send(RespScanner.encode(args), this);
          return;
        }
      }
      done(reply);
    }

    @Override
    public void failed(Throwable cause) {
      done(Unpooled.wrappedBuffer(error("ERR proxy: " + rootMessage(cause))));
    }

    abstract void done(ByteBuf reply);
  }

  /** One place in the line of replies owed to the client. */
  private final class Owed extends Forwarded {
    ByteBuf reply;

    Owed(byte[][] args) {
      super(args);
    }

    @Override
    void done(ByteBuf value) {
      reply = value;
      drain();
    }
  }

  /** The per-slot parts of a split command, merged into one reply once all have answered. */
  private final class Gather {
    final Owed slot;
    final byte[][] replies;
    final Function<byte[][], byte[]> merge;
    int remaining;

    Gather(Owed slot, int parts, Function<byte[][], byte[]> merge) {
      this.slot = slot;
      this.replies = new byte[parts][];
      this.remaining = parts;
      this.merge = merge;
    }
  }

  private final class Part extends Forwarded {
    final Gather gather;
    final int index;

    Part(Gather gather, int index, byte[][] args) {
      super(args);
      this.gather = gather;
      this.index = index;
    }

    @Override
    void done(ByteBuf reply) {
      gather.replies[index] = ByteBufUtil.getBytes(reply);
      reply.release();
      if (--gather.remaining == 0) {
        gather.slot.done(Unpooled.wrappedBuffer(gather.merge.apply(gather.replies)));
      }
    }
  }

  // ---- Routing -----------------------------------------------------------------------------------

  private NodeLink link(String endpoint) {
    return proxy.link(links, loop, endpoint);
  }

  /** Routes one request; {@code rawLength} is the length of its bytes in the buffer at {@code rawIndex}, or -1. */
  private void route(byte[][] args, int rawIndex, int rawLength) {
    CommandSpec spec = proxy.server().commands().lookup(args[0]);
    String name = spec != null ? spec.name() : new String(args[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    if (REFUSED.contains(name)) {
      immediate(error("ERR '" + name.toUpperCase(Locale.ROOT)
          + "' is not supported on the proxy port; use a cluster client on the client port"));
      return;
    }
    if (name.equals("hello") && args.length > 1 && !new String(args[1], StandardCharsets.UTF_8).equals("2")) {
      immediate(error("NOPROTO the proxy port speaks RESP2 only"));
      return;
    }
    if (name.equals("quit")) {
      immediate("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
      closeWhenDone = true;
      drain();
      return;
    }
    if (CONNECTION_STATE.contains(name) || !authenticated()) {
      // Until the client has logged in, everything runs on its own in-process connection, in
      // order: the node answers NOAUTH as the client port does, and once an AUTH there succeeded
      // a key of another node gets MOVED, which the reply follows over the links (logged in as
      // this node).
      Owed owedReply = new Owed(args);
      owed.add(owedReply);
      local().run(args, owedReply);
      return;
    }
    int[] positions = spec == null ? knownKeyPositions(name, args) : spec.keyPositions(args);
    if (positions.length == 0) {
      Owed slot = new Owed(args);
      owed.add(slot);
      send(link(myEndpoint()), args, rawIndex, rawLength, slot);
      return;
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
      Owed owedReply = new Owed(args);
      owed.add(owedReply);
      toOwner(slot, args, rawIndex, rawLength, owedReply, spec != null && !spec.has(CommandFlag.BLOCKING));
      return;
    }
    if (name.equals("mget")) {
      split(args, 1, ProxyConnection::mergeMget);
    } else if (name.equals("mset")) {
      if (args.length % 2 == 0) {
        immediate(error("ERR wrong number of arguments for 'mset' command"));
      } else {
        split(args, 2, ProxyConnection::mergeMset);
      }
    } else if (SUMMED.contains(name)) {
      split(args, 1, ProxyConnection::mergeSum);
    } else {
      immediate(CROSSSLOT.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void send(NodeLink link, byte[][] args, int rawIndex, int rawLength, Forwarded receiver) {
    if (rawLength > 0) {
      link.send(buffer, rawIndex, rawLength, receiver);
    } else {
      link.send(RespScanner.encode(args), receiver);
    }
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

  private LocalNode local() {
    if (local == null) {
      local = new LocalNode(proxy.server(), context.channel());
    }
    return local;
  }

  private boolean authenticated() {
    return proxy.server().core().requirepass.text().isEmpty() || (local != null && local.authenticated());
  }

  private String myEndpoint() {
    return proxy.module().state().myself().endpoint();
  }

  /**
   * Sends a command to the owner of its slot; {@code mayRunHere} when it may run in this process
   * if this node is the owner (any command that cannot block the client).
   */
  private void toOwner(int slot, byte[][] args, int rawIndex, int rawLength, Forwarded receiver, boolean mayRunHere) {
    ClusterState.Routing routing = proxy.module().state().routing();
    if (!routing.ok()) {
      receiver.done(Unpooled.wrappedBuffer(error(RedirectGate.DOWN)));
      return;
    }
    KnownNode owner = routing.owners()[slot];
    if (owner == null) {
      receiver.done(Unpooled.wrappedBuffer(error(RedirectGate.UNBOUND)));
      return;
    }
    if (mayRunHere && owner.id().equals(routing.myId())) {
      local().run(args, receiver);
      return;
    }
    if (routing != routingSeen) {
      routingSeen = routing;
      ownerLinks.clear();
    }
    NodeLink link = ownerLinks.get(owner);
    if (link == null || !link.usable()) {
      link = link(owner.endpoint());
      ownerLinks.put(owner, link);
    }
    send(link, args, rawIndex, rawLength, receiver);
  }

  /** Sends one part per slot (arguments {@code width} at a time) and merges their replies. */
  private void split(byte[][] args, int width, Merge merge) {
    Map<Integer, List<Integer>> groups = bySlot(args, width);
    Owed slot = new Owed(null);
    owed.add(slot);
    List<List<Integer>> order = new ArrayList<>(groups.values());
    Gather gather = new Gather(slot, groups.size(), replies -> merge.apply(args, order, replies));
    int index = 0;
    for (Map.Entry<Integer, List<Integer>> group : groups.entrySet()) {
      byte[][] sub = subcommand(args, group.getValue(), width);
      toOwner(group.getKey(), sub, 0, -1, new Part(gather, index++, sub), true);
    }
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

  /** How the replies of a split command's parts become its reply. */
  private interface Merge {
    byte[] apply(byte[][] args, List<List<Integer>> order, byte[][] replies);
  }

  private static byte[] mergeMget(byte[][] args, List<List<Integer>> order, byte[][] replies) {
    byte[][] values = new byte[args.length][];
    for (int p = 0; p < replies.length; p++) {
      List<byte[]> elements = RespScanner.elements(replies[p]);
      if (elements == null) {
        return replies[p];
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
  }

  private static byte[] mergeMset(byte[][] args, List<List<Integer>> order, byte[][] replies) {
    for (byte[] reply : replies) {
      if (reply[0] == '-') {
        return reply;
      }
    }
    return "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] mergeSum(byte[][] args, List<List<Integer>> order, byte[][] replies) {
    long total = 0;
    for (byte[] reply : replies) {
      Long count = RespScanner.integer(reply);
      if (count == null) {
        return reply;
      }
      total += count;
    }
    return (":" + total + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
