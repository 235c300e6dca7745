package io.shoal.server.command.pubsub;

import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.LOADING;
import static io.shoal.server.command.CommandFlag.MAY_REPLICATE;
import static io.shoal.server.command.CommandFlag.NOSCRIPT;
import static io.shoal.server.command.CommandFlag.PUBSUB;
import static io.shoal.server.command.CommandFlag.STALE;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.config.Setting;
import io.shoal.server.pubsub.OutputBufferLimits;
import io.shoal.server.pubsub.PubSubHub;
import io.shoal.server.pubsub.PubSubHub.Kind;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ConnectionListener;
import io.shoal.server.server.ServerModule;
import java.util.List;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB, and the sharded forms
 * SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH. Replies follow Redis's {@code pubsub.c}: one confirmation
 * per channel ({@code [subscribe, channel, count]}), a push in RESP3 and an array in RESP2. The
 * count is the client's channels plus patterns, or its shard channels for the sharded forms.
 * Keyspace notifications are published through the same {@link PubSubHub}.
 */
public final class PubSubCommands implements ServerModule {
  private PubSubHub hub;

  public PubSubHub hub() {
    return hub;
  }

  @Override
  public void install(ShoalServer server) {
    hub = new PubSubHub(server::nowMillis);
    defineOutputBufferLimit(server);
    server.notifications().publisher(hub::publish);
    server.addConnectionListener(new ConnectionListener() {
      @Override
      public void closed(ClientConnection client) {
        hub.unsubscribeAll(client);
      }
    });
    server.register(CommandSpec.builder("subscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
        .acl("@pubsub", "@slow").group("pubsub").doc("Listens for messages published to channels.", "2.0.0",
            "O(N) where N is the number of channels to subscribe to.")
        .handler(c -> subscribe(c, Kind.CHANNEL, "subscribe")).build());
    server.register(CommandSpec.builder("psubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
        .acl("@pubsub", "@slow").group("pubsub")
        .doc("Listens for messages published to channels that match one or more patterns.", "2.0.0",
            "O(N) where N is the number of patterns to subscribe to.")
        .handler(c -> subscribe(c, Kind.PATTERN, "psubscribe")).build());
    server.register(CommandSpec.builder("ssubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
        .keys(1, -1, 1).acl("@pubsub", "@slow").group("pubsub")
        .doc("Listens for messages published to shard channels.", "7.0.0",
            "O(N) where N is the number of shard channels to subscribe to.")
        .handler(c -> subscribe(c, Kind.SHARD, "ssubscribe")).build());
    server.register(CommandSpec.builder("unsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
        .acl("@pubsub", "@slow").group("pubsub")
        .doc("Stops listening to messages posted to channels.", "2.0.0", "O(N) where N is the number of channels to unsubscribe.")
        .handler(c -> unsubscribe(c, Kind.CHANNEL, "unsubscribe")).build());
    server.register(CommandSpec.builder("punsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
        .acl("@pubsub", "@slow").group("pubsub")
        .doc("Stops listening to messages published to channels that match one or more patterns.", "2.0.0",
            "O(N) where N is the number of patterns to unsubscribe.")
        .handler(c -> unsubscribe(c, Kind.PATTERN, "punsubscribe")).build());
    server.register(CommandSpec.builder("sunsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE)
        .keys(1, -1, 1).acl("@pubsub", "@slow").group("pubsub")
        .doc("Stops listening to messages posted to shard channels.", "7.0.0",
            "O(N) where N is the number of shard channels to unsubscribe.")
        .handler(c -> unsubscribe(c, Kind.SHARD, "sunsubscribe")).build());
    server.register(CommandSpec.builder("publish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE)
        .acl("@pubsub", "@fast").group("pubsub").doc("Posts a message to a channel.", "2.0.0",
            "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).")
        .handler(c -> c.reply().integer(hub.publish(c.arg(1), c.arg(2)))).build());
    server.register(CommandSpec.builder("spublish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE)
        .keys(1, 1, 1).acl("@pubsub", "@fast").group("pubsub").doc("Post a message to a shard channel", "7.0.0",
            "O(N) where N is the number of clients subscribed to the receiving shard channel.")
        .handler(c -> c.reply().integer(hub.publishShard(c.arg(1), c.arg(2)))).build());
    server.register(CommandSpec.builder("pubsub", -2).acl("@slow").group("pubsub")
        .doc("A container for Pub/Sub commands.", "2.8.0", "Depends on subcommand.")
        .subcommand(sub("channels", -2, "Returns the active channels.", "2.8.0", c -> channels(c, false)))
        .subcommand(sub("numsub", -2, "Returns a count of subscribers to channels.", "2.8.0", c -> numsub(c, false)))
        .subcommand(sub("numpat", 2, "Returns a count of unique pattern subscriptions.", "2.8.0",
            c -> c.reply().integer(hub.patternCount())))
        .subcommand(sub("shardchannels", -2, "Returns the active shard channels.", "7.0.0", c -> channels(c, true)))
        .subcommand(sub("shardnumsub", -2, "Returns the count of subscribers of shard channels.", "7.0.0",
            c -> numsub(c, true)))
        .subcommand(sub("help", 2, "Returns helpful text about the different subcommands.", "6.2.0",
            PubSubCommands::help))
        .build());
  }

  private static CommandSpec sub(String name, int arity, String summary, String since,
      io.shoal.server.command.CommandHandler handler) {
    return CommandSpec.builder(name, arity).flags(PUBSUB, LOADING, STALE).acl("@pubsub", "@slow")
        .group("pubsub").doc(summary, since, "O(N)").handler(handler).build();
  }

  private void defineOutputBufferLimit(ShoalServer server) {
    Setting[] holder = new Setting[1];
    Setting setting = server.settings().define("client-output-buffer-limit", Setting.Kind.STRING,
        OutputBufferLimits.DEFAULT, true, List.of(), 0, 0,
        value -> {
          OutputBufferLimits base = holder[0] == null ? OutputBufferLimits.defaults()
              : OutputBufferLimits.parse(holder[0].text(), null);
          return OutputBufferLimits.parse(value, base).text();
        }, List.of());
    holder[0] = setting;
    setting.onChange(s -> hub.limits(OutputBufferLimits.parse(s.text(), null)));
  }

  private void subscribe(CommandContext c, Kind kind, String confirmation) {
    ClientConnection client = c.client();
    Reply reply = c.reply();
    for (int i = 1; i < c.argc(); i++) {
      hub.subscribe(client, kind, c.arg(i));
      reply.push(3);
      reply.bulk(confirmation);
      reply.bulk(c.arg(i));
      reply.integer(count(client, kind));
    }
  }

  private void unsubscribe(CommandContext c, Kind kind, String confirmation) {
    ClientConnection client = c.client();
    Reply reply = c.reply();
    List<byte[]> names;
    if (c.argc() > 1) {
      names = new java.util.ArrayList<>();
      for (int i = 1; i < c.argc(); i++) {
        names.add(c.arg(i));
      }
    } else {
      names = hub.subscriptions(client, kind);
      if (names.isEmpty()) {
        reply.push(3);
        reply.bulk(confirmation);
        reply.nullBulk();
        reply.integer(count(client, kind));
        return;
      }
    }
    for (byte[] name : names) {
      hub.unsubscribe(client, kind, name);
      reply.push(3);
      reply.bulk(confirmation);
      reply.bulk(name);
      reply.integer(count(client, kind));
    }
  }

  private static int count(ClientConnection client, Kind kind) {
    return kind == Kind.SHARD ? client.shardChannels().size() : client.channels().size() + client.patterns().size();
  }

  private void channels(CommandContext c, boolean shard) {
    if (c.argc() > 3) {
      throw ShoalError.err("unknown subcommand or wrong number of arguments for '" + c.argString(1)
          + "'. Try PUBSUB HELP.");
    }
    List<byte[]> names = hub.activeChannels(shard, c.argc() == 3 ? c.arg(2) : null);
    c.reply().array(names.size());
    for (byte[] name : names) {
      c.reply().bulk(name);
    }
  }

  private void numsub(CommandContext c, boolean shard) {
    Reply reply = c.reply();
    reply.array((c.argc() - 2) * 2);
    for (int i = 2; i < c.argc(); i++) {
      reply.bulk(c.arg(i));
      reply.integer(hub.subscriberCount(shard, c.arg(i)));
    }
  }

  private static void help(CommandContext c) {
    String[] lines = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Print this help."};
    c.reply().array(lines.length);
    for (String line : lines) {
      c.reply().simple(line);
    }
  }
}
