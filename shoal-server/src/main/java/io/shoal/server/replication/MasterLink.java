package io.shoal.server.replication;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * The replica side of one connection to a master, after Redis's {@code syncWithMaster}: the
 * handshake (AUTH, PING, REPLCONF listening-port, REPLCONF capa eof capa psync2, PSYNC), the
 * snapshot of a full resync ({@code $len} or diskless {@code $EOF:mark}), then the command stream,
 * applied through the dispatcher as the master client (replies discarded, gates bypassed) and
 * acknowledged with {@code REPLCONF ACK} once a second and when the master asks ({@code REPLCONF
 * GETACK}), as Redis replicas do. The GETACKs of one read are answered with one ACK after the read
 * is applied. A master in durable mode asks behind the writes whose replies it holds; an
 * asynchronous one only for WAIT, so acknowledging every read would cost it a command per read of
 * the stream for nothing.
 *
 * <p>Everything runs on the link's event loop. A new link is made for every connection attempt;
 * what survives a lost link (replid, offset, selected database) lives in the module.
 */
final class MasterLink {
  private static final System.Logger LOG = System.getLogger(MasterLink.class.getName());

  enum State { CONNECTING, HANDSHAKE, SYNC, CONNECTED, CLOSED }

  private final ReplicationModule module;
  private final ShoalServer server;
  private final String host;
  private final int port;
  private final Deque<String[]> handshake = new ArrayDeque<>();
  private volatile State state = State.CONNECTING;
  private volatile Channel channel;
  private volatile long lastIoMillis;
  private ByteBuf input;
  private ClientConnection client;
  private CommandContext context;
  private boolean awaitingPsync;
  private boolean awaitingRdb;
  private long rdbLength = -1;
  private byte[] eofMark;
  private ByteArrayOutputStream rdb;
  private long processedOffset;
  /**
   * Bytes of a command from the master that CLIENT PAUSE parked: counted in processedOffset but
   * not applied yet, so not acknowledged; the stream behind it waits until it has run.
   */
  private long parkedBytes;
  // The stream bytes applied but not yet forwarded to this node's own backlog; reused, so forwarding
  // allocates nothing per command.
  private byte[] unforwarded = new byte[512];
  private int unforwardedLength;
  // A GETACK was read: acknowledge once the read it came in is applied.
  private boolean ackRequested;
  private volatile long syncStartedMillis;
  private volatile long rdbReceived;

  MasterLink(ReplicationModule module, ShoalServer server, String host, int port) {
    this.module = module;
    this.server = server;
    this.host = host;
    this.port = port;
  }

