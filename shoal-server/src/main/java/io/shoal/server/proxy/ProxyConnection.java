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
import io.shoal.server.resp.ProtocolException;
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
 * a request is scanned in place ({@link RequestScanner}: only its command name and keys are read)
 * and copied as received into its owner's link (written once per loop iteration with the other
 * requests queued meanwhile), and a reply is copied or sliced from what the owner sent, written to
 * the client when every reply owed before it has been written. Replies wait for the rest of the
 * client's pipeline within a bound ({@link ReplyHold}), so a batch of replies leaves in one write.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {
  static final int REDIRECTS_MAX = 3;
  private static final int COPIED_REPLY_MAX = 512;
  private static final int GATHER_INITIAL = 1024;
  private static final int NAMES_SEEN = 16;
  private static final int HOLD_BYTES_MAX = 64 * 1024;
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
  // Inline requests only (telnet's); RESP requests are scanned in place.
  private final RequestParser parser;
  private final RequestScanner scanner;
  // Command names seen on this connection as received, with their specs: a lookup without a copy.
  private final byte[][] namesSeen = new byte[NAMES_SEEN][];
  private final CommandSpec[] specsSeen = new CommandSpec[NAMES_SEEN];
  private final boolean[] forwardable = new boolean[NAMES_SEEN];
  private final ArrayDeque<Owed> owed = new ArrayDeque<>();
  private final Runnable flushTask = this::flushNow;
  private ByteBuf buffer;
  private ChannelHandlerContext context;
  private EventLoop loop;
  private Map<String, NodeLink> links;
  private ReplyHold hold;
  private final ReplyHold.Holder holder = new ReplyHold.Holder() {
    @Override
    void release() {
      if (!inactive) {
        writeGathered();
        context.flush();
      }
    }
  };
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
    long maxBulk = proxy.server().core().protoMaxBulkLen.asLong();
    this.parser = new RequestParser(maxBulk);
    this.scanner = new RequestScanner(maxBulk);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.context = ctx;
    this.loop = ctx.channel().eventLoop();
    this.links = proxy.linksOf(loop);
    this.hold = proxy.holdOf(loop);
    // On the heap: the scanner reads it through its array, without a check per byte.
    this.buffer = ctx.alloc().heapBuffer();
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
      byte[] array = buffer.array();
      int base = buffer.arrayOffset();
      while (buffer.isReadable() && !closeWhenDone) {
        int start = buffer.readerIndex();
        if (!scanner.inProgress() && array[base + start] != '*') {
          byte[][] args = parser.next(buffer); // an inline request
          if (args == null) {
            break;
          }
          if (args.length > 0) {
            route(args, 0, -1);
          }
          continue;
        }
        int length = scanner.scan(array, base + start, base + buffer.writerIndex());
        if (length < 0) {
          break;
        }
        buffer.readerIndex(start + length);
        if (scanner.count() > 0) {
          routeScanned(array, base + start, start, length);
        }
      }
      buffer.discardSomeReadBytes();
    } catch (ProtocolException e) {
      protocolError(e.getMessage());
    } catch (RuntimeException e) {
      protocolError("ERR Protocol error: " + e.getMessage());
    }
  }

  /** As Redis does: the error, then the connection closes once the replies before it are written. */
  private void protocolError(String message) {
    immediate(error(message));
    closeWhenDone = true;
    drain();
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
    slot.done(Unpooled.wrappedBuffer(reply), 0, reply.length);
  }

  /**
   * Writes every reply at the head of the line that has arrived; one flush per loop iteration.
   * Small replies are copied into one buffer per flush: a pipeline's replies then leave as one
   * buffer instead of a slice and an outbound entry each (the copy of a few bytes costs less).
   */
  private void drain() {
    Owed head;
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
        gather(reply, reply.readerIndex(), length);
        reply.release();
      } else {
        writeGathered();
        context.write(reply, context.voidPromise());
        flushSoon();
      }
    }
    if (inactive) {
      return;
    }
    if (closeWhenDone && owed.isEmpty()) {
      writeGathered();
      context.flush();
      context.close();
    }
  }

  private void gather(ByteBuf from, int index, int length) {
    if (gathered == null) {
      gathered = context.alloc().buffer(GATHER_INITIAL);
    }
    gathered.writeBytes(from, index, length);
    flushSoon();
  }

  private void flushSoon() {
    if (!flushQueued) {
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

  /**
   * Writes the replies gathered, unless some before others still owed by a node: those are held
   * for the rest (see {@link ReplyHold}), within the hold, so a pipeline's replies leave together.
   */
  private void flushNow() {
    flushQueued = false;
    if (inactive) {
      return;
    }
    if (!owed.isEmpty() && !closeWhenDone && (gathered == null || gathered.readableBytes() < HOLD_BYTES_MAX)) {
      if (holder.heldSince < 0) {
        hold.hold(holder);
      }
      return;
    }
    holder.heldSince = -1;
    writeGathered();
    context.flush();
  }

  /** A command sent to an owner: follows MOVED and ASK, then hands the final reply on. */
  private abstract class Forwarded implements NodeLink.Receiver {
    // The arguments, for a command not sent over a link as received (run here, or split).
    final byte[][] args;
    // Where the request's bytes are in the requests its reply comes with (see NodeLink.send).
    int requestAt = -1;
    int requestLength;
    int redirects;

    Forwarded(byte[][] args) {
      this.args = args;
    }

    @Override
    public void reply(ByteBuf in, int index, int length, ByteBuf requests) {
      if (redirects < REDIRECTS_MAX && length > 5 && in.getByte(index) == '-' && !inactive) {
        String text = in.toString(index + 1, length - 3, StandardCharsets.UTF_8);
        if (text.startsWith("MOVED ")) {
          redirects++;
          resend(link(text.substring(text.lastIndexOf(' ') + 1)), requests);
          return;
        }
        if (text.startsWith("ASK ")) {
          redirects = REDIRECTS_MAX;
          NodeLink target = link(text.substring(text.lastIndexOf(' ') + 1));
          target.send(ASKING, NodeLink.IGNORED);
          resend(target, requests);
          return;
        }
      }
      done(in, index, length);
    }

    /** Sends the request again, as received when its bytes came with the reply. */
    private void resend(NodeLink target, ByteBuf requests) {
      if (requests != null && requestAt >= 0) {
        requestAt = target.send(requests, requestAt, requestLength, this);
      } else {
        byte[] encoded = RespScanner.encode(args);
        requestLength = encoded.length;
        requestAt = target.send(encoded, this);
      }
    }

    @Override
    public void failed(Throwable cause) {
      byte[] text = error("ERR proxy: " + rootMessage(cause));
      done(Unpooled.wrappedBuffer(text), 0, text.length);
    }

    /** The final reply, readable during this call only. */
    abstract void done(ByteBuf in, int index, int length);
  }

  /** One place in the line of replies owed to the client. */
  private final class Owed extends Forwarded {
    // The reply once it arrived, while a reply before it is still owed.
    ByteBuf reply;

    Owed(byte[][] args) {
      super(args);
    }

    @Override
    void done(ByteBuf in, int index, int length) {
      if (inactive) {
        return;
      }
      if (owed.peek() == this && length <= COPIED_REPLY_MAX) {
        // Next in line: copied into the replies to write, without a slice kept meanwhile.
        owed.poll();
        gather(in, index, length);
      } else {
        reply = in.retainedSlice(index, length);
      }
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
    void done(ByteBuf in, int at, int length) {
      gather.replies[index] = ByteBufUtil.getBytes(in, at, length);
      if (--gather.remaining == 0) {
        byte[] merged = gather.merge.apply(gather.replies);
        gather.slot.done(Unpooled.wrappedBuffer(merged), 0, merged.length);
      }
    }
  }

  // ---- Routing -----------------------------------------------------------------------------------

  private NodeLink link(String endpoint) {
    return proxy.link(links, loop, endpoint);
  }

  /**
   * Routes the request just scanned, at {@code array[from]} and {@code rawIndex} of the buffer: a
   * command with fixed key positions, all in one slot, goes to the slot's owner as received, with
   * no argument copied, or runs here if this node owns it; anything else is copied into arguments
   * and goes through {@link #route}.
   */
  private void routeScanned(byte[] array, int from, int rawIndex, int rawLength) {
    int seen = seen(array, from);
    if (seen >= 0 && forwardable[seen] && authenticated()) {
      CommandSpec spec = specsSeen[seen];
      int argc = scanner.count();
      int first = spec.firstKey();
      int last = spec.lastKey() >= 0 ? spec.lastKey() : argc + spec.lastKey();
      if (last >= argc) {
        last = argc - 1;
      }
      if (last >= first) {
        int slot = scanner.slot(array, from, first);
        boolean one = true;
        for (int position = first + spec.keyStep(); position <= last && one; position += spec.keyStep()) {
          one = scanner.slot(array, from, position) == slot;
        }
        if (one) {
          ClusterState.Routing routing = proxy.module().state().routing();
          KnownNode owner = routing.ok() ? routing.owners()[slot] : null;
          if (owner != null) {
            if (owner.id().equals(routing.myId())) {
              byte[][] args = scanner.args(array, from);
              Owed owedReply = new Owed(args);
              owed.add(owedReply);
              local().run(args, owedReply);
            } else {
              Owed owedReply = new Owed(null);
              owed.add(owedReply);
              send(ownerLink(routing, owner), null, rawIndex, rawLength, owedReply);
            }
            return;
          }
        }
      }
    }
    route(scanner.args(array, from), rawIndex, rawLength);
  }

  /**
   * The index in the names seen of the command named by the request just scanned, looked up and
   * added if new; -1 for a name the node does not know.
   */
  private int seen(byte[] array, int from) {
    int start = from + scanner.start(0);
    int length = scanner.length(0);
    if (length == 0) {
      return -1;
    }
    int index = ((length * 31) ^ (array[start] | 0x20) ^ ((array[start + length - 1] | 0x20) << 3)) & (NAMES_SEEN - 1);
    byte[] name = namesSeen[index];
    if (name != null && name.length == length
        && java.util.Arrays.equals(name, 0, length, array, start, start + length)) {
      return index;
    }
    name = java.util.Arrays.copyOfRange(array, start, start + length);
    CommandSpec spec = proxy.server().commands().lookup(name);
    if (spec == null) {
      return -1;
    }
    namesSeen[index] = name;
    specsSeen[index] = spec;
    forwardable[index] = forwardable(spec);
    return index;
  }

  /**
   * Whether a command may go to its key's owner as received: keys at fixed positions (no key
   * finder, no subcommands), and nothing the proxy answers or runs itself.
   */
  private static boolean forwardable(CommandSpec spec) {
    String name = spec.name();
    return spec.firstKey() > 0 && spec.keyStep() > 0 && !spec.movableKeys() && !spec.hasSubcommands()
        && !spec.has(CommandFlag.BLOCKING) && !REFUSED.contains(name) && !CONNECTION_STATE.contains(name)
        && !name.equals("quit") && !name.equals("hello");
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
      receiver.requestLength = rawLength;
      receiver.requestAt = link.send(buffer, rawIndex, rawLength, receiver);
    } else {
      byte[] encoded = RespScanner.encode(args);
      receiver.requestLength = encoded.length;
      receiver.requestAt = link.send(encoded, receiver);
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
      byte[] down = error(RedirectGate.DOWN);
      receiver.done(Unpooled.wrappedBuffer(down), 0, down.length);
      return;
    }
    KnownNode owner = routing.owners()[slot];
    if (owner == null) {
      byte[] unbound = error(RedirectGate.UNBOUND);
      receiver.done(Unpooled.wrappedBuffer(unbound), 0, unbound.length);
      return;
    }
    if (mayRunHere && owner.id().equals(routing.myId())) {
      local().run(args, receiver);
      return;
    }
    send(ownerLink(routing, owner), args, rawIndex, rawLength, receiver);
  }

  private NodeLink ownerLink(ClusterState.Routing routing, KnownNode owner) {
    if (routing != routingSeen) {
      routingSeen = routing;
      ownerLinks.clear();
    }
    NodeLink link = ownerLinks.get(owner);
    if (link == null || !link.usable()) {
      link = link(owner.endpoint());
      ownerLinks.put(owner, link);
    }
    return link;
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
