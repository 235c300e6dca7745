package io.shoal.server.command.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class ConnectionCommandsTest {
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
  void pingAndEcho() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.ping("hi")).isEqualTo("hi");
      assertThat(jedis.echo("hello")).isEqualTo("hello");
    }
  }

  @Test
  void selectChecksRange() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.select(15)).isEqualTo("OK");
      assertThatThrownBy(() -> jedis.select(16)).isInstanceOf(JedisDataException.class)
          .hasMessage("ERR DB index is out of range");
    }
  }

  @Test
  void unknownCommandGetsRedisError() {
    try (Jedis jedis = server.jedis()) {
      assertThatThrownBy(() -> jedis.sendCommand(() -> "NOPE".getBytes(), "a", "b"))
          .hasMessage("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' ");
    }
  }
}