  void connect() {
    boolean epoll = Epoll.isAvailable(); // the same transport ShoalServer chose for its event loops
    Bootstrap bootstrap = new Bootstrap().group(server.workers())
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, module.timeoutMillis()))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new Handler());
          }
        });
    lastIoMillis = server.nowMillis();
    bootstrap.connect(host, port).addListener(future -> {
      if (!future.isSuccess()) {
        LOG.log(System.Logger.Level.WARNING, "Error condition on socket for SYNC: " + future.cause().getMessage());
        state = State.CLOSED;
        module.linkChanged();
      }
    });
  }

  State state() {
    return state;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  long lastIoMillis() {
    return lastIoMillis;
  }

  boolean syncing() {
    return state == State.SYNC;
  }

  long syncStartedMillis() {
    return syncStartedMillis;
  }

  long rdbReceived() {
    return rdbReceived;
  }

  long rdbLength() {
    return rdbLength;
  }

  long processedOffset() {
    return processedOffset;
  }

  ClientConnection client() {
    return client;
  }

  void close() {
    state = State.CLOSED;
    Channel current = channel;
    if (current != null) {
      current.close();
    }
  }

  /** REPLCONF ACK with the offset applied so far. */
  void sendAck() {
    Channel current = channel;
    if (current != null && state == State.CONNECTED) {
      current.eventLoop().execute(() -> {
        if (state == State.CONNECTED) {
          send("REPLCONF", "ACK", Long.toString(appliedOffset()));
        }
      });
    }
  }

  private void send(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    channel.writeAndFlush(Unpooled.wrappedBuffer(StreamParser.encode(bytes)), channel.voidPromise());
  }

  /** Called by the module's sink when the master client's command changes data: forward its bytes now, under its locks. */
  void forwardPending() {
    if (unforwardedLength > 0) {
      module.forward(unforwarded, unforwardedLength, client.db());
      unforwardedLength = 0;
      if (unforwarded.length > 1 << 20) {
        unforwarded = new byte[512];
      }
    }
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      if (state == State.CLOSED) {
        ctx.close();
        return;
      }
      state = State.HANDSHAKE;
      LOG.log(System.Logger.Level.INFO, "MASTER <-> REPLICA sync started with " + host + ":" + port);
      String auth = module.masterauth();
      if (!auth.isEmpty()) {
        handshake.add(new String[] {"AUTH", auth});
      }
      handshake.add(new String[] {"PING"});
      handshake.add(new String[] {"REPLCONF", "listening-port", Integer.toString(server.port())});
      String announce = module.announceIp();
      if (!announce.isEmpty()) {
        handshake.add(new String[] {"REPLCONF", "ip-address", announce});
      }
      handshake.add(new String[] {"REPLCONF", "capa", "eof", "capa", "psync2"});
      send(handshake.peek());
      module.linkChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ByteBuf bytes = (ByteBuf) message;
      lastIoMillis = server.nowMillis();
      if (input == null) {
        input = ctx.alloc().buffer(Math.max(4096, bytes.readableBytes()));
      }
      input.writeBytes(bytes);
      bytes.release();
      try {
        process();
      } catch (RuntimeException | java.io.IOException e) {
        LOG.log(System.Logger.Level.WARNING, "replication link to " + host + ":" + port + " failed: " + e, e);
        ctx.close();
      }
      if (input != null) {
        input.discardReadBytes();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (input != null) {
        input.release();
        input = null;
      }
      if (client != null) {
        module.masterClientGone(client);
      }
      if (state != State.CLOSED) {
        LOG.log(System.Logger.Level.WARNING, "Connection with master lost.");
      }
      state = State.CLOSED;
      module.linkChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private void process() throws java.io.IOException {
    while (input.isReadable()) {
      if (state == State.HANDSHAKE) {
        String line = readLine();
        if (line == null) {
          return;
        }
        if (awaitingPsync) {
          psyncReply(line);
          continue;
        }
        String[] sent = handshake.poll();
        if (line.startsWith("-") && !"REPLCONF".equals(sent[0])) {
          // NOAUTH, a wrong password...: give up this attempt, the cron retries.
          LOG.log(System.Logger.Level.WARNING, "Master replied to " + sent[0] + ": " + line);
          channel.close();
          return;
        }
        if (!handshake.isEmpty()) {
          send(handshake.peek());
        } else {
          awaitingPsync = true;
          String replid = module.psyncReplid();
          send("PSYNC", replid, replid.equals("?") ? "-1" : Long.toString(module.offset() + 1));
        }
        continue;
      }
      if (state == State.SYNC) {
        if (!readRdb()) {
          return;
        }
        continue;
      }
      if (state == State.CONNECTED) {
        applyStream();
        return;
      }
      return;
    }
  }

  private String readLine() {
    int end = input.indexOf(input.readerIndex(), input.writerIndex(), (byte) '\n');
    if (end < 0) {
      return null;
    }
    String line = input.toString(input.readerIndex(), end - input.readerIndex(), StandardCharsets.UTF_8).trim();
    input.readerIndex(end + 1);
    return line;
  }

  private void psyncReply(String line) {
    if (line.isEmpty()) {
      return; // a keepalive newline while the master prepares
    }
    awaitingPsync = false;
    if (line.startsWith("+FULLRESYNC")) {
      String[] parts = line.split(" ");
      state = State.SYNC;
      syncStartedMillis = server.nowMillis();
      fullSyncReplid = parts[1];
      fullSyncOffset = Long.parseLong(parts[2]);
      awaitingRdb = true;
      LOG.log(System.Logger.Level.INFO, "Full resync from master: " + parts[1] + ":" + parts[2]);
      module.linkChanged();
    } else if (line.startsWith("+CONTINUE")) {
      String[] parts = line.split(" ");
      LOG.log(System.Logger.Level.INFO, "Successful partial resynchronization with master.");
      startStream(module.offset());
      module.continued(parts.length > 1 ? parts[1] : null, client);
    } else {
      LOG.log(System.Logger.Level.WARNING, "Unexpected reply to PSYNC from master: " + line);
      channel.close();
    }
  }

  private String fullSyncReplid;
  private long fullSyncOffset;

  private boolean readRdb() throws java.io.IOException {
    if (awaitingRdb) {
      while (input.isReadable() && input.getByte(input.readerIndex()) == '\n') {
        input.skipBytes(1);
      }
      String line = readLine();
      if (line == null) {
        return false;
      }
      if (!line.startsWith("$")) {
        throw new java.io.IOException("bad bulk header from master: " + line);
      }
      if (line.startsWith("$EOF:")) {
        eofMark = line.substring(5).getBytes(StandardCharsets.US_ASCII);
        rdbLength = -1;
      } else {
        rdbLength = Long.parseLong(line.substring(1));
      }
      awaitingRdb = false;
      rdb = new ByteArrayOutputStream((int) Math.max(64, Math.min(rdbLength, 1 << 26)));
    }
    if (eofMark == null) {
      int take = (int) Math.min(input.readableBytes(), rdbLength - rdb.size());
      input.readBytes(rdb, take);
      rdbReceived = rdb.size();
      if (rdb.size() < rdbLength) {
        return false;
      }
      load(rdb.toByteArray());
    } else {
      input.readBytes(rdb, input.readableBytes());
      rdbReceived = rdb.size();
      byte[] sofar = rdb.toByteArray();
      if (sofar.length < eofMark.length || !Arrays.equals(sofar, sofar.length - eofMark.length, sofar.length,
          eofMark, 0, eofMark.length)) {
        return false;
      }
      load(Arrays.copyOf(sofar, sofar.length - eofMark.length));
    }
    rdb = null;
    return true;
  }

  private void load(byte[] payload) throws java.io.IOException {
    int db = module.loadSnapshot(payload, fullSyncReplid, fullSyncOffset);
    startStream(fullSyncOffset);
    client.db(db);
    module.fullSyncDone(client);
  }

  private void startStream(long offset) {
    processedOffset = offset;
    client = new ClientConnection(server.clients().nextId(), channel, new Reply(Unpooled.buffer()), server.nowMillis(), true);
    client.kind("master");
    client.db(module.streamDb());
    // A command parked by CLIENT PAUSE runs later through send(); its reply is discarded.
    client.outbound(writer -> channel.eventLoop().execute(() -> {
      writer.accept(client.reply());
      client.reply().buffer().clear();
    }));
    client.onResume(() -> channel.eventLoop().execute(this::resumeStream));
    context = new CommandContext(server, client);
    server.clients().add(client);
    state = State.CONNECTED;
    parkedBytes = 0;
    send("REPLCONF", "ACK", Long.toString(processedOffset));
  }

  private long appliedOffset() {
    return processedOffset - parkedBytes;
  }

  /** The parked command has run: apply what arrived behind it and acknowledge. */
  private void resumeStream() {
    if (state != State.CONNECTED || input == null || client.blocked()) {
      return;
    }
    parkedBytes = 0;
    ackRequested = true; // a master in durable mode waits for the parked command
    try {
      applyStream();
    } catch (RuntimeException | java.io.IOException e) {
      LOG.log(System.Logger.Level.WARNING, "replication link to " + host + ":" + port + " failed: " + e, e);
      channel.close();
    }
  }

  /** Applies every complete command in the input, then acknowledges once if the master asked. */
  private void applyStream() throws java.io.IOException {
    StreamParser.Frame frame;
    while (state == State.CONNECTED && !client.blocked() && (frame = StreamParser.next(input)) != null) {
      int start = input.readerIndex() - frame.length();
      if (unforwardedLength + frame.length() > unforwarded.length) {
        unforwarded = java.util.Arrays.copyOf(unforwarded, Math.max(unforwardedLength + frame.length(),
            unforwarded.length * 2));
      }
      input.getBytes(start, unforwarded, unforwardedLength, frame.length());
      unforwardedLength += frame.length();
      processedOffset += frame.length();
      if (frame.args().length > 0) {
        apply(frame.args());
        if (client.blocked()) {
          parkedBytes = frame.length();
        }
      }
      if (!client.inMulti()) {
        forwardPending();
      }
    }
    if (ackRequested && state == State.CONNECTED) {
      ackRequested = false;
      send("REPLCONF", "ACK", Long.toString(appliedOffset()));
    }
  }

  private void apply(byte[][] args) {
    io.shoal.server.command.CommandSpec spec = server.commands().lookup(args[0]);
    if (spec != null && spec.name().equals("replconf") && args.length >= 2
        && new String(args[1], StandardCharsets.US_ASCII).equalsIgnoreCase("GETACK")) {
      ackRequested = true;
      return;
    }
    client.lastInteraction(server.nowMillis(), args[0]);
    try {
      server.dispatcher().dispatch(context, args);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "command from master failed: " + new String(args[0], StandardCharsets.US_ASCII), e);
    } finally {
      client.reply().buffer().clear();
    }
  }
}
