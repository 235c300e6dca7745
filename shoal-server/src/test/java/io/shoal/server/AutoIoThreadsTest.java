package io.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** io-threads 0 picks one thread on small hosts, one per core elsewhere (see docs/configuration.md). */
class AutoIoThreadsTest {
  @Test
  void oneThreadOnOneOrTwoCoresOnePerCoreAbove() {
    assertThat(ShoalServer.autoIoThreads(1)).isEqualTo(1);
    assertThat(ShoalServer.autoIoThreads(2)).isEqualTo(1);
    assertThat(ShoalServer.autoIoThreads(4)).isEqualTo(4);
    assertThat(ShoalServer.autoIoThreads(16)).isEqualTo(16);
  }

  /** io-spin-micros -1: no polling on one core, where the clients cannot run meanwhile. */
  @Test
  void spinTwentyMicrosecondsExceptOnOneCore() {
    assertThat(ShoalServer.autoIoSpinMicros(1)).isZero();
    assertThat(ShoalServer.autoIoSpinMicros(2)).isEqualTo(20);
    assertThat(ShoalServer.autoIoSpinMicros(16)).isEqualTo(20);
  }

  /** Polling needs a core beside every node of the host (a local cluster of three on two: none). */
  @Test
  void pollOnlyWithMoreCoresThanNodesOnTheHost() {
    assertThat(ShoalServer.autoIoSpinAllowed(2, 1)).isTrue();
    assertThat(ShoalServer.autoIoSpinAllowed(2, 2)).isFalse();
    assertThat(ShoalServer.autoIoSpinAllowed(2, 3)).isFalse();
    assertThat(ShoalServer.autoIoSpinAllowed(8, 3)).isTrue();
  }
}
