package io.shoal.server.command.transaction;

import static io.shoal.server.command.CommandFlag.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import io.shoal.server.pubsub.RespConnection;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import io.shoal.server.transaction.Watches;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

class TransactionCommandsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    // Stand-ins for commands other branches own: a keyless write (like FLUSHALL) and a command
    // that fails at run time (like INCR on a non-number).
    server.server().register(CommandSpec.builder("testflushall", 1).flags(WRITE).acl("@write")
        .group("server").doc("test", "0").handler(c -> {
          c.server().keyspace().flushAll();
          c.reply().ok();
        }).build());
    server.server().register(CommandSpec.builder("testfail", 2).flags(WRITE).keys(1, 1, 1).acl("@write")
        .group("string").doc("test", "0").handler(c -> {
          throw ShoalError.err("boom");
        }).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void execRunsQueuedCommandsInOrder() {
    try (Jedis jedis = server.jedis()) {
      Transaction transaction = jedis.multi();
      transaction.set("tx:a", "1");
      transaction.get("tx:a");
      transaction.set("tx:a", "2");
      assertThat(transaction.exec()).containsExactly("OK", "1", "OK");
      assertThat(jedis.get("tx:a")).isEqualTo("2");
    }
  }

  @Test
  void queuedRepliesAndDiscard() {
    try (RespConnection connection = new RespConnection(server.port())) {
      assertThat(connection.call("MULTI")).isEqualTo("OK");
      assertThat(connection.call("SET", "tx:d", "1")).isEqualTo("QUEUED");
      assertThat(connection.call("DISCARD")).isEqualTo("OK");
      assertThat(connection.call("GET", "tx:d")).isNull();
      assertThat(connection.call("EXEC")).isEqualTo(new RespConnection.Error("ERR EXEC without MULTI"));
      assertThat(connection.call("DISCARD")).isEqualTo(new RespConnection.Error("ERR DISCARD without MULTI"));
    }
  }

  @Test
  void nestingAndWatchInsideMultiAreRefusedWithoutAbortingTheTransaction() {
    try (RespConnection connection = new RespConnection(server.port())) {
      connection.call("MULTI");
      assertThat(connection.call("MULTI")).isEqualTo(new RespConnection.Error("ERR MULTI calls can not be nested"));
      assertThat(connection.call("WATCH", "x")).isEqualTo(new RespConnection.Error("ERR WATCH inside MULTI is not allowed"));
      connection.call("SET", "tx:n", "v");
      assertThat(connection.call("EXEC")).isEqualTo(List.of("OK"));
    }
  }

  @Test
  void queuedSyntaxErrorAbortsExec() {
    try (Jedis jedis = server.jedis()) {
      jedis.set("tx:s", "before");
      assertThat(jedis.sendCommand(Protocol.Command.MULTI)).isNotNull();
      jedis.sendCommand(Protocol.Command.SET, "tx:s", "after");
      assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.GET))
          .hasMessage("ERR wrong number of arguments for 'get' command");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "NOSUCH".getBytes(StandardCharsets.UTF_8)))
          .hasMessageStartingWith("ERR unknown command 'NOSUCH'");
      assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.EXEC))
          .hasMessage("EXECABORT Transaction discarded because of previous errors.");
      assertThat(jedis.get("tx:s")).isEqualTo("before");
    }
  }

  @Test
  void runtimeErrorsAreRepliedPerCommand() {
    try (Jedis jedis = server.jedis()) {
      Transaction transaction = jedis.multi();
      transaction.set("tx:r", "1");
      transaction.sendCommand(() -> "TESTFAIL".getBytes(StandardCharsets.UTF_8), "tx:r");
      transaction.set("tx:r", "2");
      List<Object> replies = transaction.exec();
      assertThat(replies).hasSize(3);
      assertThat(replies.get(0)).isEqualTo("OK");
      assertThat(replies.get(1)).isInstanceOf(JedisDataException.class);
      assertThat(((JedisDataException) replies.get(1)).getMessage()).isEqualTo("ERR boom");
      assertThat(replies.get(2)).isEqualTo("OK");
      assertThat(jedis.get("tx:r")).isEqualTo("2");
    }
  }

  @Test
  void writeByAnotherClientAbortsExec() {
    try (Jedis watcher = server.jedis(); Jedis other = server.jedis()) {
      watcher.set("tx:w", "0");
      watcher.watch("tx:w");
      other.set("tx:w", "other");
      Transaction transaction = watcher.multi();
      transaction.set("tx:w", "mine");
      assertThat(transaction.exec()).isNull();
      assertThat(watcher.get("tx:w")).isEqualTo("other");
    }
  }

  @Test
  void writeCommandsThatChangeNothingDoNotAbortExec() {
    try (Jedis watcher = server.jedis(); Jedis other = server.jedis()) {
      watcher.set("tx:n:string", "0");
      watcher.sadd("tx:n:set", "a");
      watcher.hset("tx:n:hash", "f", "v");
      watcher.zadd("tx:n:zset", 1, "m");
      watcher.watch("tx:n:missing", "tx:n:string", "tx:n:set", "tx:n:hash", "tx:n:zset");
      // As in Redis, none of these modifies its key, so none signals it to WATCH.
      assertThat(other.del("tx:n:missing")).isZero();
      assertThat(other.lpop("tx:n:missing")).isNull();
      assertThat(other.set("tx:n:string", "x", redis.clients.jedis.params.SetParams.setParams().nx())).isNull();
      assertThat(other.persist("tx:n:string")).isZero();
      assertThat(other.sadd("tx:n:set", "a")).isZero();
      assertThat(other.srem("tx:n:set", "b")).isZero();
      assertThat(other.hsetnx("tx:n:hash", "f", "w")).isZero();
      assertThat(other.hdel("tx:n:hash", "g")).isZero();
      assertThat(other.zrem("tx:n:zset", "n")).isZero();
      Transaction transaction = watcher.multi();
      transaction.set("tx:n:string", "mine");
      assertThat(transaction.exec()).containsExactly("OK");

      // The same commands abort it once they do change the key.
      watcher.watch("tx:n:set");
      assertThat(other.srem("tx:n:set", "a")).isOne();
      transaction = watcher.multi();
      transaction.set("tx:n:string", "again");
      assertThat(transaction.exec()).isNull();
      assertThat(watcher.get("tx:n:string")).isEqualTo("mine");
    }
  }

  @Test
  void untouchedWatchLetsExecRunAndUnwatchForgets() {
    try (Jedis watcher = server.jedis(); Jedis other = server.jedis()) {
      watcher.watch("tx:u1", "tx:u2");
      other.set("tx:unrelated", "x");
      Transaction transaction = watcher.multi();
      transaction.set("tx:u1", "mine");
      assertThat(transaction.exec()).containsExactly("OK");

      watcher.watch("tx:u1");
      watcher.unwatch();
      other.set("tx:u1", "other");
      transaction = watcher.multi();
      transaction.set("tx:u1", "again");
      assertThat(transaction.exec()).containsExactly("OK");
      assertThat(server.server().module(TransactionCommands.class).watches().watchedKeys()).isZero();
    }
  }

  @Test
  void writeByTheWatcherItselfAbortsExec() {
    try (Jedis jedis = server.jedis()) {
      jedis.watch("tx:self");
      jedis.set("tx:self", "1");
      Transaction transaction = jedis.multi();
      transaction.set("tx:self", "2");
      assertThat(transaction.exec()).isNull();
      assertThat(jedis.get("tx:self")).isEqualTo("1");
    }
  }

  @Test
  void keylessWriteAbortsExec() {
    try (Jedis watcher = server.jedis(); Jedis other = server.jedis()) {
      watcher.set("tx:f", "1");
      watcher.watch("tx:f");
      other.sendCommand(() -> "TESTFLUSHALL".getBytes(StandardCharsets.UTF_8));
      Transaction transaction = watcher.multi();
      transaction.set("tx:f", "2");
      assertThat(transaction.exec()).isNull();
    }
  }

  @Test
  void keylessWriteInsideAnotherTransactionAbortsExec() {
    try (Jedis watcher = server.jedis(); Jedis other = server.jedis()) {
      watcher.set("tx:f2", "1");
      watcher.watch("tx:f2");
      Transaction flush = other.multi();
      flush.set("tx:elsewhere", "1");
      flush.sendCommand(() -> "TESTFLUSHALL".getBytes(StandardCharsets.UTF_8), new String[0]);
      List<Object> flushed = flush.exec();
      assertThat(flushed).hasSize(2);
      assertThat(new String((byte[]) flushed.get(1), StandardCharsets.UTF_8)).isEqualTo("OK");
      Transaction transaction = watcher.multi();
      transaction.set("tx:f2", "2");
      assertThat(transaction.exec()).isNull();
      assertThat(watcher.get("tx:f2")).isNull();
    }
  }

  @Test
  void resetDropsTransactionAndWatches() {
    try (RespConnection connection = new RespConnection(server.port()); Jedis other = server.jedis()) {
      connection.call("WATCH", "tx:reset");
      connection.call("MULTI");
      connection.call("SET", "tx:reset", "queued");
      assertThat(connection.call("RESET")).isEqualTo("RESET");
      other.set("tx:reset", "other");
      assertThat(connection.call("EXEC")).isEqualTo(new RespConnection.Error("ERR EXEC without MULTI"));
      connection.call("MULTI");
      connection.call("SET", "tx:reset", "mine");
      assertThat(connection.call("EXEC")).isEqualTo(List.of("OK"));
      assertThat(other.get("tx:reset")).isEqualTo("mine");
    }
  }

  @Test
  void watchesEndWithTheConnection() {
    Watches watches = server.server().module(TransactionCommands.class).watches();
    try (Jedis jedis = server.jedis()) {
      jedis.watch("tx:gone:1", "tx:gone:2");
      assertThat(watches.watchedKeys()).isGreaterThanOrEqualTo(2);
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (watches.watchedKeys() > 0) {
      assertThat(System.nanoTime()).as("watches dropped after disconnect").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void keyExpiredBetweenWatchAndExecAbortsExec() {
    try (Jedis jedis = server.jedis()) {
      jedis.set("tx:e", "1");
      jedis.watch("tx:e");
      expireNow("tx:e");
      Transaction transaction = jedis.multi();
      transaction.set("tx:e", "2");
      assertThat(transaction.exec()).isNull();
      assertThat(jedis.get("tx:e")).isNull();
    }
  }

  @Test
  void expiryNoticedByAnotherClientAbortsExec() {
    try (Jedis watcher = server.jedis(); Jedis other = server.jedis()) {
      watcher.set("tx:e2", "1");
      watcher.watch("tx:e2");
      expireNow("tx:e2");
      assertThat(other.get("tx:e2")).isNull();
      Transaction transaction = watcher.multi();
      transaction.set("tx:e2", "2");
      assertThat(transaction.exec()).isNull();
    }
  }

  @Test
  void watchingAMissingKeyIsNotAbortedByItsAbsence() {
    try (Jedis jedis = server.jedis()) {
      jedis.watch("tx:missing");
      Transaction transaction = jedis.multi();
      transaction.set("tx:other", "1");
      assertThat(transaction.exec()).containsExactly("OK");
    }
  }

  @Test
  void resp3AbortedExecIsNull() {
    try (RespConnection connection = new RespConnection(server.port())) {
      connection.call("HELLO", "3");
      connection.call("WATCH", "tx:3");
      try (Jedis other = server.jedis()) {
        other.set("tx:3", "x");
      }
      connection.call("MULTI");
      connection.call("SET", "tx:3", "y");
      assertThat(connection.call("EXEC")).isNull();
    }
  }

  @Test
  void redisCliTransaction() {
    org.junit.jupiter.api.Assumptions.assumeTrue(RedisCli.available());
    String output = RedisCli.runWithInput(server.port(), "MULTI\nSET tx:cli 5\nGET tx:cli\nEXEC\n");
    assertThat(output.lines().toList()).containsExactly("OK", "QUEUED", "QUEUED", "OK", "5");
  }

  private static void expireNow(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    Database db = server.server().keyspace().db(0);
    int slot = KeySlot.of(bytes);
    server.server().keyspace().locks().lockSlot(slot);
    try {
      assertThat(db.expireTime(bytes, server.server().nowMillis() - 1)).isTrue();
    } finally {
      server.server().keyspace().locks().unlockSlot(slot);
    }
  }
}
