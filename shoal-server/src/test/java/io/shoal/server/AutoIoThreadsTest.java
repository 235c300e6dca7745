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
}
