package io.shoal.server.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The poll window of an I/O thread, on a clock the test moves (see SpinningSelectStrategy). */
class SpinningSelectStrategyTest {
  private long now = 1_000_000;

  /** A poll that finds nothing and takes 1 µs of the test's clock. */
  private final AtomicInteger polls = new AtomicInteger();

  private int emptyPoll() {
    polls.incrementAndGet();
    now += 1_000;
    return 0;
  }

  @Test
  void pollsUntilTheWindowEndsThenBlocks() throws Exception {
    SpinningSelectStrategy strategy = new SpinningSelectStrategy(20_000, () -> now);
    assertThat(strategy.calculateStrategy(this::emptyPoll, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(polls.get()).isEqualTo(20);
  }

  @Test
  void returnsTheReadyCountAsSoonAsAPollFindsWork() throws Exception {
    SpinningSelectStrategy strategy = new SpinningSelectStrategy(20_000, () -> now);
    AtomicInteger calls = new AtomicInteger();
    int ready = strategy.calculateStrategy(() -> calls.incrementAndGet() < 3 ? emptyPoll() : 7, false);
    assertThat(ready).isEqualTo(7);
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void pendingTasksPollOnceWithoutWaiting() throws Exception {
    SpinningSelectStrategy strategy = new SpinningSelectStrategy(20_000, () -> now);
    assertThat(strategy.calculateStrategy(this::emptyPoll, true)).isZero();
    assertThat(polls.get()).isEqualTo(1);
  }

  @Test
  void sparseTrafficBlocksAtOnceDenseTrafficPolls() throws Exception {
    SpinningSelectStrategy strategy = new SpinningSelectStrategy(20_000, () -> now);
    strategy.calculateStrategy(this::emptyPoll, false); // polled 20 µs, then blocked
    now += 1_000_000; // the next request came 1 ms later: traffic is sparse
    polls.set(0);
    assertThat(strategy.calculateStrategy(this::emptyPoll, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(polls.get()).isZero();
    now += 50_000; // the next one within 10 windows: dense again, so the loop polls
    assertThat(strategy.calculateStrategy(this::emptyPoll, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(polls.get()).isEqualTo(20);
  }

  @Test
  void aHostWithoutASpareCoreBlocksAtOnceUntilOneIsFree() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean allowed = new java.util.concurrent.atomic.AtomicBoolean(false);
    SpinningSelectStrategy strategy = new SpinningSelectStrategy(20_000, () -> now, allowed::get);
    assertThat(strategy.calculateStrategy(this::emptyPoll, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(polls.get()).isZero();
    allowed.set(true);
    assertThat(strategy.calculateStrategy(this::emptyPoll, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(polls.get()).isEqualTo(20);
  }
}
