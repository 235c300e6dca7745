package io.shoal.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutputBufferLimitsTest {
  @Test
  void defaultsAreRedisDefaults() {
    OutputBufferLimits limits = OutputBufferLimits.defaults();
    assertThat(limits.text()).isEqualTo(OutputBufferLimits.DEFAULT);
    assertThat(limits.pubsub()).isEqualTo(new OutputBufferLimits.Limit(33554432, 8388608, 60));
    assertThat(limits.normal().unlimited()).isTrue();
  }

  @Test
  void partialUpdateKeepsOtherClassesAndAcceptsUnits() {
    OutputBufferLimits limits = OutputBufferLimits.parse("pubsub 1mb 512kb 10", OutputBufferLimits.defaults());
    assertThat(limits.text()).isEqualTo("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10");
    assertThat(OutputBufferLimits.parse("replica 1 2 3", limits).replica())
        .isEqualTo(new OutputBufferLimits.Limit(1, 2, 3));
  }

  @Test
  void rejectsMalformedValues() {
    assertThatThrownBy(() -> OutputBufferLimits.parse("pubsub 1 2", null))
        .hasMessageContaining("Wrong number of arguments");
    assertThatThrownBy(() -> OutputBufferLimits.parse("master 1 2 3", null))
        .hasMessageContaining("Invalid client class");
    assertThatThrownBy(() -> OutputBufferLimits.parse("pubsub x 2 3", null))
        .hasMessageContaining("hard, soft or soft_seconds");
  }
}
