package io.shoal.server.client;

import io.netty.channel.Channel;
import io.shoal.server.resp.Reply;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the server knows about one client connection: identity, selected database, protocol,
 * authentication, transaction and subscription state. Fields are touched by the connection's own
 * event-loop thread; the few that other clients read (CLIENT LIST, CLIENT KILL) are volatile.
 */
public final class ClientConnection {
  private static final java.lang.invoke.VarHandle LAST_INTERACTION;
  private static final java.lang.invoke.VarHandle LAST_COMMAND;

  static {
    try {
      java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
      LAST_INTERACTION = lookup.findVarHandle(ClientConnection.class, "lastInteractionMillis", long.class);
      LAST_COMMAND = lookup.findVarHandle(ClientConnection.class, "lastCommand", byte[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public enum ReplyMode { ON, OFF, SKIP }

  private final long id;
  private final Channel channel;
  private final Reply reply;
  private final long createdMillis;
  private final String address;
  private final String localAddress;
  private volatile String name = "";
  private volatile String libraryName = "";
  private volatile String libraryVersion = "";
  private volatile int db;
  private volatile boolean authenticated;
  private volatile String user = "default";
  // Written by the connection's thread for every command, read by CLIENT LIST and timeouts on
  // others: release stores and acquire loads (plain moves on x86), where a volatile store would
  // be a full fence per command that waits for the command's own pending cache-missing stores.
  private long lastInteractionMillis;
  // The name as the client sent it, turned into text only when CLIENT LIST asks: no String per command.
  private byte[] lastCommand;
  private volatile boolean closing;
  private ReplyMode replyMode = ReplyMode.ON;
  private boolean skipNextReply;
  private boolean noEvict;
  private boolean readOnlyCluster;
  private boolean asking;
  private volatile boolean blocked;
  private boolean denyBlocking;
  private volatile long outputBufferBytes;
  private volatile String kind = "normal";
  private volatile long writeOffset;
  /** The replication offset up to which this client's writes are known durable (durable mode). */
  private volatile long durableOffset;
  private volatile long aofOffset;

  /** Transaction state: queued commands, and whether EXEC must abort. */
  private List<byte[][]> multiQueue;
  private boolean multiDirty;
  private volatile boolean watchDirty;
  private final List<Object> watched = new ArrayList<>();

  /** Subscriptions, keyed by the channel or pattern bytes wrapped for hashing. */
  private final Set<Object> channels = new HashSet<>();
  private final Set<Object> patterns = new HashSet<>();
  private final Set<Object> shardChannels = new HashSet<>();

  private Object attachment;
  private volatile java.util.function.Consumer<java.util.function.Consumer<Reply>> outbound = writer -> {};
  private volatile Runnable resume = () -> {};

  public ClientConnection(long id, Channel channel, Reply reply, long nowMillis, boolean authenticated) {
    this.id = id;
    this.channel = channel;
    this.reply = reply;
    this.createdMillis = nowMillis;
    this.lastInteractionMillis = nowMillis;
    this.authenticated = authenticated;
    this.address = format(channel == null ? null : channel.remoteAddress());
    this.localAddress = format(channel == null ? null : channel.localAddress());
  }

  private static String format(java.net.SocketAddress socketAddress) {
    if (socketAddress instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) socketAddress;
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return socketAddress == null ? "" : socketAddress.toString();
  }

  public long id() {
    return id;
  }

  public Channel channel() {
    return channel;
  }

  public Reply reply() {
    return reply;
  }

  public long createdMillis() {
    return createdMillis;
  }

  public String address() {
    return address;
  }

  public String localAddress() {
    return localAddress;
  }

  public String name() {
    return name;
  }

  public void name(String value) {
    this.name = value;
  }

  public String libraryName() {
    return libraryName;
  }

  public void libraryName(String value) {
    this.libraryName = value;
  }

  public String libraryVersion() {
    return libraryVersion;
  }

  public void libraryVersion(String value) {
    this.libraryVersion = value;
  }

  public int db() {
    return db;
  }

  public void db(int value) {
    this.db = value;
  }

  public int protocol() {
    return reply.protocol();
  }

  public void protocol(int version) {
    reply.protocol(version);
  }

  public boolean authenticated() {
    return authenticated;
  }

  public void authenticated(boolean value) {
    this.authenticated = value;
  }

  public String user() {
    return user;
  }

  public void user(String value) {
    this.user = value;
  }

  public long lastInteractionMillis() {
    return (long) LAST_INTERACTION.getAcquire(this);
  }

  public void lastInteraction(long nowMillis, byte[] commandName) {
    LAST_INTERACTION.setRelease(this, nowMillis);
    LAST_COMMAND.setRelease(this, commandName);
  }

  public String lastCommand() {
    byte[] name = (byte[]) LAST_COMMAND.getAcquire(this);
    return name == null ? "NULL" : new String(name, java.nio.charset.StandardCharsets.US_ASCII).toLowerCase();
  }

  public boolean closing() {
    return closing;
  }

  public void closing(boolean value) {
    this.closing = value;
  }

  public ReplyMode replyMode() {
    return replyMode;
  }

  public void replyMode(ReplyMode mode) {
    this.replyMode = mode;
  }

  public boolean skipNextReply() {
    return skipNextReply;
  }

  public void skipNextReply(boolean value) {
    this.skipNextReply = value;
  }

  public boolean noEvict() {
    return noEvict;
  }

  public void noEvict(boolean value) {
    this.noEvict = value;
  }

  public boolean readOnlyCluster() {
    return readOnlyCluster;
  }

  public void readOnlyCluster(boolean value) {
    this.readOnlyCluster = value;
  }

  public boolean asking() {
    return asking;
  }

  public void asking(boolean value) {
    this.asking = value;
  }

  public boolean blocked() {
    return blocked;
  }

  public void blocked(boolean value) {
    this.blocked = value;
  }

  /**
   * True while a command runs inside EXEC (or another command that already holds the locks):
   * blocking commands must then answer at once instead of blocking, as Redis's
   * CLIENT_DENY_BLOCKING makes them.
   */
  public boolean denyBlocking() {
    return denyBlocking;
  }

  public void denyBlocking(boolean value) {
    this.denyBlocking = value;
  }

  public long outputBufferBytes() {
    return outputBufferBytes;
  }

  public void outputBufferBytes(long value) {
    this.outputBufferBytes = value;
  }

  /** "normal", or "master" / "replica" for replication links (CLIENT LIST flags, CLIENT KILL TYPE). */
  public String kind() {
    return kind;
  }

  public void kind(String value) {
    this.kind = value;
  }

  /** The replication offset at the end of this client's last propagated write (WAIT). */
  public long durableOffset() {
    return durableOffset;
  }

  public void durableOffset(long value) {
    this.durableOffset = value;
  }

  public long writeOffset() {
    return writeOffset;
  }

  /** The append-only file's position at the end of this client's last logged write. */
  public long aofOffset() {
    return aofOffset;
  }

  public void aofOffset(long value) {
    this.aofOffset = value;
  }

  public void writeOffset(long value) {
    this.writeOffset = value;
  }

  public boolean inMulti() {
    return multiQueue != null;
  }

  public List<byte[][]> multiQueue() {
    return multiQueue;
  }

  public void beginMulti() {
    multiQueue = new ArrayList<>();
    multiDirty = false;
  }

  public void endMulti() {
    multiQueue = null;
    multiDirty = false;
  }

  public boolean multiDirty() {
    return multiDirty;
  }

  public void markMultiDirty() {
    multiDirty = true;
  }

  public boolean watchDirty() {
    return watchDirty;
  }

  public void watchDirty(boolean value) {
    this.watchDirty = value;
  }

  /** Opaque watch registrations, owned by the transaction code. */
  public List<Object> watched() {
    return watched;
  }

  public Set<Object> channels() {
    return channels;
  }

  public Set<Object> patterns() {
    return patterns;
  }

  public Set<Object> shardChannels() {
    return shardChannels;
  }

  public int subscriptionCount() {
    return channels.size() + patterns.size() + shardChannels.size();
  }

  /** In RESP2 a subscribed client may only run the subscribe family, PING, QUIT and RESET. */
  public boolean inSubscribeMode() {
    return protocol() == 2 && subscriptionCount() > 0;
  }

  /**
   * Writes to this client from outside its request cycle (pub/sub messages, a blocked command
   * being served): the writer runs on the client's own event loop and the bytes are flushed.
   */
  public void send(java.util.function.Consumer<Reply> writer) {
    outbound.accept(writer);
  }

  public void outbound(java.util.function.Consumer<java.util.function.Consumer<Reply>> sender) {
    this.outbound = sender;
  }

  /** After a blocked command was served or timed out: go on with the requests that queued up. */
  public void resume() {
    resume.run();
  }

  /**
   * Ends a block with a reply: written, unblocked and resumed on the client's event loop, always as
   * a fresh task, because the waker may be this very client in the middle of a request and the
   * reply must not land inside that request's processing.
   */
  public void unblockWith(java.util.function.Consumer<Reply> writer) {
    Runnable deliver = () -> {
      send(reply -> {
        writer.accept(reply);
        blocked(false);
      });
      resume();
    };
    if (channel == null) {
      deliver.run();
    } else {
      channel.eventLoop().execute(deliver);
    }
  }

  public void onResume(Runnable action) {
    this.resume = action;
  }

  /** Per-client state owned by a feature that the core does not know (blocking, replication). */
  @SuppressWarnings("unchecked")
  public <T> T attachment() {
    return (T) attachment;
  }

  public void attachment(Object value) {
    this.attachment = value;
  }

  public String flags() {
    StringBuilder flags = new StringBuilder();
    if ("master".equals(kind)) {
      flags.append('M');
    } else if ("replica".equals(kind)) {
      flags.append('S');
    }
    if (inMulti()) {
      flags.append('x');
    }
    if (blocked) {
      flags.append('b');
    }
    if (subscriptionCount() > 0) {
      flags.append('P');
    }
    if (noEvict) {
      flags.append('e');
    }
    if (readOnlyCluster) {
      flags.append('r');
    }
    if (closing) {
      flags.append('A');
    }
    return flags.length() == 0 ? "N" : flags.toString();
  }
}
