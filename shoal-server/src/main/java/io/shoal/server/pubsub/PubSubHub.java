package io.shoal.server.pubsub;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.resp.Reply;
import io.shoal.server.util.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Who listens to what, and delivery of published messages (Redis's {@code pubsub.c}).
 *
 * <p>Three namespaces, each a concurrent map from name to the set of subscribed clients: plain
 * channels, patterns, and shard channels (SSUBSCRIBE/SPUBLISH, which in standalone mode behave like
 * plain channels in a namespace of their own). A client's own list of subscriptions is kept in its
 * {@link ClientConnection} and touched only by its event loop.
 *
 * <p>A message is handed to each subscriber's own event loop, which writes and flushes it. It is
 * always queued as a task, never written inline, so a client that publishes to itself (or whose
 * command fires a keyspace notification it listens to) gets its command's reply first, as Redis 7.2
 * orders them. A subscriber that reads slower than messages arrive leaves bytes pending in Netty's
 * outbound buffer; past {@code client-output-buffer-limit pubsub} it is disconnected, as Redis's
 * {@code checkClientOutputBufferLimits} does, instead of holding unbounded memory.
 */
public final class PubSubHub {
  private static final System.Logger LOG = System.getLogger(PubSubHub.class.getName());

  /** Which of the three namespaces a subscription is in. */
  public enum Kind { CHANNEL, PATTERN, SHARD }

  private final Map<ChannelName, Set<ClientConnection>> channels = new ConcurrentHashMap<>();
  private final Map<ChannelName, Set<ClientConnection>> patterns = new ConcurrentHashMap<>();
  private final Map<ChannelName, Set<ClientConnection>> shardChannels = new ConcurrentHashMap<>();
  private final Map<ClientConnection, Long> overSoftLimitSince = new ConcurrentHashMap<>();
  private final LongSupplier clockMillis;
  private volatile OutputBufferLimits limits = OutputBufferLimits.defaults();
  private final java.util.concurrent.atomic.LongAdder disconnectedSlowSubscribers =
      new java.util.concurrent.atomic.LongAdder();

  public PubSubHub(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** The parsed {@code client-output-buffer-limit}, for other client classes to enforce too. */
  public OutputBufferLimits limits() {
    return limits;
  }

  public void limits(OutputBufferLimits value) {
    this.limits = value;
  }

  /** Subscribers closed for exceeding the pubsub output buffer limit. */
  public long disconnectedSlowSubscribers() {
    return disconnectedSlowSubscribers.sum();
  }

  private Map<ChannelName, Set<ClientConnection>> registry(Kind kind) {
    switch (kind) {
      case PATTERN: return patterns;
      case SHARD: return shardChannels;
      default: return channels;
    }
  }

  private static Set<Object> own(ClientConnection client, Kind kind) {
    switch (kind) {
      case PATTERN: return client.patterns();
      case SHARD: return client.shardChannels();
      default: return client.channels();
    }
  }

  /** Subscribes; false if the client already was. Runs on the client's event loop. */
  public boolean subscribe(ClientConnection client, Kind kind, byte[] name) {
    ChannelName channel = new ChannelName(name);
    if (!own(client, kind).add(channel)) {
      return false;
    }
    registry(kind).computeIfAbsent(channel, k -> ConcurrentHashMap.newKeySet()).add(client);
    return true;
  }

  /** Unsubscribes; false if the client was not subscribed. Runs on the client's event loop. */
  public boolean unsubscribe(ClientConnection client, Kind kind, byte[] name) {
    ChannelName channel = new ChannelName(name);
    if (!own(client, kind).remove(channel)) {
      return false;
    }
    registry(kind).computeIfPresent(channel, (k, clients) -> {
      clients.remove(client);
      return clients.isEmpty() ? null : clients;
    });
    return true;
  }

  /** The client's subscriptions of one kind, as a snapshot to iterate while unsubscribing. */
  public List<byte[]> subscriptions(ClientConnection client, Kind kind) {
    List<byte[]> names = new ArrayList<>();
    for (Object entry : own(client, kind)) {
      names.add(((ChannelName) entry).bytes());
    }
    return names;
  }

  /** Drops every subscription silently (disconnect, RESET). */
  public void unsubscribeAll(ClientConnection client) {
    for (Kind kind : Kind.values()) {
      for (byte[] name : subscriptions(client, kind)) {
        unsubscribe(client, kind, name);
      }
    }
    overSoftLimitSince.remove(client);
  }

  /** PUBLISH: delivers to channel subscribers and matching patterns; returns how many received it. */
  public int publish(byte[] channel, byte[] message) {
    int receivers = 0;
    Set<ClientConnection> direct = channels.get(new ChannelName(channel));
    if (direct != null) {
      for (ClientConnection client : direct) {
        deliver(client, reply -> {
          reply.push(3);
          reply.bulk("message");
          reply.bulk(channel);
          reply.bulk(message);
        });
        receivers++;
      }
    }
    if (!patterns.isEmpty()) {
      for (Map.Entry<ChannelName, Set<ClientConnection>> entry : patterns.entrySet()) {
        byte[] pattern = entry.getKey().bytes();
        if (!Glob.matches(pattern, channel, false)) {
          continue;
        }
        for (ClientConnection client : entry.getValue()) {
          deliver(client, reply -> {
            reply.push(4);
            reply.bulk("pmessage");
            reply.bulk(pattern);
            reply.bulk(channel);
            reply.bulk(message);
          });
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channel subscribers only. */
  public int publishShard(byte[] channel, byte[] message) {
    Set<ClientConnection> direct = shardChannels.get(new ChannelName(channel));
    if (direct == null) {
      return 0;
    }
    int receivers = 0;
    for (ClientConnection client : direct) {
      deliver(client, reply -> {
        reply.push(3);
        reply.bulk("smessage");
        reply.bulk(channel);
        reply.bulk(message);
      });
      receivers++;
    }
    return receivers;
  }

  /** Channels (or shard channels) with at least one subscriber, optionally matching a pattern. */
  public List<byte[]> activeChannels(boolean shard, byte[] pattern) {
    List<byte[]> result = new ArrayList<>();
    for (Map.Entry<ChannelName, Set<ClientConnection>> entry : (shard ? shardChannels : channels).entrySet()) {
      byte[] name = entry.getKey().bytes();
      if (!entry.getValue().isEmpty() && (pattern == null || Glob.matches(pattern, name, false))) {
        result.add(name);
      }
    }
    return result;
  }

  public int subscriberCount(boolean shard, byte[] channel) {
    Set<ClientConnection> clients = (shard ? shardChannels : channels).get(new ChannelName(channel));
    return clients == null ? 0 : clients.size();
  }

  /** Channels with at least one subscriber (INFO pubsub_channels). */
  public int channelCount() {
    return channels.size();
  }

  /** Shard channels with at least one subscriber (INFO pubsubshard_channels). */
  public int shardChannelCount() {
    return shardChannels.size();
  }

  /** Distinct patterns with at least one subscriber (PUBSUB NUMPAT, INFO pubsub_patterns). */
  public int patternCount() {
    return patterns.size();
  }

  private void deliver(ClientConnection client, Consumer<Reply> writer) {
    Channel channel = client.channel();
    if (channel == null || client.closing() || !channel.isActive()) {
      return;
    }
    channel.eventLoop().execute(() -> {
      if (client.closing()) {
        return;
      }
      client.send(writer);
      enforceLimit(client, channel);
    });
  }

  /** Runs on the subscriber's event loop, after a message was written and flushed. */
  private void enforceLimit(ClientConnection client, Channel channel) {
    ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
    if (outbound == null) {
      return;
    }
    long pending = outbound.totalPendingWriteBytes();
    client.outputBufferBytes(pending);
    OutputBufferLimits.Limit limit = limits.pubsub();
    if (limit.unlimited()) {
      return;
    }
    boolean close = limit.hardBytes() > 0 && pending >= limit.hardBytes();
    if (!close && limit.softBytes() > 0 && pending >= limit.softBytes()) {
      long now = clockMillis.getAsLong();
      Long since = overSoftLimitSince.putIfAbsent(client, now);
      close = since != null && now - since >= limit.softSeconds() * 1000;
    } else if (!close) {
      overSoftLimitSince.remove(client);
    }
    if (close) {
      disconnectedSlowSubscribers.increment();
      LOG.log(System.Logger.Level.WARNING,
          "Client id={0} addr={1} closed for overcoming of output buffer limits ({2} bytes pending).",
          client.id(), client.address(), pending);
      client.closing(true);
      overSoftLimitSince.remove(client);
      channel.close();
    }
  }
}
