package io.shoal.server.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.testing.TestServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class ReplyBarrierTest {

  /**
   * Holds the next output of clients named "held" once armed; arming is one-shot, so the flush
   * that follows a release goes through, as a real barrier whose condition is met.
   */
  private static final class TestBarrier implements ReplyBarrier {
    final LinkedBlockingQueue<CompletableFuture<Boolean>> holds = new LinkedBlockingQueue<>();
    final java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public CompletableFuture<Boolean> hold(io.shoal.server.client.ClientConnection client) {
      if (!"held".equals(client.name()) || !armed.compareAndSet(true, false)) {
        return null;
      }
      CompletableFuture<Boolean> hold = new CompletableFuture<>();
      holds.add(hold);
      return hold;
    }

    void release(CompletableFuture<Boolean> hold) {
      hold.complete(true);
    }
  }

  @Test
  void aHeldReplyGoesOutWhenReleasedAndLaterRequestsWaitBehindIt() throws Exception {
    try (TestServer node = TestServer.start(); Jedis held = node.jedis(); Jedis other = node.jedis()) {
      TestBarrier barrier = new TestBarrier();
      node.server().addReplyBarrier(barrier);
      barrier.armed.set(true);
      CompletableFuture<String> named = CompletableFuture.supplyAsync(() -> held.clientSetname("held"));
      CompletableFuture<Boolean> first = barrier.holds.poll(10, TimeUnit.SECONDS);
      assertThat(first).as("CLIENT SETNAME's reply is held").isNotNull();
      assertThat(named).isNotDone();
      barrier.release(first);
      assertThat(named.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
      barrier.armed.set(true);
      CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> held.set("k", "v"));
      // The SET ran (its effect is visible) but its reply waits for its own release.
      CompletableFuture<Boolean> second = barrier.holds.poll(10, TimeUnit.SECONDS);
      assertThat(second).isNotNull();
      assertThat(other.get("k")).isEqualTo("v");
      assertThat(reply).isNotDone();
      barrier.release(second);
      assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
    }
  }

  @Test
  void aReplyThatCanNeverBeReleasedClosesTheConnection() throws Exception {
    try (TestServer node = TestServer.start(); Jedis held = node.jedis()) {
      TestBarrier barrier = new TestBarrier();
      node.server().addReplyBarrier(barrier);
      barrier.armed.set(true);
      CompletableFuture<String> named = CompletableFuture.supplyAsync(() -> held.clientSetname("held"));
      CompletableFuture<Boolean> hold = barrier.holds.poll(10, TimeUnit.SECONDS);
      assertThat(hold).isNotNull();
      hold.complete(false);
      assertThatThrownBy(() -> named.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
    }
  }

  /**
   * Asks that clients named "batched" flush with their event loop's batch and notes, for each of
   * their flushes, whether the batch's shared work ran after the client asked for it.
   */
  private static final class BatchingBarrier implements ReplyBarrier {
    final java.util.Set<Long> waitingForWork = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger flushedBeforeWork = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public boolean batches(io.shoal.server.client.ClientConnection client) {
      if (!"batched".equals(client.name())) {
        return false;
      }
      waitingForWork.add(client.id());
      return true;
    }

    @Override
    public void beforeBatchFlush() {
      batches.incrementAndGet();
      waitingForWork.clear();
    }

    @Override
    public CompletableFuture<Boolean> hold(io.shoal.server.client.ClientConnection client) {
      if ("batched".equals(client.name())) {
        flushes.incrementAndGet();
        if (waitingForWork.contains(client.id())) {
          flushedBeforeWork.incrementAndGet();
        }
      }
      return null;
    }
  }

  @Test
  void batchedRepliesGoOutAfterTheBatchsSharedWork() throws Exception {
    try (TestServer node = TestServer.start(); Jedis first = node.jedis(); Jedis second = node.jedis()) {
      BatchingBarrier barrier = new BatchingBarrier();
      node.server().addReplyBarrier(barrier);
      first.clientSetname("batched");
      second.clientSetname("batched");
      CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 200; i++) {
          second.set("second" + i, "v");
        }
      });
      for (int i = 0; i < 200; i++) {
        assertThat(first.set("first" + i, "v")).isEqualTo("OK");
      }
      other.get(30, TimeUnit.SECONDS);
      assertThat(first.get("second199")).isEqualTo("v");
      assertThat(barrier.flushes.get()).as("every reply of a batched client was flushed through the barrier")
          .isGreaterThanOrEqualTo(401);
      assertThat(barrier.batches.get()).isPositive().isLessThanOrEqualTo(barrier.flushes.get());
      assertThat(barrier.flushedBeforeWork.get()).as("replies sent before their batch's shared work").isZero();
    }
  }
}
