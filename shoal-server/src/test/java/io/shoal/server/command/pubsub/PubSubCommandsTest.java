package io.shoal.server.command.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.shoal.server.pubsub.RespConnection;
import io.shoal.server.pubsub.RespConnection.Error;
import io.shoal.server.pubsub.RespConnection.Push;
import io.shoal.server.testing.TestServer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;

class PubSubCommandsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void subscribeConfirmsEachChannelWithCountsAndReceivesMessages() {
    try (RespConnection subscriber = new RespConnection(server.port()); Jedis publisher = server.jedis()) {
      subscriber.send("SUBSCRIBE", "ps:a", "ps:b");
      assertThat(subscriber.read()).isEqualTo(List.of("subscribe", "ps:a", 1L));
      assertThat(subscriber.read()).isEqualTo(List.of("subscribe", "ps:b", 2L));
      subscriber.send("PSUBSCRIBE", "ps:*");
      assertThat(subscriber.read()).isEqualTo(List.of("psubscribe", "ps:*", 3L));

      assertThat(publisher.publish("ps:a", "hello")).isEqualTo(2);
      assertThat(subscriber.read()).isEqualTo(List.of("message", "ps:a", "hello"));
      assertThat(subscriber.read()).isEqualTo(List.of("pmessage", "ps:*", "ps:a", "hello"));
      assertThat(publisher.publish("other", "x")).isZero();

      subscriber.send("UNSUBSCRIBE", "ps:a");
      assertThat(subscriber.read()).isEqualTo(List.of("unsubscribe", "ps:a", 2L));
      subscriber.send("PUNSUBSCRIBE");
      assertThat(subscriber.read()).isEqualTo(List.of("punsubscribe", "ps:*", 1L));
      subscriber.send("UNSUBSCRIBE");
      assertThat(subscriber.read()).isEqualTo(List.of("unsubscribe", "ps:b", 0L));
      assertThat(subscriber.call("UNSUBSCRIBE")).isEqualTo(java.util.Arrays.asList("unsubscribe", null, 0L));
      assertThat(subscriber.call("GET", "ps:nothing")).isNull();
    }
  }

  @Test
  void resp2SubscribedClientMayOnlyRunTheSubscribeFamily() {
    try (RespConnection subscriber = new RespConnection(server.port())) {
      subscriber.call("SUBSCRIBE", "ps:r");
      assertThat(subscriber.call("GET", "k")).isEqualTo(new Error(
          "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
      assertThat(subscriber.call("PING")).isEqualTo(List.of("pong", ""));
      assertThat(subscriber.call("RESET")).isEqualTo("RESET");
      assertThat(subscriber.call("GET", "k")).isNull();
      try (Jedis jedis = server.jedis()) {
        assertThat(jedis.pubsubNumSub("ps:r")).containsEntry("ps:r", 0L);
      }
    }
  }

  @Test
  void resp3SubscribersGetPushesAndMayRunAnyCommand() {
    try (RespConnection subscriber = new RespConnection(server.port())) {
      subscriber.call("HELLO", "3");
      assertThat(subscriber.call("SUBSCRIBE", "ps:3")).isEqualTo(new Push(List.of("subscribe", "ps:3", 1L)));
      assertThat(subscriber.call("SET", "ps:k", "v")).isEqualTo("OK");
      // Publishing to itself: the command's reply comes before the push it caused.
      assertThat(subscriber.call("PUBLISH", "ps:3", "self")).isEqualTo(1L);
      assertThat(subscriber.read()).isEqualTo(new Push(List.of("message", "ps:3", "self")));
    }
  }

  @Test
  void lettuceResp3ReceivesPushMessagesWhileRunningCommands() throws Exception {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    try (StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub()) {
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      connection.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received.add(channel + "=" + message);
        }

        @Override
        public void message(String pattern, String channel, String message) {
          received.add(pattern + ":" + channel + "=" + message);
        }
      });
      connection.sync().subscribe("ps:lettuce");
      connection.sync().psubscribe("ps:lett*");
      assertThat(connection.sync().set("ps:lk", "v")).isEqualTo("OK");
      try (Jedis publisher = server.jedis()) {
        assertThat(publisher.publish("ps:lettuce", "m1")).isEqualTo(2);
      }
      assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("ps:lettuce=m1");
      assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("ps:lett*:ps:lettuce=m1");
      assertThat(connection.sync().get("ps:lk")).isEqualTo("v");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void jedisSubscriberGetsMessagesAndPatternMessages() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onMessage(String channel, String message) {
        received.add(channel + "=" + message);
      }

      @Override
      public void onPMessage(String pattern, String channel, String message) {
        received.add(pattern + ":" + channel + "=" + message);
        punsubscribe();
        unsubscribe();
      }
    };
    Thread thread = new Thread(() -> {
      try (Jedis jedis = server.jedis()) {
        jedis.subscribe(listener, "ps:j");
      }
    });
    thread.start();
    try (Jedis publisher = server.jedis()) {
      awaitNumSub(publisher, "ps:j", 1);
      listener.psubscribe("ps:j*");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (publisher.pubsubNumPat() < 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(publisher.publish("ps:j", "hi")).isEqualTo(2);
    }
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("ps:j=hi");
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("ps:j*:ps:j=hi");
    thread.join(10_000);
    assertThat(thread.isAlive()).isFalse();
  }

  @Test
  void pubsubIntrospection() {
    try (RespConnection first = new RespConnection(server.port());
        RespConnection second = new RespConnection(server.port());
        Jedis jedis = server.jedis()) {
      first.call("SUBSCRIBE", "intro:one");
      second.call("SUBSCRIBE", "intro:one");
      second.call("SUBSCRIBE", "intro:two");
      first.call("PSUBSCRIBE", "intro:*");
      second.call("PSUBSCRIBE", "intro:*");
      second.call("PSUBSCRIBE", "other:*");
      assertThat(jedis.pubsubChannels("intro:*")).containsExactlyInAnyOrder("intro:one", "intro:two");
      assertThat(jedis.pubsubNumSub("intro:one", "intro:two", "intro:none"))
          .containsEntry("intro:one", 2L).containsEntry("intro:two", 1L).containsEntry("intro:none", 0L);
      assertThat(jedis.pubsubNumPat()).isEqualTo(2);
      assertThat(jedis.publish("intro:one", "m")).isEqualTo(4);
    }
    try (Jedis jedis = server.jedis()) {
      awaitNumSub(jedis, "intro:one", 0);
      assertThat(jedis.pubsubChannels("intro:*")).isEmpty();
    }
  }

  @Test
  void redisCliPublishAndIntrospect() {
    org.junit.jupiter.api.Assumptions.assumeTrue(io.shoal.server.testing.RedisCli.available());
    try (RespConnection subscriber = new RespConnection(server.port())) {
      subscriber.call("SUBSCRIBE", "cli:chan");
      assertThat(io.shoal.server.testing.RedisCli.run(server.port(), "PUBLISH", "cli:chan", "hi")).isEqualTo("1");
      assertThat(subscriber.read()).isEqualTo(List.of("message", "cli:chan", "hi"));
      assertThat(io.shoal.server.testing.RedisCli.run(server.port(), "PUBSUB", "NUMSUB", "cli:chan").lines().toList())
          .containsExactly("cli:chan", "1");
      assertThat(io.shoal.server.testing.RedisCli.run(server.port(), "PUBSUB", "CHANNELS", "cli:*")).isEqualTo("cli:chan");
    }
  }

  @Test
  void shardChannelsAreTheirOwnNamespace() {
    try (RespConnection subscriber = new RespConnection(server.port()); Jedis jedis = server.jedis()) {
      subscriber.send("SSUBSCRIBE", "sh:a", "sh:b");
      assertThat(subscriber.read()).isEqualTo(List.of("ssubscribe", "sh:a", 1L));
      assertThat(subscriber.read()).isEqualTo(List.of("ssubscribe", "sh:b", 2L));
      assertThat(jedis.publish("sh:a", "plain")).isZero();
      assertThat(jedis.sendCommand(Protocol.Command.SPUBLISH, "sh:a", "sharded")).isEqualTo(1L);
      assertThat(subscriber.read()).isEqualTo(List.of("smessage", "sh:a", "sharded"));
      assertThat(jedis.pubsubShardChannels("sh:*")).containsExactlyInAnyOrder("sh:a", "sh:b");
      assertThat(jedis.pubsubShardNumSub("sh:a")).containsEntry("sh:a", 1L);
      assertThat(jedis.pubsubNumSub("sh:a")).containsEntry("sh:a", 0L);
      subscriber.send("SUNSUBSCRIBE");
      List<?> first = (List<?>) subscriber.read();
      List<?> second = (List<?>) subscriber.read();
      assertThat(List.of(first.get(1), second.get(1))).containsExactlyInAnyOrder("sh:a", "sh:b");
      assertThat(List.of(first.get(0), first.get(2), second.get(0), second.get(2)))
          .containsExactly("sunsubscribe", 1L, "sunsubscribe", 0L);
    }
  }

  @Test
  void pubsubErrors() {
    try (RespConnection connection = new RespConnection(server.port())) {
      assertThat(connection.call("PUBSUB", "NOPE")).isEqualTo(new Error("ERR unknown subcommand 'NOPE'. Try PUBSUB HELP."));
      assertThat(connection.call("PUBSUB", "NUMPAT", "x"))
          .isEqualTo(new Error("ERR wrong number of arguments for 'pubsub|numpat' command"));
      assertThat(connection.call("PUBSUB", "CHANNELS", "a", "b")).isEqualTo(new Error(
          "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."));
      assertThat(connection.call("SUBSCRIBE")).isEqualTo(new Error("ERR wrong number of arguments for 'subscribe' command"));
      assertThat(connection.call("PUBLISH", "a")).isEqualTo(new Error("ERR wrong number of arguments for 'publish' command"));
    }
  }

  @Test
  void subscriptionsEndWithTheConnection() {
    try (Jedis jedis = server.jedis()) {
      try (RespConnection subscriber = new RespConnection(server.port())) {
        subscriber.call("SUBSCRIBE", "ps:gone");
        assertThat(jedis.pubsubNumSub("ps:gone")).containsEntry("ps:gone", 1L);
      }
      awaitNumSub(jedis, "ps:gone", 0);
    }
  }

  static void awaitNumSub(Jedis jedis, String channel, long expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (jedis.pubsubNumSub(channel).get(channel) != expected) {
      assertThat(System.nanoTime()).as("NUMSUB %s reaches %d", channel, expected).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
