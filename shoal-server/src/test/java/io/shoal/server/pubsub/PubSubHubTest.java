package io.shoal.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class PubSubHubTest {
  @Test
  void slowSubscriberIsDisconnectedAtThePubsubOutputBufferLimit() {
    try (TestServer server = TestServer.start("client-output-buffer-limit", "pubsub 256kb 128kb 0")) {
      assertThat(server.server().setting("client-output-buffer-limit").text())
          .isEqualTo("normal 0 0 0 slave 268435456 67108864 60 pubsub 262144 131072 0");
      PubSubHub hub = server.server().module(io.shoal.server.command.pubsub.PubSubCommands.class).hub();
      try (RespConnection slow = new RespConnection(server.port(), 4096); Jedis publisher = server.jedis()) {
        assertThat(slow.call("SUBSCRIBE", "slow")).isEqualTo(List.of("subscribe", "slow", 1L));
        String payload = "x".repeat(64 * 1024);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int published = 0;
        // The subscriber never reads: bytes pile up in the kernel buffers, then in the server.
        while (publisher.pubsubNumSub("slow").get("slow") > 0) {
          assertThat(published).as("messages published before the disconnect").isLessThan(4000);
          assertThat(System.nanoTime()).isLessThan(deadline);
          publisher.publish("slow", payload);
          published++;
        }
        assertThat(hub.disconnectedSlowSubscribers()).isEqualTo(1);
        assertThat(slow.closedByServer()).isTrue();
        assertThat(publisher.ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void subscriberOverTheSoftLimitIsDisconnectedOnlyAfterItsSeconds() {
    try (TestServer server = TestServer.start("client-output-buffer-limit", "pubsub 0 128kb 1")) {
      PubSubHub hub = server.server().module(io.shoal.server.command.pubsub.PubSubCommands.class).hub();
      try (RespConnection slow = new RespConnection(server.port(), 4096); Jedis publisher = server.jedis()) {
        slow.call("SUBSCRIBE", "soft");
        long started = System.nanoTime();
        String payload = "y".repeat(32 * 1024);
        long deadline = started + TimeUnit.SECONDS.toNanos(30);
        while (publisher.pubsubNumSub("soft").get("soft") > 0) {
          assertThat(System.nanoTime()).as("disconnected within 30 s").isLessThan(deadline);
          publisher.publish("soft", payload);
        }
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(hub.disconnectedSlowSubscribers()).isEqualTo(1);
      }
    }
  }

  @Test
  void keyspaceNotificationsArePublished() {
    try (TestServer server = TestServer.start("notify-keyspace-events", "KEA");
        RespConnection subscriber = new RespConnection(server.port())) {
      subscriber.send("PSUBSCRIBE", "__key*__:*");
      assertThat(subscriber.read()).isEqualTo(List.of("psubscribe", "__key*__:*", 1L));
      // SET on this branch does not notify yet; fire the event as a string command would.
      server.server().notifications().notify('$', "set", "foo".getBytes(), 0);
      assertThat(subscriber.read()).isEqualTo(List.of("pmessage", "__key*__:*", "__keyspace@0__:foo", "set"));
      assertThat(subscriber.read()).isEqualTo(List.of("pmessage", "__key*__:*", "__keyevent@0__:set", "foo"));
      server.server().notifications().configure("");
      server.server().notifications().notify('$', "set", "bar".getBytes(), 0);
      try (Jedis jedis = server.jedis()) {
        assertThat(jedis.publish("__keyspace@0__:marker", "end")).isEqualTo(1);
      }
      assertThat(subscriber.read()).isEqualTo(List.of("pmessage", "__key*__:*", "__keyspace@0__:marker", "end"));
    }
  }
}
