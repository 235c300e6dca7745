package io.shoal.cli;

import io.shoal.cli.testing.NodeProcesses;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;

/**
 * The failover scenarios against Shoal node processes. The bound is the target: under 2 s
 * from kill -9 to the first acknowledged write to the lost slots with cluster-node-timeout 1000.
 */
@Tag("failover")
class FailoverProcessesTest extends FailoverScenarios {
  @Override
  NodeProcesses.Flavor flavor() {
    return NodeProcesses.Flavor.SHOAL;
  }

  @Override
  Duration failoverBound() {
    return Duration.ofSeconds(2);
  }

  @Override
  Optional<String> durableSetting() {
    return Optional.of("cluster-durable=yes");
  }
}
